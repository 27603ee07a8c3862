import type { Suite } from "../config/load.js";
import type { RunResult } from "../run-result.js";
import { readJournal } from "../store/journal.js";
import { type LogDataset, resultFromLog } from "./run-log.js";

/**
 * A RunResult rebuilt from a run's log alone (`critic report`, `critic calibrate`,
 * `critic compare`): no dataset, config or rubric file is read, so the rebuild is the run's own
 * result whatever has changed on disk since. `withGold` may replace human labels first.
 */
export async function rebuildRun(cacheDir: string, run: string, _cwd?: string, withGold?: (d: LogDataset, suite: Suite) => LogDataset): Promise<{ suite: Suite; result: RunResult }> {
  return resultFromLog(await readJournal(cacheDir, run), withGold);
}
