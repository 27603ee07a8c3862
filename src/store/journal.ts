import { existsSync } from "node:fs";
import { type FileHandle, mkdir, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../errors.js";
import type { Generation, Judgment } from "../run-result.js";

const nullableNumber = z.number().nullable();

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
  cached: z.boolean(),
  attempts: z.number(),
  latencyMs: nullableNumber,
  inputTokens: nullableNumber,
  outputTokens: nullableNumber,
  costUsd: nullableNumber,
  at: z.string(),
});

const GenerationLine = z.object({
  type: z.literal("generation"),
  key: z.string(),
  item: z.string(),
  candidate: z.string(),
  output: z.string(),
  cached: z.boolean(),
  attempts: z.number(),
  latencyMs: nullableNumber,
  inputTokens: nullableNumber,
  outputTokens: nullableNumber,
  costUsd: nullableNumber,
  failed: z.string().nullable(),
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

/** Read a journal for --resume or `critic report`. Every line passes the schema. */
export async function readJournal(cacheDir: string, run: string): Promise<JournalContents> {
  const file = join(runDir(cacheDir, run), "journal.jsonl");
  if (!existsSync(file)) throw new InputError({ file }, `no journal for run "${run}"`);
  const lines = (await readFile(file, "utf8")).split("\n");
  const judgments = new Map<string, Judgment>();
  const generations = new Map<string, Generation>();
  const batches: BatchRecord[] = [];
  let header: JournalHeader | null = null;
  let tornLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (!text.trim()) continue;
    let parsed: z.infer<typeof Line>;
    try {
      parsed = Line.parse(JSON.parse(text));
    } catch (e) {
      const last = lines.slice(i + 1).every((l) => !l.trim());
      if (last) {
        tornLines++;
        continue;
      }
      throw new InputError({ file, line: i + 1 }, `journal line is not valid: ${(e as Error).message.split("\n")[0]}`);
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
  return { header, judgments, generations, batches, tornLines };
}

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
    const fh = await open(file, "a");
    const j = new Journal(fh, file);
    if (!append) await j.write(header);
    return j;
  }

  private write(obj: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push(`${JSON.stringify(obj)}\n`);
      this.waiters.push({ resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
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
