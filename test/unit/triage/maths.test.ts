import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/stats/rng.js";
import { paretoSample, targetInclusion } from "../../../src/triage/design.js";
import { drawSample, patternCounts } from "../../../src/triage/draw.js";
import { failureRate, hajekRatio, wilson } from "../../../src/triage/estimate.js";
import { badProbability, dependentSignals, fitSignalModel } from "../../../src/triage/signal-model.js";
import { simCriticLevel, simLogLine } from "../../../src/triage/simulate.js";

/** Lines from a latent class world with known truth: P(bad) = prior, signal j fires w.p. a[j] on bad lines and b[j] on fine ones. */
function latentWorld(seed: number, n: number, prior: number, a: number[], b: number[]) {
  const r = createRng(seed);
  const patterns = new Uint32Array(n);
  const bad = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    bad[i] = r.next() < prior ? 1 : 0;
    let p = 0;
    for (let j = 0; j < a.length; j++) if (r.next() < (bad[i] ? a[j]! : b[j]!)) p |= 1 << j;
    patterns[i] = p;
  }
  return { patterns, bad };
}

describe("signal label model (latent class EM over signal patterns)", () => {
  it("recovers the prior, each signal's firing rates and so its precision from unlabelled patterns", () => {
    const truth = { prior: 0.04, a: [0.4, 0.3, 0.5], b: [0.015, 0.02, 0.03] };
    const w = latentWorld(7, 200_000, truth.prior, truth.a, truth.b);
    const fit = fitSignalModel(patternCounts(w.patterns), 3);
    expect(fit.prior).toBeCloseTo(truth.prior, 2);
    for (const [j, x] of fit.sensitivity.entries()) expect(Math.abs(x - truth.a[j]!)).toBeLessThan(0.06);
    for (const [j, x] of fit.falseAlarm.entries()) expect(Math.abs(x - truth.b[j]!)).toBeLessThan(0.005);
    const truePrecision = truth.a.map((x, j) => (truth.prior * x) / (truth.prior * x + (1 - truth.prior) * truth.b[j]!));
    for (const [j, x] of fit.precision.entries()) expect(Math.abs(x - truePrecision[j]!)).toBeLessThan(0.06);
  });

  it("scores a line higher the more signals it shows, and is calibrated against the known truth", () => {
    const w = latentWorld(8, 100_000, 0.05, [0.5, 0.4, 0.35], [0.02, 0.03, 0.02]);
    const fit = fitSignalModel(patternCounts(w.patterns), 3);
    expect(badProbability(fit, 0)).toBeLessThan(badProbability(fit, 1));
    expect(badProbability(fit, 1)).toBeLessThan(badProbability(fit, 3));
    expect(badProbability(fit, 3)).toBeLessThan(badProbability(fit, 7));
    // Among lines showing exactly signal 0, the share truly bad matches the model's probability.
    let n = 0;
    let bad = 0;
    for (let i = 0; i < w.patterns.length; i++) {
      if (w.patterns[i] !== 1) continue;
      n++;
      bad += w.bad[i]!;
    }
    expect(Math.abs(bad / n - badProbability(fit, 1))).toBeLessThan(0.05);
  });

  it("models a pair of signals that fire together for a reason of their own jointly, and still recovers the truth", () => {
    const truth = { prior: 0.05, a: [0.5, 0.4, 0.35], b: [0.02, 0.03, 0.02] };
    const w = latentWorld(9, 100_000, truth.prior, truth.a, truth.b);
    const plain = fitSignalModel(patternCounts(w.patterns), 3);
    expect(plain.blocks).toEqual([[0], [1], [2]]);
    expect(dependentSignals(plain, patternCounts(w.patterns))).toEqual([]);
    // A fourth signal that nearly always fires with signal 2, on fine lines too (a timeout that is also an empty reply).
    const r = createRng(10);
    const withDup = w.patterns.map((p) => (p & 4 && r.next() < 0.9 ? p | 8 : r.next() < 0.005 ? p | 8 : p));
    const fit = fitSignalModel(patternCounts(withDup), 4);
    expect(fit.blocks).toContainEqual([2, 3]);
    expect(fit.prior).toBeCloseTo(truth.prior, 2);
    for (const j of [0, 1, 2]) {
      expect(Math.abs(fit.sensitivity[j]! - truth.a[j]!)).toBeLessThan(0.06);
      expect(Math.abs(fit.falseAlarm[j]! - truth.b[j]!)).toBeLessThan(0.005);
    }
    expect(dependentSignals(fit, patternCounts(withDup))).toEqual([]);
  });

  it("without signals every line gets the same score", () => {
    const fit = fitSignalModel({ patterns: [0], counts: [1000] }, 0);
    expect(badProbability(fit, 0)).toBe(fit.prior);
  });
});

