import { existsSync, writeSync } from "node:fs";
import { type FileHandle, mkdir, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { readLines } from "../data/lines.js";
import { InputError } from "../errors.js";
import type { GateOutcome } from "../gates/types.js";
import type { ProviderReply } from "../providers/provider.js";
import type { Adaptation } from "../providers/shapes.js";
import type { Generation, Judgment, SequentialSummary } from "../run-result.js";
import { writeFileAtomic } from "./atomic.js";

/**
 * The run log: one append-only JSONL file per run that holds everything the run was and
 * decided, from which every view of it is rebuilt (`critic report`, `--resume`, history).
 *
 * Version 2 lines, by `type`:
 * - `run` (first line): the resolved suite (rubric texts, prices, caps), the dataset's shape,
 *   versions of critic, the SDKs and Node, and whether the critics are simulated;
 * - `session`: a later process that resumed the run;
 * - `unit`: an output about to be judged (its length, preview and gold labels);
 * - `reply`: a model's answer, written before its concurrency slot is freed, so a kill loses at
 *   most the calls in flight and a resume never pays for an answer that arrived;
 * - `judgment`, `generation`, `batch`: outcomes (failed ones too) and batch ids;
 * - `sequential`, `gates`, `end`: the sequential decision, the gate outcomes, the stop reason.
 * A kind this reader does not know is kept in `other`, so a later minor addition (a new kind of
 * line) reads; a newer major version is refused with a message that says so.
 */
export const JOURNAL_VERSION = 2;

const nullableNumber = z.number().nullable();

/** CallAccounting (run-result.ts), shared by judgment and generation lines. */
const callFields = {
  cached: z.boolean(),
  attempts: z.number(),
  latencyMs: nullableNumber,
  inputTokens: nullableNumber,
  outputTokens: nullableNumber,
  reasoningTokens: nullableNumber.optional(),
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
  /** `samples: k`: each sample's level and their mean. */
  samples: z.array(z.number()).optional(),
  sampleMean: z.number().optional(),
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

/** A request-shape change learned from a server (providers/shapes.ts): a resumed run starts with it instead of rediscovering it. */
const AdaptationLine = z.object({
  type: z.literal("adaptation"),
  provider: z.string(),
  model: z.string(),
  change: z.enum(["max_completion_tokens", "max_tokens", "drop_temperature", "drop_logprobs", "drop_reasoning_effort", "allowance"]),
  tokens: z.number().int().positive().optional(),
  message: z.string(),
});

const ReplyLine = z.object({
  type: z.literal("reply"),
  /** The call's place in the run (see `callId` in runner/call.ts), not a hash of its prompt. */
  call: z.string(),
  /** Which request of that call (its output allowance): a call given a larger allowance makes a second one. */
  variant: z.string(),
  reply: z.object({
    text: z.string(),
    firstTokenTop: z.array(z.object({ token: z.string(), logprob: z.number() })).optional(),
    inputTokens: nullableNumber,
    outputTokens: nullableNumber,
    reasoningTokens: nullableNumber.optional(),
    finish: z.string().nullable().optional(),
    latencyMs: z.number(),
  }),
  attempts: z.number(),
  costUsd: nullableNumber,
});

const UnitLine = z.object({
  type: z.literal("unit"),
  item: z.string(),
  candidate: z.string(),
  /** Dataset line of the row, so every view lists outputs in dataset order. */
  line: z.number(),
  chars: z.number(),
  preview: z.string(),
  /** Gold labels of a dataset output (generated outputs have none). */
  gold: z.record(z.string(), nullableNumber),
});

const Versions = z.object({ critic: z.string(), node: z.string(), openai: z.string(), anthropic: z.string() });

const SessionLine = z.object({ type: z.literal("session"), at: z.string(), versions: Versions, budget: z.record(z.string(), z.number().optional()) });

const SequentialLine = z.object({ type: z.literal("sequential"), summary: z.record(z.string(), z.unknown()) });
const GatesLine = z.object({ type: z.literal("gates"), outcomes: z.array(z.record(z.string(), z.unknown())) });
const EndLine = z.object({
  type: z.literal("end"),
  at: z.string(),
  stopReason: z.string().nullable(),
  caps: z.object({ limits: z.record(z.string(), z.number().optional()), calls: z.number(), tokens: z.number(), usd: z.number(), unpricedCalls: z.number() }),
});

/** The header of a version 2 log. `suite` is the resolved suite as runner/log-suite.ts writes it. */
const HeaderV2 = z.object({
  type: z.literal("run"),
  version: z.number().int(),
  run: z.string(),
  startedAt: z.string(),
  versions: Versions,
  simulated: z.boolean(),
  suite: z.record(z.string(), z.unknown()),
  dataset: z.object({ file: z.string(), goldRubrics: z.array(z.string()), candidates: z.array(z.string()) }),
  /** What sampling kept, said once in the report (null when every item is judged). */
  sampleNote: z.string().nullable(),
  /** The git commit checked out where the run started, when it started inside a work tree. */
  git: z.string().nullable().optional(),
});

/** Version 1 (critic 0.1) wrote only the suite's ids and config: enough to resume, not to rebuild a report. */
const HeaderV1 = z.object({ type: z.literal("run"), run: z.string(), startedAt: z.string(), suite: z.record(z.string(), z.unknown()) });

const Known = z.discriminatedUnion("type", [JudgmentLine, GenerationLine, BatchLine, AdaptationLine, ReplyLine, UnitLine, SessionLine, SequentialLine, GatesLine, EndLine]);

const KNOWN_KINDS = new Set(["run", "judgment", "generation", "batch", "adaptation", "reply", "unit", "session", "sequential", "gates", "end"]);

export type JournalHeader = z.infer<typeof HeaderV2>;
export type BatchRecord = Omit<z.infer<typeof BatchLine>, "type">;
export type UnitRecord = Omit<z.infer<typeof UnitLine>, "type">;
export type ReplyRecord = { reply: ProviderReply; attempts: number; costUsd: number | null };
export type EndRecord = Omit<z.infer<typeof EndLine>, "type">;
export type SessionRecord = Omit<z.infer<typeof SessionLine>, "type">;
export type LogVersions = z.infer<typeof Versions>;

export interface JournalContents {
  /** The version-2 header; for a version-1 log, what it held with the rest filled in as unknown. */
  header: JournalHeader;
  version: number;
  /** Completed judgments by task key (a later line for a key supersedes an earlier one). */
  judgments: Map<string, Judgment>;
  /** Judgments that failed and were not done since: reported as failed, asked again by a resume. */
  failedJudgments: Map<string, Judgment>;
  generations: Map<string, Generation>;
  failedGenerations: Map<string, Generation>;
  /** Outputs judged, by generation key. */
  units: Map<string, UnitRecord>;
  /**
   * Answers that arrived but whose judgment or generation line was not written yet: a resume uses
   * them instead of paying again. By owner (the judgment or generation key), then by call and
   * variant (see `paidReply`), so the outcome line drops all of its owner's answers at once.
   */
  replies: Map<string, Map<string, ReplyRecord>>;
  /** Request-shape changes learned so far, oldest first. */
  adaptations: Adaptation[];
  /** Batches submitted, oldest first (a later batch holding a key supersedes an earlier one). */
  batches: BatchRecord[];
  sessions: SessionRecord[];
  sequential: SequentialSummary | null;
  gates: GateOutcome[] | null;
  /** How the last session ended; null when it was killed (or is still running). */
  end: EndRecord | null;
  /** Lines of kinds this reader does not know (added by a later minor version). */
  other: { type: string }[];
  /** A torn last line from a kill mid-write is dropped and counted here. */
  tornLines: number;
}

export function runDir(cacheDir: string, run: string): string {
  return join(cacheDir, "runs", run);
}

export function emptyLog(header: JournalHeader, version = JOURNAL_VERSION): JournalContents {
  return {
    header,
    version,
    judgments: new Map(),
    failedJudgments: new Map(),
    generations: new Map(),
    failedGenerations: new Map(),
    units: new Map(),
    replies: new Map(),
    batches: [],
    adaptations: [],
    sessions: [],
    sequential: null,
    gates: null,
    end: null,
    other: [],
    tornLines: 0,
  };
}

/**
 * A call id is its owner's key (a JSON array) and a suffix without brackets: "[...]|ask",
 * "[...]|sample2|reask", "[...]|gen".
 */
const ownerOf = (call: string) => call.slice(0, call.lastIndexOf("]") + 1);

/** An answer to `call` (at this output allowance) that was paid for but whose outcome line is not written yet. */
export function paidReply(log: JournalContents, call: string, variant: string): ReplyRecord | undefined {
  return log.replies.get(ownerOf(call))?.get(`${call} ${variant}`);
}

/**
 * Apply one record to a log. The writer applies each record as it writes it and the reader as
 * it reads it, so a live run and `critic report` hold the same log.
 */
function apply(log: JournalContents, rec: { type: string } & Record<string, unknown>): void {
  switch (rec.type) {
    case "judgment": {
      const { type: _t, key, ...j } = rec as z.infer<typeof JudgmentLine>;
      if (j.kind === "failed") {
        log.judgments.delete(key);
        log.failedJudgments.set(key, j);
      } else {
        log.failedJudgments.delete(key);
        log.judgments.set(key, j);
      }
      // Its answers (ask, re-ask, every sample) are no longer needed to resume it.
      log.replies.delete(key);
      return;
    }
    case "generation": {
      const { type: _t, key, ...g } = rec as z.infer<typeof GenerationLine>;
      if (g.failed) {
        log.generations.delete(key);
        log.failedGenerations.set(key, g);
      } else {
        log.failedGenerations.delete(key);
        log.generations.set(key, g);
      }
      log.replies.delete(key);
      return;
    }
    case "batch": {
      const { type: _t, ...b } = rec as z.infer<typeof BatchLine>;
      log.batches.push(b);
      return;
    }
    case "reply": {
      const r = rec as z.infer<typeof ReplyLine>;
      const owner = ownerOf(r.call);
      const answers = log.replies.get(owner) ?? new Map<string, ReplyRecord>();
      log.replies.set(owner, answers);
      answers.set(`${r.call} ${r.variant}`, { reply: r.reply as ProviderReply, attempts: r.attempts, costUsd: r.costUsd });
      return;
    }
    case "adaptation": {
      const { type: _t, ...a } = rec as z.infer<typeof AdaptationLine>;
      log.adaptations.push(a as Adaptation);
      return;
    }
    case "unit": {
      const { type: _t, ...u } = rec as z.infer<typeof UnitLine>;
      log.units.set(JSON.stringify([u.item, u.candidate]), u);
      return;
    }
    case "session": {
      const { type: _t, ...s } = rec as z.infer<typeof SessionLine>;
      log.sessions.push(s);
      // A new process continues the run: how an earlier one ended no longer describes it.
      log.end = null;
      return;
    }
    case "sequential":
      log.sequential = (rec as unknown as { summary: SequentialSummary }).summary;
      return;
    case "gates":
      log.gates = (rec as unknown as { outcomes: GateOutcome[] }).outcomes;
      return;
    case "end": {
      const { type: _t, ...e } = rec as z.infer<typeof EndLine>;
      log.end = e;
      return;
    }
    default:
      log.other.push(rec);
  }
}

function refuseVersion(file: string, version: number): never {
  throw new InputError(
    { file, line: 1 },
    `this run log is version ${version}, written by a newer critic; this critic reads versions 1 to ${JOURNAL_VERSION}. Upgrade critic to read it.`,
  );
}

/** The header line: version 2 as is; version 1 filled in so that it can be resumed (its views say what it lacks). */
function readHeader(file: string, raw: unknown): { header: JournalHeader; version: number } {
  const version = typeof (raw as { version?: unknown })?.version === "number" ? (raw as { version: number }).version : 1;
  if (version > JOURNAL_VERSION) refuseVersion(file, version);
  if (version === 1) {
    const v1 = HeaderV1.parse(raw);
    const unknown = "unknown";
    return {
      version,
      header: { ...v1, version: 1, versions: { critic: unknown, node: unknown, openai: unknown, anthropic: unknown }, simulated: false, dataset: { file: String(v1.suite.dataset ?? ""), goldRubrics: [], candidates: [] }, sampleNote: null },
    };
  }
  return { version, header: HeaderV2.parse(raw) };
}

/**
 * Read a run log for --resume, `critic report` or history. Every line passes the schema of its
 * kind. Streamed line by line, so a log of a 100,000-row run is never held as one string.
 */
export async function readJournal(cacheDir: string, run: string): Promise<JournalContents> {
  const file = join(runDir(cacheDir, run), "journal.jsonl");
  if (!existsSync(file)) throw new InputError({ file }, `no journal for run "${run}"`);
  let log: JournalContents | null = null;
  // A line that does not parse is forgiven only if nothing follows it: a kill mid-write.
  let bad: InputError | null = null;
  for await (const { line, text } of readLines(file)) {
    if (!text.trim()) continue;
    if (bad) throw bad;
    let raw: { type?: unknown } & Record<string, unknown>;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      bad = new InputError({ file, line }, `journal line is not valid: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    try {
      if (!log) {
        if (raw?.type !== "run") throw new Error("the first line is not the run header");
        const h = readHeader(file, raw);
        log = emptyLog(h.header, h.version);
        continue;
      }
      const known = Known.safeParse(raw);
      if (known.success) apply(log, known.data as { type: string } & Record<string, unknown>);
      else if (typeof raw.type === "string" && !KNOWN_KINDS.has(raw.type)) apply(log, raw as { type: string });
      else throw known.error;
    } catch (e) {
      if (e instanceof InputError) throw e;
      bad = new InputError({ file, line }, `journal line is not valid: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (!log) throw new InputError({ file, line: 1 }, "journal has no run header");
  log.tornLines = bad ? 1 : 0;
  return log;
}

/**
 * Carry a version-1 log on under the current version: its header line is replaced (atomically)
 * by `header`, which keeps the run's id and start; every other line reads the same.
 */
export async function upgradeLog(cacheDir: string, log: JournalContents, header: JournalHeader): Promise<JournalContents> {
  const file = join(runDir(cacheDir, log.header.run), "journal.jsonl");
  const text = await readFile(file, "utf8");
  const upgraded = { ...header, run: log.header.run, startedAt: log.header.startedAt };
  await writeFileAtomic(file, `${asciiJson(upgraded)}\n${text.slice(text.indexOf("\n") + 1)}`);
  return { ...log, header: upgraded, version: JOURNAL_VERSION };
}

/**
 * JSON with every non-ASCII character escaped: a line torn by a kill can then never end inside
 * a multi-byte UTF-8 sequence, which the strict line reader would reject as bad bytes.
 */
function asciiJson(obj: unknown): string {
  const s = JSON.stringify(obj);
  // Most lines are ASCII already: test before paying for a replace.
  return /[\u007f-\uffff]/.test(s) ? s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : s;
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

/**
 * The run log's writer. A record counts only once its line has been written, so a run killed
 * at any moment resumes without paying twice for anything it recorded. Lines that arrive while
 * a write is under way go out together in the next one (group commit), and each caller still
 * waits for its own line. Every record is also applied to `log`, the same log a reader of the
 * file would build, so the run's own report is rebuilt from exactly what `critic report` reads.
 */
export class Journal {
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  private constructor(
    private readonly fh: FileHandle,
    readonly file: string,
    readonly log: JournalContents,
  ) {}

  /**
   * A new log (`header` is written first) or, with `resumed`, the log read back from disk and
   * appended to: a session line then records the new process.
   */
  static async open(cacheDir: string, header: JournalHeader, resumed?: { log: JournalContents; session: SessionRecord }): Promise<Journal> {
    const dir = runDir(cacheDir, header.run);
    await mkdir(dir, { recursive: true });
    const file = join(dir, "journal.jsonl");
    if (resumed && existsSync(file)) {
      const rw = await open(file, "r+");
      await trimTornTail(rw).finally(() => rw.close());
    }
    // O_APPEND: each line is one write(2) at the end of the file, so concurrent writes never
    // overlap and a kill leaves at most one torn line, the last.
    const fh = await open(file, "a");
    const journal = new Journal(fh, file, resumed?.log ?? emptyLog(header));
    if (resumed) await journal.record({ type: "session", ...resumed.session });
    // The header goes out at once: nothing is waiting to share its write.
    else await fh.write(`${asciiJson(header)}\n`);
    return journal;
  }

  /** Write any record (`type` names its kind; a kind this version does not read is kept as `other`). */
  record(rec: { type: string } & Record<string, unknown>): Promise<void> {
    apply(this.log, rec);
    return new Promise((resolve, reject) => {
      this.pending.push(`${asciiJson(rec)}\n`);
      this.waiters.push({ resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let the lines of the current turn of the event loop join the first write.
    await new Promise<void>((r) => setImmediate(r));
    const lines = this.pending.join("");
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.flushing = null;
    try {
      // One append of a few kilobytes to the page cache: synchronous costs a sixth of the CPU of
      // a round trip through the thread pool, and nothing else can run meanwhile anyway.
      writeSync(this.fh.fd, lines);
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
  }

  judgment(key: string, j: Judgment): Promise<void> {
    return this.record({ type: "judgment", key, ...j });
  }

  generation(key: string, g: Generation): Promise<void> {
    return this.record({ type: "generation", key, ...g });
  }

  unit(u: UnitRecord): Promise<void> {
    return this.record({ type: "unit", ...u });
  }

  /** An answer, before its slot frees: from here on a kill cannot make the run pay for it again. */
  reply(call: string, variant: string, r: ReplyRecord): Promise<void> {
    return this.record({ type: "reply", call, variant, ...r });
  }

  adaptation(a: Adaptation): Promise<void> {
    return this.record({ type: "adaptation", ...a });
  }

  /** Synced to disk: a lost batch id would mean paying for the whole batch again. Batches are few. */
  async batch(b: BatchRecord): Promise<void> {
    await this.record({ type: "batch", ...b });
    await this.fh.sync().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.fh.sync().catch(() => undefined);
    await this.fh.close();
  }
}
