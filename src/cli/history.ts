import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { InputError } from "../errors.js";
import { type HistoryRun, historyRows, renderHistoryCsv, renderHistoryHtml } from "../report/history.js";
import { fmtInterval, fmtNum } from "../report/format.js";
import { resultFromLog } from "../runner/run-log.js";
import { writeFileAtomic } from "../store/atomic.js";
import { readJournal } from "../store/journal.js";
import { type Command, str } from "./command.js";
import { CACHE_DIR_FLAG, cacheDirOf } from "./report.js";

export const historyCommand: Command = {
  name: "history",
  summary: "every run under .critic/runs: means and intervals run by run, changes decided at 95%, a trend chart per rubric",
  usage: "[--out DIR] [--cache-dir DIR]",
  flags: { out: { type: "string" }, ...CACHE_DIR_FLAG },
  flagHelp: { out: "where to write history.csv and report.html (default reports/history)", "cache-dir": "where the runs are (default .critic)" },
  async run({ values }, io) {
    const cacheDir = cacheDirOf(values, io.cwd);
    const runsDir = join(cacheDir, "runs");
    if (!existsSync(runsDir)) throw new InputError({ file: runsDir }, "no runs yet: `critic run` records each run here");
    const runs: HistoryRun[] = [];
    for (const run of (await readdir(runsDir)).sort()) {
      if (!existsSync(join(runsDir, run, "journal.jsonl"))) continue;
      const log = await readJournal(cacheDir, run);
      if (log.version < 2) {
        io.stderr(`critic history: skipping run ${run}: its log is version ${log.version} (critic 0.1), which does not record what a history needs`);
        continue;
      }
      runs.push({ run, startedAt: log.header.startedAt, git: log.header.git ?? null, result: resultFromLog(log).result });
    }
    const rows = historyRows(runs);
    const dir = resolve(io.cwd, str(values, "out") ?? join("reports", "history"));
    const files = [join(dir, "history.csv"), join(dir, "report.html")];
    await writeFileAtomic(files[0]!, renderHistoryCsv(rows));
    await writeFileAtomic(files[1]!, renderHistoryHtml(rows));
    io.stdout(`${runs.length} runs, ${rows.length} rows (run x candidate x rubric).`);
    for (const r of rows) {
      if (r.change && r.change.decided !== "none") io.stdout(`  ${r.run}: ${r.candidate} on ${r.rubric} ${r.change.decided === "up" ? "better" : "worse"} than ${r.change.previousRun} by ${fmtNum(Math.abs(r.change.estimate))} ${fmtInterval(r.change.ci95)} (95%)`);
    }
    for (const f of files) io.stdout(`  ${relative(io.cwd, f)}`);
    return 0;
  },
};