describe("sampling design", () => {
  it("target inclusion probabilities sum to the sample size, rise with the score, cap at 1 and keep the floor", () => {
    const scores = [0.9, 0.5, 0.05, 0.01, 0.01];
    const counts = [10, 40, 500, 2000, 7450];
    const lam = targetInclusion(scores, 200, 0.2, counts);
    const total = lam.reduce((s, x, i) => s + x * counts[i]!, 0);
    expect(total).toBeCloseTo(200, 6);
    for (let i = 1; i < lam.length; i++) expect(lam[i]!).toBeLessThanOrEqual(lam[i - 1]!);
    expect(Math.max(...lam)).toBeLessThanOrEqual(1);
    // At least the floor share spread evenly: 20% of 200 over 10,000 lines.
    expect(Math.min(...lam)).toBeGreaterThanOrEqual((0.2 * 200) / 10_000);
  });

  it("Pareto sampling draws exactly n lines, always the certain ones, never the impossible ones, each about as often as its lambda", () => {
    const lambda = [1, 0, 0.5, 0.25, 0.25, 0.1, 0.1, 0.1, 0.1, 0.6];
    const n = 3;
    expect(lambda.reduce((s, x) => s + x, 0)).toBeCloseTo(n, 9);
    const hits = new Array<number>(lambda.length).fill(0);
    const R = 8_000;
    const rng = createRng(3);
    for (let k = 0; k < R; k++) {
      const s = paretoSample(lambda, n, rng);
      expect(s).toHaveLength(n);
      for (const i of s) hits[i]!++;
    }
    expect(hits[0]).toBe(R);
    expect(hits[1]).toBe(0);
    // Rosén: Pareto's inclusion probabilities equal the targets up to O(1/n); with n = 3 allow a few points.
    for (const [i, l] of lambda.entries()) expect(Math.abs(hits[i]! / R - l)).toBeLessThan(0.04);
  });
});

describe("Hájek estimator and interval", () => {
  it("is the plain proportion when every line had the same chance", () => {
    const f = [true, false, false, true, false];
    expect(failureRate(f, f.map(() => 0.1)).estimate).toBeCloseTo(0.4, 12);
  });

  it("weights each judged line by 1/pi", () => {
    expect(hajekRatio([1, 0, 0], [1, 1, 1], [0.5, 0.1, 0.1]).estimate).toBeCloseTo(2 / 22, 12);
  });

  it("Wilson interval matches the textbook value for 10 of 100", () => {
    const ci = wilson(0.1, 100);
    expect(ci.lo).toBeCloseTo(0.0552, 4);
    expect(ci.hi).toBeCloseTo(0.1744, 4);
  });

  it("covers the log's true failure rate about 95% of the time over seeded logs (signals, draw, noisy critic, estimate)", () => {
    const N = 4000;
    const seeds = 300;
    let covered = 0;
    for (let s = 0; s < seeds; s++) {
      const patterns = new Uint32Array(N);
      const failed = new Array<boolean>(N);
      let truth = 0;
      for (let i = 0; i < N; i++) {
        const { line, truth: t } = simLogLine({ seed: `cov-${s}` }, i);
        patterns[i] = (line.feedback === -1 ? 1 : 0) | (line.regenerated ? 2 : 0) | (line.latency_ms > 4000 ? 4 : 0);
        failed[i] = simCriticLevel(`cov-${s}`, line.id, t.bad) <= 3;
        truth += failed[i] ? 1 : 0;
      }
      truth /= N;
      const d = drawSample(patterns, 3, { size: 200, seed: s });
      const est = failureRate(d.lines.map((i) => failed[i]!), d.pi);
      if (est.ci95!.lo <= truth && truth <= est.ci95!.hi) covered++;
    }
    // 300 replications: a 95% interval lands in [0.92, 0.98] with probability > 0.99.
    expect(covered / seeds).toBeGreaterThanOrEqual(0.92);
    expect(covered / seeds).toBeLessThanOrEqual(0.98);
  });
});
