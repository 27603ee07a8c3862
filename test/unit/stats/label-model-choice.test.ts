import { describe, expect, it } from "vitest";
import { aggregateLevels } from "../../../src/runner/aggregate.js";
import { fromDense } from "../../../src/stats/label-matrix.js";
import { auto } from "../../../src/stats/label-models/auto.js";
import { posteriorMean, scoreAgainstGold, spearman } from "../../../src/stats/label-models/evaluate.js";
import { dawidSkene, majorityVote, ordinal } from "../../../src/stats/label-models/index.js";
import { digamma } from "../../../src/stats/label-models/subtypes.js";
import { fiveCritics } from "../../../bench/label-models.js";
import { dependentGroups, localDependence } from "../../../src/stats/label-models/dependence.js";
import { createRng } from "../../../src/stats/rng.js";

function gauss(r: ReturnType<typeof createRng>): number {
  return Math.sqrt(-2 * Math.log(r.next() + 1e-12)) * Math.cos(2 * Math.PI * r.next());
}

/** Graded crowd labels: truth uniform on 0..k-1, labeler j reports round(z + b_j + σ_j·ε), clipped. */
function graded(n: number, bias: number[], sigma: number[], k: number, seed: string, perItem = bias.length) {
  const r = createRng(seed);
  const w = bias.length;
  const labels = new Int32Array(n * w).fill(-1);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const z = r.int(k);
    truth[i] = z;
    const used = new Set<number>();
    while (used.size < perItem) {
      const j = perItem === w ? used.size : r.int(w);
      if (used.has(j)) continue;
      used.add(j);
      labels[i * w + j] = Math.max(0, Math.min(k - 1, Math.round(z + bias[j] + sigma[j] * gauss(r))));
    }
  }
  return { truth, m: fromDense(labels, n, w, k) };
}

describe("ordinal model: maximum likelihood with open end bins and an identified scale", () => {
  it("recovers a lenient labeler piled up on the top level (the moment estimate reads the censored bias short)", () => {
    const { m } = graded(3000, [0, 0, 1.5], [0.6, 0.6, 0.6], 5, "top-end");
    const fit = ordinal(m);
    expect(Math.abs(fit.bias[2] - fit.bias[0] - 1.5)).toBeLessThan(0.2);
  });

  it("pins the scale on the average labeler: label-weighted biases sum to zero", () => {
    const { m } = graded(2000, [1, 1, 0.5, 1.5], [0.7, 0.9, 0.6, 1], 7, "scale");
    const fit = ordinal(m);
    const total = fit.labelerQuality.reduce((s, q, j) => s + q.nLabels * fit.bias[j], 0);
    expect(Math.abs(total / 8000)).toBeLessThan(1e-3);
  });

  it("beats majority vote on graded crowd labels from workers who differ in leniency", () => {
    const w = 60;
    const r = createRng("leniency");
    const bias = Array.from({ length: w }, () => 0.8 * gauss(r));
    const sigma = Array.from({ length: w }, () => 0.4 + r.next());
    const { m, truth } = graded(2000, bias, sigma, 5, "crowd", 5);
    const ord = scoreAgainstGold(m, ordinal(m), truth).accuracy!;
    const mv = scoreAgainstGold(m, majorityVote(m), truth).accuracy!;
    expect(ord).toBeGreaterThan(mv + 0.05);
    // auto without gold notices: the held-out label likelihood picks the ordinal model here.
    const a = auto(m);
    expect(a.picked).toBe("ordinal");
    expect(a.reason).toMatch(/log-likelihood of the labels/);
  });

  it("the runner's score is the mean of its posterior (no shift applied to one and not the other)", () => {
    const { m } = graded(200, [1, 1.2, 0.8], [0.6, 0.8, 0.7], 7, "agree");
    const levels = Array.from({ length: m.nItems }, (_, i) => [0, 1, 2].map((j) => m.labels[i * 3 + j] + 1));
    const agg = aggregateLevels("helpfulness", levels, ["a", "b", "c"], 7, levels.map(() => null));
    agg.scores.forEach((s, i) => {
      const p = agg.posteriors[i]!;
      expect(s).toBeCloseTo(p.reduce((t, v, c) => t + v * (c + 1), 0), 9);
    });
  });
});

