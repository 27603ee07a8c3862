/**
 * Decide gates on a RunResult. Pure: reads the cells (mean, 95% interval) and pairwise
 * differences the run already estimated, and the per-item scores for the worst items.
 * A gate without an interval (no data, or n < 2), on fewer than MIN_GATE_ITEMS items or on an
 * interval of zero width says "cannot tell", and "cannot tell" is not a pass.
 */
import type { Interval, PairwiseResult, RunResult, ScoreRow } from "../run-result.js";
import { errorFunction } from "simple-statistics";
import { holm } from "../stats/holm.js";
import { normalQuantile, studentTCdf, studentTQuantile } from "../stats/intervals.js";
import type { CompareGate, Gate, GateItem, GateOutcome, MeanGate } from "./types.js";

const WORST = 5;

/**
 * Fewer items than this and a gate says "cannot tell": a t interval on 1..7 scores is only as
 * good as the normal approximation, and with a handful of items one odd output decides the
 * verdict; the seeded coverage test (test/unit/runner/small-n-coverage.test.ts) holds from n = 5.
 */
export const MIN_GATE_ITEMS = 5;

/** Why the interval cannot decide the gate, or null when it can. */
function cannotTell(ci: Interval, n: number): string | null {
  if (n < MIN_GATE_ITEMS) return `only ${n} item${n === 1 ? "" : "s"}, fewer than the ${MIN_GATE_ITEMS} a gate needs`;
  if (!(ci.hi > ci.lo)) return "its interval has zero width, which no finite sample supports";
  return null;
}

/** 2 decimals, a true minus sign. */
export function fmtGateNum(x: number): string {
  const s = Math.abs(x).toFixed(2);
  return x < 0 && s !== "0.00" ? `−${s}` : s;
}
const fmtCi = (ci: Interval) => `[${fmtGateNum(ci.lo)}, ${fmtGateNum(ci.hi)}]`;

/** A readable name: `mean(v2, politeness) ≥ 5.5`, `v2 vs v1 on accuracy: not worse by 0.2`. */
export function gateName(g: Gate): string {
  if (g.name) return g.name;
  if (g.type === "mean") return g.atLeast !== undefined ? `mean(${g.candidate}, ${g.rubric}) ≥ ${g.atLeast}` : `mean(${g.candidate}, ${g.rubric}) ≤ ${g.atMost}`;
  return g.notWorseBy !== undefined ? `${g.candidate} vs ${g.baseline} on ${g.rubric}: not worse by ${g.notWorseBy}` : `${g.candidate} vs ${g.baseline} on ${g.rubric}: better by ${g.betterBy}`;
}

function scoresOf(r: RunResult, candidate: string, rubric: string): Map<string, ScoreRow> {
  const m = new Map<string, ScoreRow>();
  for (const s of r.scores) if (s.candidate === candidate && s.rubric === rubric) m.set(s.item, s);
  return m;
}

/** The pair a − b, flipped from b − a when only that direction is stored. */
function pair(r: RunResult, rubric: string, a: string, b: string): PairwiseResult | null {
  const direct = r.pairwise.find((p) => p.rubric === rubric && p.a === a && p.b === b);
  if (direct) return direct;
  const rev = r.pairwise.find((p) => p.rubric === rubric && p.a === b && p.b === a);
  if (!rev) return null;
  return { a, b, rubric, winRate: 1 - rev.winRate, meanDiff: rev.meanDiff === null ? null : -rev.meanDiff, diffCi95: rev.diffCi95 && { lo: -rev.diffCi95.hi, hi: -rev.diffCi95.lo }, n: rev.n };
}

/** The scale of a rubric's estimates: human where a label model is anchored on gold, else the critics' own. */
export function rubricScale(r: RunResult, rubric: string): "human" | "critic" {
  return r.cells.some((c) => c.rubric === rubric && c.scale === "human") ? "human" : "critic";
}

/** How a message names that scale. */
function scaleWord(r: RunResult, rubric: string): string {
  return rubricScale(r, rubric) === "human" ? "human-scale (a label model anchored on gold)" : "critic-scale";
}

