/**
 * Coverage of the 95% intervals when a label model is fitted (three critics, 30+ outputs), on a
 * seeded simulation with known truth: the t interval on the posterior means, which takes the
 * critics' fitted leniency and noise as known, against the same interval widened by the
 * refitting item bootstrap (src/stats/label-bootstrap.ts), for one candidate's mean and for
 * two candidates' paired difference. test/unit/runner/label-model-coverage.test.ts runs the same
 * simulation on fewer runs.
 */
import { aggregateLevels } from "../src/runner/aggregate.js";
import { meanCi, pairedDiff, widenedTo } from "../src/stats/intervals.js";
import { LABEL_MODEL_ROUNDS, labelModelSe } from "../src/stats/label-bootstrap.js";
import type { LabelMatrix } from "../src/stats/label-matrix.js";
import { ordinal } from "../src/stats/label-models/ordinal.js";
import { createRng, type Rng } from "../src/stats/rng.js";
import type { BenchRow } from "./row.js";

// Three critics of different leniency and noise: lenient and noisy, strict and precise, in between.
const BIAS = [0.9, -0.3, 0];
const NOISE = [1.3, 0.7, 1.0];
const CRITICS = ["lenient", "strict", "middle"];
const clamp7 = (x: number) => Math.min(7, Math.max(1, Math.round(x)));

/**
 * One candidate's outputs alone ("one", the common single-model eval) or two candidates on the
 * same items ("pair"). The true quality of candidate A's output is uniform on 1..7; B's is about
 * half a level lower.
 */
export type Design = "one" | "pair";
function item(r: Rng, design: Design): number[] {
  const a = 1 + 6 * r.next();
  return design === "one" ? [a] : [a, Math.min(7, Math.max(1, a - 0.5 + 0.7 * r.normal()))];
}
const judge = (r: Rng, quality: number) => BIAS.map((b, j) => clamp7(quality + b + NOISE[j]! * r.normal()));

/**
 * The estimand. The ordinal model puts its estimates on the average critic's scale (the critics'
 * label-weighted leniencies sum to zero) and reads a true level per output; the quality here is
 * continuous, so the quantity the estimate targets is the model's own large-sample limit (its
 * pseudo-true value): the same model and settings fitted on 200,000 outputs, each candidate's
 * mean posterior score. Identical label rows are fitted once with their multiplicity.
 */
export function labelModelEstimand(design: Design): { a: number; b: number } {
  const r = createRng(`label-model-population-${design}`);
  const items = 100_000;
  const rowOf = new Map<string, number>();
  const rows: number[][] = [];
  const count: [number[], number[]] = [[], []];
  for (let i = 0; i < items; i++) {
    item(r, design).forEach((q, c) => {
      const y = judge(r, q);
      const key = y.join(",");
      let p = rowOf.get(key);
      if (p === undefined) {
        p = rows.length;
        rowOf.set(key, p);
        rows.push(y);
        count[0].push(0);
        count[1].push(0);
      }
      count[c as 0 | 1][p]!++;
    });
  }
  const m: LabelMatrix = {
    nItems: rows.length,
    nLabelers: CRITICS.length,
    k: 7,
    labels: Int32Array.from(rows.flat(), (v) => v - 1),
    itemIds: rows.map((_, p) => String(p)),
    labelerIds: CRITICS,
    classValues: [1, 2, 3, 4, 5, 6, 7],
    ordinal: true,
    duplicates: 0,
    unlabeledItems: [],
  };
  const fit = ordinal(m, { itemWeights: Float64Array.from(rows, (_, p) => count[0][p]! + count[1][p]!) });
  const level = (p: number) => Array.from(fit.posterior.subarray(p * 7, p * 7 + 7)).reduce((s, v, c) => s + v * (c + 1), 0);
  const mean = (c: 0 | 1) => count[c].reduce((s, n, p) => s + n * level(p), 0) / items;
  return { a: mean(0), b: design === "one" ? Number.NaN : mean(1) };
}

export interface CoverageTally {
  /** Runs where the label model was fitted (critics flagged as sharing errors fall back to their mean: nothing to refit). */
  runs: number;
  meanBefore: number;
  meanAfter: number;
  diffBefore: number;
  diffAfter: number;
  /** Runs where the widened interval missed what the t interval covered (must stay 0: widened, never narrowed). */
  narrowed: number;
  /** Sums over runs of widened SE / t SE, for the mean and the paired difference (divide by runs). */
  meanSeRatio: number;
  diffSeRatio: number;
}

/**
 * `runs` seeded simulations of n outputs (n items of one candidate, or n/2 items x 2 candidates):
 * how often each interval covers the estimand (the paired difference only in the "pair" design).
 */
