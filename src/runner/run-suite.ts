import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Suite } from "../config/load.js";
import { missingColumns } from "../config/rubric.js";
import { ConfigError } from "../errors.js";
import { type DatasetRow, type RowRef, indexDataset, loadDataset, readDataset } from "../data/dataset.js";
import { evaluateGates } from "../gates/evaluate.js";
import { gateRefProblem } from "../gates/check.js";
import { writeReports } from "../report/write.js";
import type { RunResult } from "../run-result.js";
import { JOURNAL_VERSION, Journal, readJournal, upgradeLog } from "../store/journal.js";
import { gitCommit } from "../store/git.js";
import { Budget } from "./budget.js";
import { resultFromLog, runHeader, suiteIds } from "./run-log.js";
import type { RunEventListener } from "./events.js";
import { executeRun, plannedUnits } from "./run.js";
import { sampleRows } from "./sample-rows.js";
import { explainWorst, worstOutputs } from "./explain.js";
import { standaloneCaller } from "./standalone-caller.js";
import { runSequential } from "./sequential.js";

export interface RunSuiteOptions {
  /** Continue this run id: completed judgments come from its journal and are not called again. */
  resume?: string;
  noCache?: boolean;
  /** A cache miss is an error instead of an API call (CRITIC_REPLAY=1). */
  replay?: boolean;
  /** Send calls through the providers' batch APIs at the batch price. */
  batch?: boolean;
  /** How often to poll a batch (default: 5 s, backing off to 60 s). */
  batchPollMs?: number;
  /** Report directory; default `reports/<run>` under cwd. */
  out?: string;
  cwd: string;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  simulated?: boolean;
  /** Write reports (default true). */
  write?: boolean;
  /** Id for a new run (default: a fresh timestamped id); a caller that keeps files beside the run names it first. */
  run?: string;
}

export interface SuiteRun {
  result: RunResult;
  reportDir: string | null;
  files: string[];
}

async function* filterRows(rows: AsyncIterable<DatasetRow>, keep: Set<string>): AsyncGenerator<DatasetRow> {
  for await (const r of rows) if (keep.has(r.id)) yield r;
}

/** Datasets up to this size are read once and held (their texts take about twice this as strings). */
export const WHOLE_DATASET_BYTES = 8 * 2 ** 20;