describe("auto: model choice by held-out likelihood and the one-standard-error rule", () => {
  it("without gold, reports every candidate's held-out log-likelihood and the SE of its gap to the best", () => {
    const { m } = graded(800, [0, 0.5, -0.5, 0], [0.6, 0.8, 1, 1.2], 5, "cands");
    const fit = auto(m);
    expect(fit.candidates.map((c) => c.method)).toEqual(["mv", "one-coin", "ds-prior", "ds", "ds-subtypes", "ordinal"]);
    for (const c of fit.candidates) {
      expect(c.criterion).toBe("cv-loglik");
      expect(c.seOfDifference).not.toBeNull();
    }
  });

  it("with gold, never ends below the best single labeler by more than the CV standard error", () => {
    const { m, truth } = graded(400, [0, 0, 0, 0], [0.4, 1.5, 1.6, 1.7], 5, "strong-weak");
    const gold = new Int32Array(m.nItems).fill(-1);
    for (let i = 0; i < 60; i++) gold[i] = truth[i];
    const fit = auto(m, { gold });
    const picked = fit.candidates.find((c) => fit.picked.startsWith(c.method))!;
    const select = fit.candidates.find((c) => c.method === "select")!;
    expect(picked.score!).toBeGreaterThanOrEqual(select.score! - (picked.seOfDifference ?? 0) - 1e-12);
    expect(fit.reason).toMatch(/best single labeler/);
  });
});

describe("two critics without gold: not identified, so the plain mean, said plainly", () => {
  // One strong (σ 0.5) and one weak (σ 2) critic on 1..7: which is which cannot be learned
  // from their agreement alone.
  const { m, truth } = graded(600, [0, 0], [0.5, 2], 7, "two-critics");
  const strong = Array.from({ length: m.nItems }, (_, i) => m.labels[i * 2]);
  const rho = (x: ArrayLike<number>) => spearman(x, truth)!;

  it("auto returns the mean, flags it, and says what would fix it", () => {
    const fit = auto(m);
    expect(fit.picked).toBe("mv");
    expect(fit.notIdentified).toBe(true);
    expect(fit.reason).toMatch(/gold labels on a few dozen items/);
    expect(fit.reason).toMatch(/third critic/);
  });

  it("the mean stays near the better critic; a model that guesses the weights need not", () => {
    const mean = rho(posteriorMean(m, auto(m).posterior));
    expect(mean).toBeGreaterThan(rho(strong) - 0.1);
    const levels = Array.from({ length: m.nItems }, (_, i) => [m.labels[i * 2] + 1, m.labels[i * 2 + 1] + 1]);
    const agg = aggregateLevels("r", levels, ["strong", "weak"], 7, levels.map(() => null));
    expect(agg.summary.method).toBe("mean of critics");
    expect(agg.summary.notIdentified).toBe(true);
    expect(agg.summary.reason).toMatch(/cannot tell which critic is right/);
  });
});

describe("one scale per number", () => {
  it("when gold picks one critic, gold outputs keep that critic's level instead of their human label", () => {
    // Critic 0 tracks the truth one level high; critics 1 and 2 are noise. Gold = truth.
    const r = createRng("scale");
    const n = 120;
    const truth = Array.from({ length: n }, () => 1 + r.int(5));
    const levels = truth.map((z) => [Math.min(7, z + 1), 1 + r.int(7), 1 + r.int(7)]);
    const gold = truth.map((z, i) => (i < 40 ? z : null));
    const agg = aggregateLevels("accuracy", levels, ["good", "noise1", "noise2"], 7, gold);
    expect(agg.summary.method).toMatch(/^(select|blend) good/);
    expect(agg.summary.scale).toBe("critic");
    for (let i = 0; i < 40; i++) {
      if (/^select/.test(agg.summary.method)) expect(agg.scores[i]).toBe(levels[i]![0]);
      expect(agg.scores[i]).not.toBe(gold[i]);
    }
  });
});