export function labelModelCoverage(n: number, runs: number, design: Design, truth = labelModelEstimand(design)): CoverageTally {
  const r = createRng(`label-model-coverage-${design}-${n}`);
  const t: CoverageTally = { runs: 0, meanBefore: 0, meanAfter: 0, diffBefore: 0, diffAfter: 0, narrowed: 0, meanSeRatio: 0, diffSeRatio: 0 };
  const covers = (ci: [number, number] | undefined, x: number) => !!ci && ci[0] <= x && x <= ci[1];
  for (let run = 0; run < runs; run++) {
    const levels: number[][] = [];
    const at: number[][] = [];
    while (levels.length < n) {
      const qs = item(r, design);
      at.push(qs.map((_, c) => levels.length + c));
      for (const q of qs) levels.push(judge(r, q));
    }
    const agg = aggregateLevels("helpfulness", levels, CRITICS, 7, levels.map(() => null));
    if (!agg.refit) continue;
    t.runs++;
    const a = at.map(([u]) => agg.scores[u!]!);
    const se = labelModelSe(agg.refit, at, createRng(`label-model-boot-${design}-${n}-${run}`), LABEL_MODEL_ROUNDS);
    const plain = meanCi(a)!;
    const wideMean = widenedTo(plain, se.mean[0])!;
    const m0 = covers(plain.ci95, truth.a);
    const m1 = covers(wideMean.ci95, truth.a);
    t.meanSeRatio += wideMean.se / plain.se;
    let d0 = false;
    let d1 = false;
    if (design === "pair") {
      const diff = pairedDiff(a, at.map(([, u]) => agg.scores[u!]!))!;
      const wideDiff = widenedTo(diff, se.diff[0]![1])!;
      d0 = covers(diff.ci95, truth.a - truth.b);
      d1 = covers(wideDiff.ci95, truth.a - truth.b);
      t.diffSeRatio += wideDiff.se / diff.se;
    }
    t.meanBefore += Number(m0);
    t.meanAfter += Number(m1);
    t.diffBefore += Number(d0);
    t.diffAfter += Number(d1);
    t.narrowed += Number((m0 && !m1) || (d0 && !d1));
  }
  return t;
}

/**
 * What the bootstrap costs beside the fit it refits, at realistic sizes (n outputs = n/2 items x
 * 2 candidates, three critics): the median of three timings of each, in this process.
 */
function costRows(): BenchRow[] {
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [100, 1000, 5000].map((n) => {
    const r = createRng(`label-model-cost-${n}`);
    const levels: number[][] = [];
    const at: [number, number][] = [];
    for (let i = 0; i < n / 2; i++) {
      at.push([levels.length, levels.length + 1]);
      for (const q of item(r, "pair")) levels.push(judge(r, q));
    }
    const fit: number[] = [];
    const boot: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      let t0 = performance.now();
      const agg = aggregateLevels("helpfulness", levels, CRITICS, 7, levels.map(() => null));
      fit.push(performance.now() - t0);
      if (!agg.refit) continue;
      t0 = performance.now();
      labelModelSe(agg.refit, at, createRng(`label-model-cost-boot-${rep}`), LABEL_MODEL_ROUNDS);
      boot.push(performance.now() - t0);
    }
    return {
      area: "label-model",
      metric: `cost per rubric, ${n} outputs, 3 critics: the refitting bootstrap (${LABEL_MODEL_ROUNDS} resamples) / the label-model fit it widens (median of 3)`,
      value: boot.length ? `${median(boot).toFixed(0)} ms / ${median(fit).toFixed(0)} ms` : "n/a (no model fitted)",
      target: "",
      ok: null,
    };
  });
}

export async function rows(): Promise<BenchRow[]> {
  const runs = 200;
  const out: BenchRow[] = [];
  const pct = (k: number, of: number) => `${((100 * k) / of).toFixed(1)}%`;
  const row = (metric: string, before: number, after: number, of: number, narrowed: number): BenchRow => ({
    area: "label-model",
    metric,
    value: `${pct(before, of)} -> ${pct(after, of)}`,
    target: "93-97.5% after",
    ok: after / of >= 0.93 && after / of <= 0.975 && narrowed === 0,
  });
  for (const n of [40, 80, 150]) {
    const one = labelModelCoverage(n, runs, "one");
    const pair = labelModelCoverage(n, runs, "pair");
    out.push(
      row(`95% CI coverage, ordinal model fitted (3 critics, n = ${n} outputs, ${one.runs} of ${runs} runs fitted): one candidate's mean, t interval -> widened by the refitting bootstrap (${LABEL_MODEL_ROUNDS} resamples)`, one.meanBefore, one.meanAfter, one.runs, one.narrowed),
      row(`two candidates on n/2 items (${pair.runs} runs fitted): the paired difference A − B`, pair.diffBefore, pair.diffAfter, pair.runs, pair.narrowed),
    );
  }
  return [...out, ...costRows()];
}
