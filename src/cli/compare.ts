import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import Table from "cli-table3";
import { type PairwiseLabel, readPairwiseLabels } from "../data/pairwise-labels.js";
import { ConfigError } from "../errors.js";
import { csvText, num } from "../report/csv.js";
import { correctionSentence, missingSentence, verdictOf } from "../report/derive.js";
import { renderBradleyTerryCsv, renderPairwiseCsv, renderPreferencesCsv } from "../report/statistics-csv.js";
import type { RunResult } from "../run-result.js";
import { agreementWithRun, compareLabels, type LabelComparison } from "../runner/label-comparison.js";
import type { PairwiseCorrection } from "../runner/pairwise-verdicts.js";
import { rebuildRun } from "../runner/rebuild.js";
import type { MissingRule } from "../stats/pairwise.js";
import { type Command, type FlagValues, str } from "./command.js";
import { CACHE_DIR_FLAG, cacheDirOf, runIdOf } from "./report.js";

const f2 = (x: number | null | undefined) => (x == null ? "n/a" : x.toFixed(2));
const pct = (x: number | null | undefined) => (x == null || Number.isNaN(x) ? "n/a" : `${(x * 100).toFixed(0)}%`);

function correctionOf(values: FlagValues): PairwiseCorrection | undefined {
  const v = str(values, "pairwise-correction");
  if (v === undefined || v === "holm" || v === "none") return v;
  throw new ConfigError(`--pairwise-correction: "${v}" is not holm or none`);
}

function missingOf(values: FlagValues): MissingRule | undefined {
  const v = str(values, "missing");
  if (v === undefined || v === "drop" || v === "tie") return v;
  throw new ConfigError(`--missing: "${v}" is not drop or tie`);
}

const table = (head: string[]) => new Table({ head, style: { head: [], border: [] } });

/** The run's own rankings and pairs (from its scores), as `critic report` has them. */
function printRun(result: RunResult, only: string | undefined, out: (s: string) => void): void {
  for (const rubric of result.rubrics.filter((r) => !only || r.id === only)) {
    out(`${rubric.id}: from the run's scores`);
    const rank = table(["Rank", "Candidate", "Strength", "95% CI", "Mean"]);
    for (const e of result.ranking.filter((x) => x.rubric === rubric.id).sort((a, b) => a.rank - b.rank)) {
      const cell = result.cells.find((c) => c.rubric === rubric.id && c.candidate === e.candidate);
      rank.push([e.rank, e.candidate, f2(e.theta), e.ci95 ? `[${f2(e.ci95.lo)}, ${f2(e.ci95.hi)}]` : "n/a", f2(cell?.mean)]);
    }
    out(rank.toString());
    const pairs = table(["A − B", "Mean diff", "95% CI", "A win prob. (expected)", "A wins (decided)", "n", "Verdict"]);
    for (const p of result.pairwise.filter((x) => x.rubric === rubric.id)) {
      const ci = p.diffCi95;
      const v = verdictOf(p);
      const verdict = v === null ? "n/a" : v === "A better" ? `${p.a} better` : v === "B better" ? `${p.b} better` : "undecided";
      pairs.push([`${p.a} − ${p.b}`, f2(p.meanDiff), ci ? `[${f2(ci.lo)}, ${f2(ci.hi)}]` : "n/a", pct(p.winRate), pct(p.decisionWinRate), p.n, verdict]);
    }
    out(pairs.toString());
    out(correctionSentence(result, rubric.id));
    const missing = missingSentence(result, rubric.id);
    if (missing) out(missing);
  }
}