describe("labelers that share their errors (conditional independence broken)", () => {
  // Binary, 25% positives. Two heavy labelers are both fooled by the same "look-alike"
  // negatives (30% of negatives); a third heavy labeler and 40 light ones err independently.
  // Plain Dawid-Skene spends its latent class on the shared error, as on ZenCrowd.
  function sharedErrors(seed: string) {
    const r = createRng(seed);
    const n = 1500;
    const light = 40;
    const w = 3 + light;
    const labels = new Int32Array(n * w).fill(-1);
    const truth = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const z = r.next() < 0.25 ? 1 : 0;
      truth[i] = z;
      const lookAlike = z === 0 && r.next() < 0.3;
      const say = (acc: number) => (r.next() < acc ? z : 1 - z);
      labels[i * w] = lookAlike && r.next() < 0.95 ? 1 : say(0.9);
      labels[i * w + 1] = lookAlike && r.next() < 0.95 ? 1 : say(0.9);
      labels[i * w + 2] = say(0.9);
      for (let c = 0; c < 3; c++) labels[i * w + 3 + r.int(light)] = say(0.75);
    }
    return { m: fromDense(labels, n, w, 2), truth };
  }

  it.each(["shared-errors", "shared-errors-2"])("auto prefers the subtype model by held-out likelihood and stays above majority vote (seed %s)", (seed) => {
    const { m, truth } = sharedErrors(seed);
    const acc = (fit: Parameters<typeof scoreAgainstGold>[1]) => scoreAgainstGold(m, fit, truth).accuracy!;
    const mv = acc(majorityVote(m));
    expect(acc(dawidSkene(m))).toBeLessThan(mv - 0.05); // the failure being repaired
    const fit = auto(m);
    expect(fit.picked).toBe("ds-subtypes");
    expect(acc(fit)).toBeGreaterThan(mv);
  });

  it("digamma matches known values", () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649, 9);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260, 9);
    expect(digamma(10)).toBeCloseTo(2.2517525891, 9);
  });
});

describe("several critics that share their errors (three prompts of one model among five critics)", () => {
  // 1..7; critics 0-2 share a per-output error, 3 and 4 are independent (bench/label-models.ts).
  const names = ["gpt-a", "gpt-b", "gpt-c", "other-1", "other-2"];

  it.each(["share-1", "share-2", "share-3"])("are flagged, and the estimate is not dragged below the best critic (seed %s)", (seed) => {
    const { truth, levels } = fiveCritics(seed, true);
    const m = fromDense(Int32Array.from(levels.flat(), (v) => v - 1), levels.length, 5, 7);
    const rho = (x: ArrayLike<number>) => spearman(x, truth)!;
    const best = Math.max(...names.map((_, j) => rho(levels.map((row) => row[j]!))));
    // The conditional-independence model follows the three and falls below the best critic.
    expect(rho(posteriorMean(m, ordinal(m).posterior))).toBeLessThan(best);
    const agg = aggregateLevels("accuracy", levels, names, 7, levels.map(() => null));
    expect(agg.summary.method).toBe("mean of critics");
    expect(agg.summary.notIdentified).toBe(true);
    expect(agg.summary.dependentCritics!.length).toBeGreaterThan(0);
    expect(agg.summary.reason).toMatch(/look dependent/);
    expect(agg.summary.reason).toMatch(/gold labels on a few dozen outputs/);
    expect(rho(agg.scores as number[])).toBeGreaterThanOrEqual(best);
    // `critic aggregate`'s auto does the same on the same labels.
    const fit = auto(m);
    expect(fit.picked).toBe("mv");
    expect(fit.notIdentified).toBe(true);
    expect(fit.dependentLabelers!.length).toBeGreaterThan(0);
    expect(rho(posteriorMean(m, fit.posterior))).toBeGreaterThanOrEqual(best);
  });

  it.each(["indep-1", "indep-2", "indep-3"])("independent critics are not flagged, and keep the ordinal model (seed %s)", (seed) => {
    const { levels } = fiveCritics(seed, false);
    const agg = aggregateLevels("accuracy", levels, names, 7, levels.map(() => null));
    expect(agg.summary.method).toBe("ordinal");
    expect(agg.summary.dependentCritics).toBeUndefined();
    const m = fromDense(Int32Array.from(levels.flat(), (v) => v - 1), levels.length, 5, 7);
    expect(auto(m).dependentLabelers).toBeUndefined();
  });

  it("Q3 residual correlations sit near their average under conditional independence", () => {
    const { levels } = fiveCritics("q3-null", false);
    const m = fromDense(Int32Array.from(levels.flat(), (v) => v - 1), levels.length, 5, 7);
    const ld = localDependence(m, ordinal(m))!;
    expect(ld.pairs).toHaveLength(10);
    expect(ld.flagged).toHaveLength(0);
    for (const p of ld.pairs) expect(Math.abs(p.q3 - ld.meanQ3)).toBeLessThan(0.2);
    expect(dependentGroups([{ a: 0, b: 1, n: 50, q3: 0.5 }, { a: 3, b: 4, n: 50, q3: 0.5 }, { a: 1, b: 2, n: 50, q3: 0.5 }])).toEqual([[0, 1, 2], [3, 4]]);
  });
});
