import Table from "cli-table3";
import { rebuildRun } from "../runner/rebuild.js";
import { type Command, str } from "./command.js";
import { CACHE_DIR_FLAG, cacheDirOf, runIdOf } from "./report.js";

const f2 = (x: number | null | undefined) => (x == null ? "n/a" : x.toFixed(2));

export const compareCommand: Command = {
  name: "compare",
  summary: "rank a run's candidates: Bradley-Terry with intervals, win rates and paired differences",
  usage: "RUN [--rubric R] [--cache-dir DIR]",
  allowPositionals: true,
  flags: { rubric: { type: "string" }, ...CACHE_DIR_FLAG },
  flagHelp: { rubric: "only this rubric", "cache-dir": "where the runs are (default .critic)" },
  async run({ values, positionals }, io) {
    const { result } = await rebuildRun(cacheDirOf(values, io.cwd), runIdOf(positionals, "compare"), io.cwd);
    const only = str(values, "rubric");
    for (const rubric of result.rubrics.filter((r) => !only || r.id === only)) {
      io.stdout(`${rubric.id}:`);
      const rank = new Table({ head: ["Rank", "Candidate", "Strength", "95% CI", "Mean"], style: { head: [], border: [] } });
      for (const e of result.ranking.filter((x) => x.rubric === rubric.id).sort((a, b) => a.rank - b.rank)) {
        const cell = result.cells.find((c) => c.rubric === rubric.id && c.candidate === e.candidate);
        rank.push([e.rank, e.candidate, f2(e.theta), e.ci95 ? `[${f2(e.ci95.lo)}, ${f2(e.ci95.hi)}]` : "n/a", f2(cell?.mean)]);
      }
      io.stdout(rank.toString());
      const pairs = new Table({ head: ["A − B", "Mean diff", "95% CI", "P(A beats B)", "n", "Verdict"], style: { head: [], border: [] } });
      for (const p of result.pairwise.filter((x) => x.rubric === rubric.id)) {
        const ci = p.diffCi95;
        const verdict = !ci ? "n/a" : ci.lo > 0 ? `${p.a} better` : ci.hi < 0 ? `${p.b} better` : "undecided";
        pairs.push([`${p.a} − ${p.b}`, f2(p.meanDiff), ci ? `[${f2(ci.lo)}, ${f2(ci.hi)}]` : "n/a", `${(p.winRate * 100).toFixed(0)}%`, p.n, verdict]);
      }
      io.stdout(pairs.toString());
    }
    return 0;
  },
};