function evaluateMean(r: RunResult, g: MeanGate): GateOutcome {
  const lower = g.atLeast !== undefined;
  const threshold = (lower ? g.atLeast : g.atMost) as number;
  const found = r.cells.find((c) => c.candidate === g.candidate && c.rubric === g.rubric);
  const human = g.scale === "human";
  // On the human scale the cell's numbers are PPI++'s: the critics' estimate rectified by gold.
  const cell = found && human ? { ...found, mean: found.ppi?.estimate ?? null, ci95: found.ppi?.ci95 ?? null, n: found.ppi?.nGold ?? 0 } : found;
  if (found && human && !found.ppi) {
    return {
      gate: g,
      name: gateName(g),
      threshold,
      rule: lower ? "lower>=" : "upper<=",
      worst: [],
      scale: "human",
      pass: false,
      verdict: "cannot tell",
      estimate: null,
      interval: null,
      n: 0,
      message: `no human-scale estimate of ${g.candidate} on ${g.rubric}: it needs at least 10 outputs with gold labels, so the gate cannot pass.`,
    };
  }
  const rows = [...scoresOf(r, g.candidate, g.rubric).values()].filter((s): s is ScoreRow & { score: number } => s.score !== null);
  rows.sort((x, y) => (lower ? x.score - y.score : y.score - x.score) || (x.item < y.item ? -1 : 1));
  const worst: GateItem[] = rows.slice(0, WORST).map((s) => ({ item: s.item, score: s.score, baseline: null, diff: null, outputPreview: s.outputPreview }));
  // The scale of the numbers the gate read: PPI++'s, or the cell's own (human where a label model is anchored on gold).
  const base = { gate: g, name: gateName(g), threshold, rule: lower ? ("lower>=" as const) : ("upper<=" as const), worst, scale: human ? ("human" as const) : (found?.scale ?? "critic") };
  const what = human ? `human-scale (PPI++) mean of ${g.candidate} on ${g.rubric}` : `${scaleWord(r, g.rubric)} mean score of ${g.candidate} on ${g.rubric}`;
  if (!cell || cell.mean === null) return { ...base, pass: false, estimate: null, interval: null, n: cell?.n ?? 0, message: `no scores for ${g.candidate} on ${g.rubric} (candidates in this run: ${r.candidates.join(", ") || "none"}), so the gate cannot pass.` };
  if (!cell.ci95) return { ...base, pass: false, estimate: cell.mean, interval: null, n: cell.n, message: `${what} is ${fmtGateNum(cell.mean)} with no 95% interval (n = ${cell.n}), so the gate cannot pass.` };
  const unsure = cannotTell(cell.ci95, cell.n);
  if (unsure) return { ...base, pass: false, verdict: "cannot tell", estimate: cell.mean, interval: cell.ci95, n: cell.n, message: `${what} is ${fmtGateNum(cell.mean)}, 95% CI ${fmtCi(cell.ci95)} (n = ${cell.n}): cannot tell, ${unsure}, so the gate does not pass.` };
  const bound = lower ? cell.ci95.lo : cell.ci95.hi;
  const pass = lower ? bound >= threshold : bound <= threshold;
  const rel = lower ? (pass ? "is at least" : "is below") : pass ? "is at most" : "is above";
  const message = `${what} is ${fmtGateNum(cell.mean)}, 95% CI ${fmtCi(cell.ci95)} (n = ${cell.n}); the ${lower ? "lower" : "upper"} bound ${fmtGateNum(bound)} ${rel} the threshold ${threshold}.`;
  return { ...base, pass, verdict: pass ? "pass" : "fail", estimate: cell.mean, interval: cell.ci95, n: cell.n, message };
}

function evaluateCompare(r: RunResult, g: CompareGate): GateOutcome {
  const inferiority = g.notWorseBy !== undefined;
  const margin = (inferiority ? g.notWorseBy : g.betterBy) as number;
  const threshold = inferiority ? -margin : margin;
  const mine = scoresOf(r, g.candidate, g.rubric);
  const theirs = scoresOf(r, g.baseline, g.rubric);
  const items: GateItem[] = [];
  for (const [item, s] of mine) {
    const b = theirs.get(item);
    if (s.score === null || !b || b.score === null) continue;
    items.push({ item, score: s.score, baseline: b.score, diff: s.score - b.score, outputPreview: s.outputPreview });
  }
  items.sort((x, y) => (x.diff as number) - (y.diff as number) || (x.item < y.item ? -1 : 1));
  const base = { gate: g, name: gateName(g), threshold, rule: "lower>" as const, worst: items.slice(0, WORST), scale: rubricScale(r, g.rubric) };
  const p = pair(r, g.rubric, g.candidate, g.baseline);
  const what = `${scaleWord(r, g.rubric)} paired difference ${g.candidate} − ${g.baseline} on ${g.rubric}`;
  if (!p || p.meanDiff === null) return { ...base, pass: false, estimate: null, interval: null, n: p?.n ?? 0, message: `no paired scores for ${g.candidate} and ${g.baseline} on ${g.rubric} (candidates in this run: ${r.candidates.join(", ") || "none"}), so the gate cannot pass.` };
  if (!p.diffCi95) return { ...base, pass: false, estimate: p.meanDiff, interval: null, n: p.n, message: `${what} is ${fmtGateNum(p.meanDiff)} with no 95% interval (n = ${p.n}), so the gate cannot pass.` };
  const unsure = cannotTell(p.diffCi95, p.n);
  if (unsure) return { ...base, pass: false, verdict: "cannot tell", estimate: p.meanDiff, interval: p.diffCi95, n: p.n, message: `${what} is ${fmtGateNum(p.meanDiff)}, 95% CI ${fmtCi(p.diffCi95)} (n = ${p.n} paired items): cannot tell, ${unsure}, so the gate does not pass.` };
  const pass = p.diffCi95.lo > threshold;
  const claim = inferiority ? `non-inferiority margin ${margin}` : `superiority margin ${margin}`;
  const verdict = pass
    ? inferiority
      ? `${g.candidate} is not worse than ${g.baseline} by ${margin} or more`
      : `${g.candidate} is better than ${g.baseline} by more than ${margin}`
    : inferiority
      ? `${g.candidate} may be worse than ${g.baseline} by ${margin} or more`
      : `${g.candidate} is not shown better than ${g.baseline} by more than ${margin}`;
  const message = `${what} is ${fmtGateNum(p.meanDiff)}, 95% CI ${fmtCi(p.diffCi95)} (n = ${p.n} paired items); the lower bound ${fmtGateNum(p.diffCi95.lo)} is ${pass ? "above" : "not above"} ${fmtGateNum(threshold)} (${claim}): ${verdict}.`;
  return { ...base, pass, verdict: pass ? "pass" : "fail", estimate: p.meanDiff, interval: p.diffCi95, n: p.n, message };
}

