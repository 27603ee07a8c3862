import Table from "cli-table3";
import { ConfigError } from "../errors.js";
import { correctionSentence, missingSentence, verdictOf } from "../report/derive.js";
import { type PairwiseCorrection, decidePairs } from "../runner/pairwise-verdicts.js";
import { rebuildRun } from "../runner/rebuild.js";
import { type Command, type FlagValues, str } from "./command.js";
import { CACHE_DIR_FLAG, cacheDirOf, runIdOf } from "./report.js";

const f2 = (x: number | null | undefined) => (x == null ? "n/a" : x.toFixed(2));
const pct = (x: number | null | undefined) => (x == null || Number.isNaN(x) ? "n/a" : `${(x * 100).toFixed(0)}%`);

function correctionOf(values: FlagValues): PairwiseCorrection | undefined {
  const v = str(values, "pairwise-correction");
  if (v === undefined || v === "holm" || v === "none") return v;
  throw new ConfigError(`--pairwise-correction: "${v}" is not holm or none`);
}

export const compareCommand: Command = {
  name: "compare",
  summary: "rank a run's candidates: Bradley-Terry with intervals, win rates and paired differences",
  usage: "RUN [--rubric R] [--pairwise-correction holm|none] [--cache-dir DIR]",
  allowPositionals: true,
  flags: { rubric: { type: "string" }, "pairwise-correction": { type: "string" }, ...CACHE_DIR_FLAG },
  flagHelp: {
    rubric: "only this rubric",
    "pairwise-correction": "holm: verdicts keep a 5% family-wise error over each rubric's pairs; none: each pair at its own 95% (default: the run's pairwiseCorrection, holm)",
    "cache-dir": "where the runs are (default .critic)",
  },
  async run({ values, positionals }, io) {
    const correction = correctionOf(values);
    const { result } = await rebuildRun(cacheDirOf(values, io.cwd), runIdOf(positionals, "compare"), io.cwd);
    if (correction) decidePairs(result, correction);
    const only = str(values, "rubric");
    for (const rubric of result.rubrics.filter((r) => !only || r.id === only)) {
      io.stdout(`${rubric.id}:`);
      const rank = new Table({ head: ["Rank", "Candidate", "Strength", "95% CI", "Mean"], style: { head: [], border: [] } });
      for (const e of result.ranking.filter((x) => x.rubric === rubric.id).sort((a, b) => a.rank - b.rank)) {
        const cell = result.cells.find((c) => c.rubric === rubric.id && c.candidate === e.candidate);
        rank.push([e.rank, e.candidate, f2(e.theta), e.ci95 ? `[${f2(e.ci95.lo)}, ${f2(e.ci95.hi)}]` : "n/a", f2(cell?.mean)]);
      }
      io.stdout(rank.toString());
      const pairs = new Table({ head: ["A − B", "Mean diff", "95% CI", "A win prob. (expected)", "A wins (decided)", "n", "Verdict"], style: { head: [], border: [] } });
      for (const p of result.pairwise.filter((x) => x.rubric === rubric.id)) {
        const ci = p.diffCi95;
        const v = verdictOf(p);
        const verdict = v === null ? "n/a" : v === "A better" ? `${p.a} better` : v === "B better" ? `${p.b} better` : "undecided";
        pairs.push([`${p.a} − ${p.b}`, f2(p.meanDiff), ci ? `[${f2(ci.lo)}, ${f2(ci.hi)}]` : "n/a", pct(p.winRate), pct(p.decisionWinRate), p.n, verdict]);
      }
      io.stdout(pairs.toString());
      io.stdout(correctionSentence(result, rubric.id));
      const missing = missingSentence(result, rubric.id);
      if (missing) io.stdout(missing);
    }
    return 0;
  },
};
