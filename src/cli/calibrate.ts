import { join, relative, resolve } from "node:path";
import Table from "cli-table3";
import { readGold } from "../data/gold.js";
import { ConfigError } from "../errors.js";
import { writeReports } from "../report/write.js";
import { rebuildRun } from "../runner/rebuild.js";
import { type Command, str } from "./command.js";
import { CACHE_DIR_FLAG, cacheDirOf, runIdOf } from "./report.js";

const f2 = (x: number | null) => (x == null ? "n/a" : x.toFixed(2));
const pct = (x: number | null) => (x == null ? "n/a" : `${(x * 100).toFixed(0)}%`);

export const calibrateCommand: Command = {
  name: "calibrate",
  summary: "each critic (and the aggregate) against human gold labels: MAE, agreement, kappa, rank correlations",
  usage: "RUN --gold FILE [--out DIR] [--cache-dir DIR]",
  allowPositionals: true,
  flags: { gold: { type: "string" }, out: { type: "string" }, ...CACHE_DIR_FLAG },
  flagHelp: { gold: "CSV with item, gold and optional candidate and rubric columns", out: "report directory (default reports/<run>-calibration)", "cache-dir": "where the runs are (default .critic)" },
  async run({ values, positionals }, io) {
    const run = runIdOf(positionals, "calibrate");
    const goldFile = str(values, "gold");
    if (!goldFile) throw new ConfigError("--gold FILE is required");
    const labels = await readGold(resolve(io.cwd, goldFile));
    const { result } = await rebuildRun(cacheDirOf(values, io.cwd), run, io.cwd, (d, suite) => {
      // A gold file without a rubric column labels the run's only rubric.
      const only = suite.rubrics.length === 1 ? suite.rubrics[0]!.id : null;
      if (!only && labels.some((l) => l.rubric === null)) throw new ConfigError(`${goldFile}: run ${run} has several rubrics; add a rubric column`);
      // The file is the reference for the rubrics it labels: it replaces the dataset's own gold there.
      const covered = new Set(labels.map((l) => l.rubric ?? only!));
      return {
        ...d,
        rows: d.rows.map((r) => {
          const gold = { ...r.gold };
          for (const rubric of covered) gold[rubric] = null;
          for (const l of labels) if (l.item === r.id && l.candidate === r.candidate) gold[l.rubric ?? only!] = l.gold;
          return { ...r, gold };
        }),
      };
    });
    const judged = new Set(result.scores.map((x) => JSON.stringify([x.item, x.candidate])));
    const unmatched = labels.filter((l) => !judged.has(JSON.stringify([l.item, l.candidate])));
    if (unmatched.length) io.stderr(`critic calibrate: ${unmatched.length} of ${labels.length} gold labels match no judged output (e.g. item "${unmatched[0]!.item}", candidate "${unmatched[0]!.candidate}")`);
    if (!result.calibration.length) throw new ConfigError(`${goldFile}: no gold label matches an output of run ${run} (check item, candidate and rubric)`);
    const table = new Table({ head: ["Rubric", "Who", "n", "MAE", "Exact", "Within 1", "QWK", "Spearman", "Kendall"], style: { head: [], border: [] } });
    for (const c of result.calibration) table.push([c.rubric, c.who, c.n, f2(c.mae), pct(c.exact), pct(c.withinOne), f2(c.qwk), f2(c.spearman), f2(c.kendallTauB)]);
    io.stdout(table.toString());
    for (const c of result.calibration) io.stdout(`- ${c.sentence}`);
    for (const a of result.criticAgreement) if (a.alpha != null) io.stdout(`Krippendorff's alpha among the critics on ${a.rubric}: ${a.alpha.toFixed(3)}`);
    const dir = resolve(io.cwd, str(values, "out") ?? join("reports", `${run}-calibration`));
    const files = await writeReports(result, dir);
    io.stdout(`\nReports: ${files.map((f) => relative(io.cwd, f)).join(", ")}`);
    return 0;
  },
};
