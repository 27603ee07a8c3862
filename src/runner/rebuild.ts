import { type Suite, loadSuite } from "../config/load.js";
import type { SuiteConfigInput } from "../config/schema.js";
import { type Dataset, loadDataset } from "../data/dataset.js";
import { InputError } from "../errors.js";
import type { RunResult } from "../run-result.js";
import { readJournal } from "../store/journal.js";
import { buildRunResult } from "./result.js";
import { type ExecutedRun, type OutputInfo, generationKey, outputInfo } from "./run.js";

/**
 * A RunResult rebuilt from a run's journal alone (`critic report`, `critic calibrate`,
 * `critic compare`): the header holds the suite, the lines hold every judgment. `withGold`
 * may add human labels to the dataset rows before the statistics are computed.
 */
export async function rebuildRun(cacheDir: string, run: string, cwd: string, withGold?: (d: Dataset, suite: Suite) => Dataset): Promise<{ suite: Suite; result: RunResult }> {
  const journal = await readJournal(cacheDir, run);
  const config = journal.header.suite.config as SuiteConfigInput | undefined;
  if (!config) throw new InputError({ file: `${cacheDir}/runs/${run}/journal.jsonl`, line: 1 }, "this journal was written by an older critic and does not record its suite; rerun it");
  const suite = await loadSuite({}, cwd, {}, { ...config, cacheDir }, { offline: true });
  let dataset = await loadDataset(suite.dataset, { requireOutput: suite.candidates.length === 0 });
  if (withGold) dataset = withGold(dataset, suite);
  const judgments = [...journal.judgments.values()];
  const generations = [...journal.generations.values()];
  const outputs = new Map<string, OutputInfo>();
  for (const g of generations) outputs.set(generationKey(g.item, g.candidate), outputInfo(g.output));
  const judgedUnits = new Set(judgments.map((j) => generationKey(j.item, j.candidate)));
  for (const r of dataset.rows) {
    const key = generationKey(r.id, r.candidate);
    if (r.output != null && judgedUnits.has(key)) outputs.set(key, outputInfo(r.output));
  }
  const judgedItems = new Set(judgments.map((j) => j.item));
  const rows = dataset.rows.filter((r) => (suite.candidates.length ? judgedItems.has(r.id) : judgedUnits.has(generationKey(r.id, r.candidate))));
  const expected = (suite.candidates.length ? rows.length * suite.candidates.length : rows.length) * suite.rubrics.length * suite.critics.length;
  const complete = !suite.cascade && !suite.compare ? judgments.length >= expected : true;
  const executed: ExecutedRun = {
    run,
    startedAt: journal.header.startedAt,
    finishedAt: judgments.map((j) => j.at).sort().at(-1) ?? journal.header.startedAt,
    judgments,
    generations,
    outputs,
    stopReason: complete ? null : `the journal holds ${judgments.length} of ${expected} judgments (resume with --resume ${run})`,
    complete,
    calls: [...judgments, ...generations].reduce((t, x) => t + x.attempts, 0),
    batch: journal.batches.length > 0,
  };
  return { suite, result: buildRunResult(executed, suite, { ...dataset, rows }, { simulated: judgments.some((j) => j.critic.includes("sim-critic")) }) };
}