function printLabels(c: LabelComparison, out: (s: string) => void): void {
  out(`${c.rubric ?? "verdicts"} (from ${c.verdicts} pairwise verdicts on ${c.items} items in ${c.file}):`);
  const rank = table(["Rank", "Candidate", "Strength", "95% CI", "Elo"]);
  for (const e of [...c.ranking].sort((a, b) => a.rank - b.rank)) rank.push([e.rank, e.candidate, f2(e.theta), `[${f2(e.ci95.lo)}, ${f2(e.ci95.hi)}]`, e.elo.toFixed(0)]);
  out(rank.toString());
  const pairs = table(["A vs B", "A win rate", "95% CI", "Ties", "n", "Verdict"]);
  for (const p of c.pairs) {
    const verdict = p.verdict === null ? "n/a" : p.verdict === "A better" ? `${p.a} better` : p.verdict === "B better" ? `${p.b} better` : "undecided";
    pairs.push([`${p.a} vs ${p.b}`, pct(p.winRate), p.winRateCi95 ? `[${pct(p.winRateCi95.lo)}, ${pct(p.winRateCi95.hi)}]` : "n/a", pct(p.tieRate), p.n, verdict]);
  }
  out(pairs.toString());
  const m = c.pairs.length;
  out(m <= 1 ? "Verdicts at 95% (one pair)." : c.correction === "holm" ? `Verdicts at 95% with Holm's correction over the ${m} pairs.` : `Verdicts at 95% for each pair alone, not corrected for multiplicity (${m} pairs).`);
  out(
    c.missing.count
      ? `${c.missing.count} verdict${c.missing.count === 1 ? " was" : "s were"} missing (a refusal): ${c.missing.rule === "tie" ? "counted as ties (--missing tie)" : "left out (--missing drop; --missing tie counts them as ties)"}.`
      : "No verdict was missing.",
  );
  for (const a of c.agreement ?? []) {
    if (a.rate === null) {
      out(`The run scored none of these items and candidates on ${a.rubric}.`);
      continue;
    }
    const decisive = a.decisive.accuracy === null ? "" : `; on the ${a.decisive.verdicts} verdicts that pick a side, its accuracy is ${pct(a.decisive.accuracy)} (a run tie earns half)`;
    out(`The run's per-item decisions on ${a.rubric} agree with ${a.agree} of ${a.verdicts} verdicts (${pct(a.rate)}, a tie matching a tie)${decisive}.`);
  }
}

function renderLabelPairsCsv(cs: readonly LabelComparison[]): string {
  const head = ["rubric", "a", "b", "n", "a_win_rate", "ci95_lo", "ci95_hi", "tie_rate", "p", "verdict", "correction", "family_pairs", "level", "adjusted_p", "missing", "missing_rule"];
  const rows = cs.flatMap((c) =>
    c.pairs.map((p) => [c.rubric ?? "", p.a, p.b, num(p.n), num(p.winRate), num(p.winRateCi95?.lo ?? null), num(p.winRateCi95?.hi ?? null), num(p.tieRate), num(p.p), p.verdict ?? "", p.familywise.method, num(p.familywise.pairs), num(p.familywise.level), num(p.familywise.adjustedP), num(p.missing.count), p.missing.rule]),
  );
  return csvText([head, ...rows]);
}

function renderLabelBradleyTerryCsv(cs: readonly LabelComparison[]): string {
  const head = ["rubric", "candidate", "theta", "ci95_lo", "ci95_hi", "elo", "rank", "rank_best", "rank_worst"];
  const rows = cs.flatMap((c) => c.ranking.map((e) => [c.rubric ?? "", e.candidate, num(e.theta), num(e.ci95.lo), num(e.ci95.hi), num(e.elo), num(e.rank), num(e.rankInterval.best), num(e.rankInterval.worst)]));
  return csvText([head, ...rows]);
}

/** Every file rendered first, then each written to a temp file and renamed into place. */
async function writeAll(dir: string, files: [string, string][]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const temps = files.map(([name]) => join(dir, `${name}.${tag}.tmp`));
  try {
    for (let i = 0; i < files.length; i++) await writeFile(temps[i]!, files[i]![1], "utf8");
    for (let i = 0; i < files.length; i++) await rename(temps[i]!, join(dir, files[i]![0]));
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw e;
  }
  return files.map(([name]) => join(dir, name));
}

