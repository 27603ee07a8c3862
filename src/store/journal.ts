import { existsSync } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { readLines } from "../data/lines.js";
import { InputError } from "../errors.js";
import type { Generation, Judgment } from "../run-result.js";

const nullableNumber = z.number().nullable();

/** CallAccounting (run-result.ts), shared by judgment and generation lines. */
const callFields = {
  cached: z.boolean(),
  attempts: z.number(),
  latencyMs: nullableNumber,
  inputTokens: nullableNumber,
  outputTokens: nullableNumber,
  costUsd: nullableNumber,
};

const JudgmentLine = z.object({
  type: z.literal("judgment"),
  key: z.string(),
  item: z.string(),
  candidate: z.string(),
  rubric: z.string(),
  critic: z.string(),
  kind: z.enum(["score", "abstain", "failed"]),
  level: nullableNumber,
  expected: nullableNumber,
  distribution: z.array(z.number()).nullable().optional(),
  reason: z.string().nullable(),
  raw: z.string(),
  ...callFields,
  at: z.string(),
});

const GenerationLine = z.object({
  type: z.literal("generation"),
  key: z.string(),
  item: z.string(),
  candidate: z.string(),
  output: z.string(),
  ...callFields,
  failed: z.string().nullable(),
  firstTokenMs: nullableNumber.optional(),
  tokensPerSecond: nullableNumber.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A batch submitted to a provider's batch API, written before it is polled: a run killed while
 * the batch runs resumes by collecting it instead of paying for it again. `keys[i]` is the task
 * key of the request whose custom_id is `k${i}`.
 */
const BatchLine = z.object({
  type: z.literal("batch"),
  batchId: z.string(),
  provider: z.enum(["openai", "anthropic"]),
  model: z.string(),
  keys: z.array(z.string()),
  at: z.string(),
});

const HeaderLine = z.object({ type: z.literal("run"), run: z.string(), startedAt: z.string(), suite: z.record(z.string(), z.unknown()) });

const Line = z.discriminatedUnion("type", [HeaderLine, JudgmentLine, GenerationLine, BatchLine]);

export type JournalHeader = z.infer<typeof HeaderLine>;
export type BatchRecord = Omit<z.infer<typeof BatchLine>, "type">;

export interface JournalContents {
  header: JournalHeader;
  /** Completed judgments by task key (failed ones are not kept: a resume retries them). */
  judgments: Map<string, Judgment>;
  generations: Map<string, Generation>;
  /** Batches submitted, oldest first (a later batch holding a key supersedes an earlier one). */
  batches: BatchRecord[];
  /** A torn last line from a kill mid-write is dropped and counted here. */
  tornLines: number;
}

export function runDir(cacheDir: string, run: string): string {
  return join(cacheDir, "runs", run);
}

/**
 * Read a journal for --resume or `critic report`. Every line passes the schema. Streamed line
 * by line, so a journal of a 100,000-row run is never held as one string.
 */
export async function readJournal(cacheDir: string, run: string): Promise<JournalContents> {
  const file = join(runDir(cacheDir, run), "journal.jsonl");
  if (!existsSync(file)) throw new InputError({ file }, `no journal for run "${run}"`);
  const judgments = new Map<string, Judgment>();
  const generations = new Map<string, Generation>();
  const batches: BatchRecord[] = [];
  let header: JournalHeader | null = null;
  // A line that does not parse is forgiven only if nothing follows it: a kill mid-write.
  let bad: InputError | null = null;
  for await (const { line, text } of readLines(file)) {
    if (!text.trim()) continue;
    if (bad) throw bad;
    let parsed: z.infer<typeof Line>;
    try {
      parsed = Line.parse(JSON.parse(text));
    } catch (e) {
      bad = new InputError({ file, line }, `journal line is not valid: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    if (parsed.type === "run") header = parsed;
    else if (parsed.type === "batch") {
      const { type: _t, ...b } = parsed;
      batches.push(b);
    } else if (parsed.type === "judgment") {
      const { type: _t, key, ...j } = parsed;
      if (j.kind === "failed") judgments.delete(key);
      else judgments.set(key, j);
    } else {
      const { type: _t, key, ...g } = parsed;
      if (g.failed) generations.delete(key);
      else generations.set(key, g);
    }
  }
  if (!header) throw new InputError({ file, line: 1 }, "journal has no run header");
  return { header, judgments, generations, batches, tornLines: bad ? 1 : 0 };
}

/**
 * JSON with every non-ASCII character escaped: a line torn by a kill can then never end inside
 * a multi-byte UTF-8 sequence, which the strict line reader would reject as bad bytes.
 */
function asciiJson(obj: unknown): string {
  return JSON.stringify(obj).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Cut a torn last line (a kill mid-write) before appending, so the next record starts on a
 * line of its own instead of being glued to the fragment and lost with it.
 */
async function trimTornTail(fh: FileHandle): Promise<void> {
  const { size } = await fh.stat();
  const chunk = 64 * 1024;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk);
    const buf = Buffer.alloc(end - start);
    await fh.read(buf, 0, buf.length, start);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) {
      if (start + nl + 1 < size) await fh.truncate(start + nl + 1);
      return;
    }
    end = start;
  }
  if (size > 0) await fh.truncate(0);
}

/** How long a write waits for more lines to join it. */
const GROUP_COMMIT_MS = 10;

/**
 * Append-only JSONL journal. A judgment counts only once its line has been written, so a run
 * killed at any moment resumes without paying twice for anything it already recorded.
 * Lines that arrive together are written together (group commit): one write per batch
 * instead of one per judgment, and each caller still waits for its own line to be written.
 */
export class Journal {
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  private constructor(
    private readonly fh: FileHandle,
    readonly file: string,
  ) {}

  static async open(cacheDir: string, header: JournalHeader, append: boolean): Promise<Journal> {
    const dir = runDir(cacheDir, header.run);
    await mkdir(dir, { recursive: true });
    const file = join(dir, "journal.jsonl");
    if (append && existsSync(file)) {
      const rw = await open(file, "r+");
      await trimTornTail(rw).finally(() => rw.close());
    }
    // O_APPEND: each line is one write(2) at the end of the file, so concurrent writes never
    // overlap and a kill leaves at most one torn line, the last.
    const fh = await open(file, "a");
    // The header goes out at once: nothing is waiting to share its write.
    if (!append) await fh.write(`${asciiJson(header)}\n`);
    return new Journal(fh, file);
  }

  private write(obj: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push(`${asciiJson(obj)}\n`);
      this.waiters.push({ resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Lines arriving within a few milliseconds share one write; callers still wait for their own line.
    await new Promise<void>((r) => setTimeout(r, GROUP_COMMIT_MS));
    while (this.pending.length) {
      const lines = this.pending.join("");
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.fh.write(Buffer.from(lines));
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
    this.flushing = null;
  }

  judgment(key: string, j: Judgment): Promise<void> {
    return this.write({ type: "judgment", key, ...j });
  }

  generation(key: string, g: Generation): Promise<void> {
    return this.write({ type: "generation", key, ...g });
  }

  /** Synced to disk: a lost batch id would mean paying for the whole batch again. Batches are few. */
  async batch(b: BatchRecord): Promise<void> {
    await this.write({ type: "batch", ...b });
    await this.fh.sync().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.fh.sync().catch(() => undefined);
    await this.fh.close();
  }
}