/** A missing file is not small: the index reader then says what is wrong with it. */
async function isSmall(file: string): Promise<boolean> {
  const s = await stat(file).catch(() => null);
  return s !== null && s.size <= WHOLE_DATASET_BYTES;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

/** A rubric that shows the critic a column the dataset lacks would silently judge without it: a configuration error instead. */
function checkRubricColumns(suite: Suite, columns: string[]): void {
  for (const r of suite.rubrics) {
    const missing = missingColumns(r, columns);
    if (!missing.length) continue;
    const what = missing.map((c) => (c === "conversation" ? `"conversation" (a "messages" column)` : `"${c}"`)).join(", ");
    throw new ConfigError(`rubric "${r.id}" shows the critic ${what}, which ${suite.dataset} does not have (its columns: ${columns.join(", ")}); add the column or choose a rubric whose inputs the dataset has`, { file: r.file, field: "inputs" });
  }
}

/** The main job as a library call: dataset -> (sample) -> judgments -> statistics -> reports. */
export async function runSuite(suite: Suite, opts: RunSuiteOptions): Promise<SuiteRun> {
  // Everything that can be wrong with the input is checked before anything is written. A large
  // dataset keeps only ids, candidates, gold and metadata in memory, and its texts are streamed
  // during the run; a small one is read whole, once. A sequential comparison revisits its rows
  // batch by batch, so it reads them whole whatever their size.
  const readOpts = { requireOutput: suite.candidates.length === 0, scales: Object.fromEntries(suite.rubrics.map((r) => [r.id, r.levels.length])) };
  const full = suite.compare || (await isSmall(suite.dataset)) ? await loadDataset(suite.dataset, readOpts) : null;
  const dataset = full ?? (await indexDataset(suite.dataset, readOpts));
  const refs: RowRef[] = dataset.rows;
  checkRubricColumns(suite, dataset.columns);
  const sampled = sampleRows(refs, suite);
  const resume = opts.resume ? await readJournal(suite.cacheDir, opts.resume) : undefined;
  if (resume) {
    const was = suiteIds(resume.header);
    const same = (a: unknown, b: string[]) => JSON.stringify(a) === JSON.stringify(b);
    if (!same(was.critics, suite.critics.map((c) => c.id)) || !same(was.rubrics, suite.rubrics.map((r) => r.id))) {
      throw new ConfigError(`run ${opts.resume} was started with critics ${JSON.stringify(was.critics)} and rubrics ${JSON.stringify(was.rubrics)}; resume it with the same suite`);
    }
  }
  const candidateIds = suite.candidates.length ? suite.candidates.map((c) => c.id) : [...new Set(dataset.rows.map((r) => r.candidate))];
  const badGate = gateRefProblem(suite.gates, candidateIds, suite.rubrics.map((r) => r.id));
  if (badGate) throw new ConfigError(badGate, { file: suite.configFile ?? undefined });
  const run = opts.resume ?? opts.run ?? newRunId();
  const header = runHeader(run, new Date().toISOString(), suite, { file: dataset.file, goldRubrics: dataset.goldRubrics, candidates: candidateIds }, opts.simulated ?? false, sampled.note, gitCommit(opts.cwd));
  // A log of critic 0.1 is carried on under the current version (its units are written as they are reached).
  const journal = await Journal.open(suite.cacheDir, header, resume ? { log: resume.version < JOURNAL_VERSION ? await upgradeLog(suite.cacheDir, resume, header) : resume, session: { at: header.startedAt, versions: header.versions, budget: suite.budget } } : undefined);
  const budget = new Budget(suite.budget);
  const common = { run, journal, budget, noCache: opts.noCache, replay: opts.replay, batch: opts.batch, batchPollMs: opts.batchPollMs, signal: opts.signal ?? new AbortController().signal, onEvent: opts.onEvent };
  let result: RunResult;
  try {
    let stopReason: string | null;
    try {
      if (full && suite.compare) {
        stopReason = (await runSequential({ ...common, suite, rows: full.rows.filter((r) => sampled.items.has(r.id)) })).executed.stopReason;
      } else {
        const rows = full ? full.rows.filter((r) => sampled.items.has(r.id)) : filterRows(readDataset(suite.dataset, readOpts), sampled.items);
        stopReason = (await executeRun({ ...common, suite, rows, units: plannedUnits(sampled.rows, suite) })).stopReason;
      }
    } catch (e) {
      await journal.record({ type: "end", at: new Date().toISOString(), stopReason: `stopped: ${(e as Error).message}`, caps: budget.usage() });
      throw e;
    }
    await journal.record({ type: "end", at: new Date().toISOString(), stopReason, caps: budget.usage() });
    // The run's own result is the log's, exactly as `critic report RUN` rebuilds it.
    result = resultFromLog(journal.log).result;
    if (suite.gates.length) {
      result.gates = evaluateGates(result, suite.gates, { familywise: suite.gatesCorrection });
      await journal.record({ type: "gates", outcomes: result.gates });
    }
    // Journaled, so `critic report RUN` shows them too.
    if (suite.explain && result.complete) {
      result.explanations = await explainAfterScoring(suite, result, readOpts, full?.rows ?? null, opts);
      await journal.record({ type: "explanations", explanations: result.explanations });
    }
  } finally {
    await journal.close();
  }
  if (opts.write === false) return { result, reportDir: null, files: [] };
  const reportDir = opts.out ?? suite.out ?? join(opts.cwd, "reports", run);
  const files = await writeReports(result, reportDir);
  return { result, reportDir, files };
}

/** `explain: N`: the worst outputs' texts (from memory, or streamed again from a large dataset), then one call per critic and output. */
async function explainAfterScoring(suite: Suite, result: RunResult, readOpts: { requireOutput: boolean }, rows: DatasetRow[] | null, opts: RunSuiteOptions): Promise<RunResult["explanations"]> {
  const worst = worstOutputs(result, suite.explain ?? 0);
  const wanted = new Set(worst.map((s) => JSON.stringify([s.item, s.candidate])));
  const wantedItems = new Set(worst.map((s) => s.item));
  const texts = new Map<string, { input: string; output: string; reference: string | null }>();
  const inputs = new Map<string, { input: string; reference: string | null }>();
  for await (const r of rows ?? readDataset(suite.dataset, readOpts)) {
    const key = JSON.stringify([r.id, r.candidate]);
    if (wantedItems.has(r.id)) inputs.set(r.id, { input: r.input, reference: r.reference });
    if (wanted.has(key) && r.output != null) texts.set(key, { input: r.input, output: r.output, reference: r.reference });
  }
  for (const g of result.generations) {
    const key = JSON.stringify([g.item, g.candidate]);
    const row = inputs.get(g.item);
    if (wanted.has(key) && !g.failed && row) texts.set(key, { ...row, output: g.output });
  }
  return explainWorst(suite, result, suite.explain ?? 0, texts, standaloneCaller(suite, { signal: opts.signal ?? new AbortController().signal, noCache: opts.noCache, replay: opts.replay }));
}