export const compareCommand: Command = {
  name: "compare",
  summary: "rank candidates from a run's scores and/or pairwise verdicts: Bradley-Terry with intervals, win rates, paired differences",
  usage: "[RUN] [--labels FILE] [--rubric R] [--missing drop|tie] [--pairwise-correction holm|none] [--out DIR] [--cache-dir DIR]",
  allowPositionals: true,
  flags: { rubric: { type: "string" }, labels: { type: "string" }, missing: { type: "string" }, "pairwise-correction": { type: "string" }, out: { type: "string" }, seed: { type: "string" }, ...CACHE_DIR_FLAG },
  flagHelp: {
    rubric: "only this rubric",
    labels: "pairwise verdicts (CSV or JSONL: item, a, b, verdict = A | B | tie | empty for missing; optional rubric, judge): ranked on their own, or beside RUN with the run's agreement",
    missing: "a refused score or empty verdict: drop (leave it out) or tie (½ win each way); default: the run's pairwiseMissing, drop",
    "pairwise-correction": "holm: verdicts keep a 5% family-wise error over each rubric's pairs; none: each pair at its own 95% (default: the run's pairwiseCorrection, holm)",
    out: "also write the statistics as CSV/JSON in this directory",
    seed: "bootstrap seed for verdict rankings (default 1)",
    "cache-dir": "where the runs are (default .critic)",
  },
  async run({ values, positionals }, io) {
    const correction = correctionOf(values);
    const missing = missingOf(values);
    const labelsFile = str(values, "labels");
    const only = str(values, "rubric");
    if (!positionals.length && !labelsFile) throw new ConfigError("critic compare takes a run id (see .critic/runs/), --labels FILE, or both");
    let result: RunResult | null = null;
    if (positionals.length) {
      const run = runIdOf(positionals, "compare");
      // The rebuild recomputes the statistics from the log: the flags replace the suite's rules first.
      ({ result } = await rebuildRun(cacheDirOf(values, io.cwd), run, io.cwd, (d, suite) => {
        if (missing) suite.pairwiseMissing = missing;
        if (correction) suite.pairwiseCorrection = correction;
        return d;
      }));
      if (only && !result.rubrics.some((r) => r.id === only)) throw new ConfigError(`--rubric: run ${run} has no rubric "${only}" (it has ${result.rubrics.map((r) => r.id).join(", ")})`);
      printRun(result, only, io.stdout);
    }
    const comparisons: LabelComparison[] = [];
    if (labelsFile) {
      const t = await readPairwiseLabels(resolve(io.cwd, labelsFile));
      const groups = new Map<string | null, PairwiseLabel[]>();
      for (const r of t.rows) {
        if (only && r.rubric !== null && r.rubric !== only) continue;
        groups.set(r.rubric, [...(groups.get(r.rubric) ?? []), r]);
      }
      if (!groups.size) throw new ConfigError(`--rubric: ${labelsFile} has no verdicts on "${only}"`);
      const seed = str(values, "seed") ?? "1";
      for (const [rubric, rows] of groups) {
        const candidates = t.candidates.filter((c) => rows.some((r) => r.a === c || r.b === c));
        const c = compareLabels(rows, candidates, { missing: missing ?? "drop", correction: correction ?? result?.pairwiseCorrection ?? "holm", seed }, labelsFile, rubric);
        if (result) {
          const rubrics = rubric !== null ? [rubric] : only ? [only] : result.rubrics.map((r) => r.id);
          c.agreement = rubrics.filter((id) => result!.rubrics.some((r) => r.id === id)).map((id) => agreementWithRun(rows, result!.scores, id));
        }
        comparisons.push(c);
        io.stdout("");
        printLabels(c, io.stdout);
      }
    }
    const outDir = str(values, "out");
    if (outDir) {
      const files: [string, string][] = [];
      if (result) files.push(["preferences.csv", renderPreferencesCsv(result)], ["pairwise.csv", renderPairwiseCsv(result)], ["bradley-terry.csv", renderBradleyTerryCsv(result)]);
      if (comparisons.length) files.push(["labels.json", `${JSON.stringify(comparisons, null, 2)}\n`], ["labels-pairwise.csv", renderLabelPairsCsv(comparisons)], ["labels-bradley-terry.csv", renderLabelBradleyTerryCsv(comparisons)]);
      const paths = await writeAll(resolve(io.cwd, outDir), files);
      io.stdout("");
      io.stdout("Wrote:");
      for (const p of paths) io.stdout(`  ${relative(io.cwd, p)}`);
    }
    return 0;
  },
};