/**
 * Decide every gate on a finished run, in order.
 * @example
 *   const outcomes = evaluateGates(result, [{ type: "mean", candidate: "v2", rubric: "politeness", atLeast: 5.5 }]);
 *   if (outcomes.some((o) => !o.pass)) process.exitCode = 1;
 */
export function evaluateGates(r: RunResult, gates: readonly Gate[], opts: { familywise?: "holm" | "none" } = {}): GateOutcome[] {
  const out = gates.map((g) => (g.type === "mean" ? evaluateMean(r, g) : evaluateCompare(r, g)));
  return opts.familywise === "holm" ? holmOverGates(out) : out;
}

/** One-sided level of a 95% interval's deciding bound. */
const ONE_SIDED = 0.025;

/**
 * One-sided p-value of the gate's claim (mean beyond the threshold, or difference above it)
 * from the estimate and its interval, read back as a t (n − 1 df) or, for PPI++, normal
 * statistic: the test whose inversion is the interval the gate already uses.
 */
function claimP(o: GateOutcome): number | null {
  if (o.estimate === null || !o.interval || o.verdict === "cannot tell") return null;
  const df = o.n - 1;
  // PPI++ intervals are normal; every other interval (either scale) is a t interval.
  const ppi = o.gate.type === "mean" && o.gate.scale === "human";
  const q = ppi ? normalQuantile(0.975) : studentTQuantile(0.975, df);
  const se = (o.interval.hi - o.interval.lo) / (2 * q);
  if (!(se > 0)) return null;
  const t = o.rule === "upper<=" ? (o.threshold - o.estimate) / se : (o.estimate - o.threshold) / se;
  return ppi ? 1 - normalCdf(t) : 1 - studentTCdf(t, df);
}

/** Φ(x) from the error function (simple-statistics' erf is accurate to ~1e-7). */
function normalCdf(x: number): number {
  return 0.5 * (1 + errorFunction(x / Math.SQRT2));
}

/**
 * Holm's step-down correction over the suite's gates (src/stats/holm.ts): it controls the chance
 * that any gate passes wrongly at α, where m separate gates would let it grow to m·α.
 */
function holmOverGates(outcomes: GateOutcome[]): GateOutcome[] {
  const m = outcomes.length;
  const ps = outcomes.map(claimP);
  const h = holm(ps, ONE_SIDED);
  return outcomes.map((original, i) => {
    const o = { ...original };
    const p = ps[i];
    if (p === null) return o;
    const level = h.level[i]!;
    o.familywise = { method: "holm", p, level, gates: m };
    if (o.pass && !h.reject[i]) {
      o.pass = false;
      o.verdict = "fail";
      o.message += ` Holm over ${m} gates: p = ${p.toPrecision(2)} > ${level.toPrecision(2)}, so it does not pass.`;
    } else if (o.pass) o.message += ` Holm over ${m} gates: p = ${p.toPrecision(2)} ≤ ${level.toPrecision(2)}.`;
    return o;
  });
}

/** The message with the worst items, as printed by a failing gate. */
export function describeOutcome(o: GateOutcome): string {
  const lines = [`${o.pass ? "PASS" : o.verdict === "cannot tell" ? "CANNOT TELL" : "FAIL"} ${o.name}`, `  ${o.message}`];
  if (o.worst.length) {
    lines.push(o.gate.type === "compare" ? `  Worst items (largest drop of ${o.gate.candidate} against ${o.gate.baseline}):` : `  Worst items (${o.gate.candidate} on ${o.gate.rubric}):`);
    for (const w of o.worst) {
      const score = o.gate.type === "compare" ? `${fmtGateNum(w.score as number)} vs ${fmtGateNum(w.baseline as number)} (${fmtGateNum(w.diff as number)})` : fmtGateNum(w.score as number);
      lines.push(`    ${w.item}: ${score}  ${JSON.stringify(w.outputPreview.slice(0, 80))}`);
    }
  }
  return lines.join("\n");
}
