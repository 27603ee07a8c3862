import { describe, expect, it } from "vitest";
import { labelModelSe } from "../../../src/stats/label-bootstrap.js";
import { fromDense } from "../../../src/stats/label-matrix.js";
import { labelModels } from "../../../src/stats/label-models/index.js";
import { ordinal } from "../../../src/stats/label-models/ordinal.js";
import { aggregateLevels } from "../../../src/runner/aggregate.js";
import { createRng } from "../../../src/stats/rng.js";

const clamp = (x: number) => Math.min(6, Math.max(0, Math.round(x)));

/** n outputs scored by three critics (lenient/noisy, strict/precise, in between), as class indices. */
function labels(n: number, seed: string): Int32Array {
  const r = createRng(seed);
  const out = new Int32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const z = 6 * r.next();
    out.set([clamp(z + 0.9 + 1.3 * r.normal()), clamp(z - 0.3 + 0.7 * r.normal()), clamp(z + r.normal())], i * 3);
  }
  return out;
}

describe("label-model bootstrap", () => {
  it("fitting distinct rows with their multiplicity is fitting every row", () => {
    const all = fromDense(labels(300, "rows"), 300, 3, 7);
    const keys = Array.from({ length: 300 }, (_, i) => all.labels.subarray(i * 3, i * 3 + 3).join(","));
    const distinct = [...new Set(keys)];
    const weights = Float64Array.from(distinct, (k) => keys.filter((x) => x === k).length);
    const rows = fromDense(Int32Array.from(distinct.flatMap((k) => k.split(",").map(Number))), distinct.length, 3, 7);
    expect(distinct.length).toBeLessThan(300);
    const full = ordinal(all);
    const weighted = ordinal(rows, { itemWeights: weights });
    for (let j = 0; j < 3; j++) expect(weighted.bias[j]).toBeCloseTo(full.bias[j]!, 6);
    keys.forEach((k, i) => {
      const p = distinct.indexOf(k);
      for (let c = 0; c < 7; c++) expect(weighted.posterior[p * 7 + c]).toBeCloseTo(full.posterior[i * 7 + c]!, 6);
    });
  });

  it("is seeded, resamples whole items (a pair judged alike on every item has no spread), and refits warm", () => {
    // Two candidates per item; candidate B's outputs get exactly candidate A's labels.
    const a = labels(60, "pairs");
    const dense = new Int32Array(120 * 3);
    const at: [number, number][] = [];
    for (let i = 0; i < 60; i++) {
      dense.set(a.subarray(i * 3, i * 3 + 3), 2 * i * 3);
      dense.set(a.subarray(i * 3, i * 3 + 3), (2 * i + 1) * 3);
      at.push([2 * i, 2 * i + 1]);
    }
    const matrix = fromDense(dense, 120, 3, 7);
    const fit = ordinal(matrix);
    let iterations = 0;
    const spec = {
      matrix,
      fit,
      refit: (m: typeof matrix, o: object) => {
        const f = ordinal(m, { ...o, start: { bias: fit.bias, sigma: fit.sigma, levels: fit.levels, classPrior: fit.classPrior } });
        iterations += f.iterations;
        return f;
      },
    };
    const one = labelModelSe(spec, at, createRng("s"), 30);
    const two = labelModelSe(spec, at, createRng("s"), 30);
    expect(one).toEqual(two);
    expect(one.diff[0]![1]).toBe(0);
    expect(one.mean[0]).toBeGreaterThan(0.1);
    expect(one.mean[0]).toBe(one.mean[1]);
    // From the point fit's parameters a refit needs fewer iterations than the cold fit did.
    expect(iterations / 60).toBeLessThan(fit.iterations);
  });

  it("refits a model anchored on gold with the gold clamped, and Dawid-Skene as well as the ordinal model", () => {
    const r = createRng("gold3");
    const clamp7 = (x: number) => Math.min(7, Math.max(1, Math.round(x)));
    const levels: number[][] = [];
    const gold: (number | null)[] = [];
    const at: [number, number][] = [];
    for (let i = 0; i < 60; i++) {
      at.push([levels.length, levels.length + 1]);
      for (let c = 0; c < 2; c++) {
        const z = 1 + 6 * r.next();
        levels.push([clamp7(z + 0.9 + 1.3 * r.normal()), clamp7(z - 0.3 + 0.7 * r.normal()), clamp7(z + r.normal())]);
        gold.push(i < 25 ? clamp7(z + 0.4 * r.normal()) : null);
      }
    }
    const agg = aggregateLevels("helpfulness", levels, ["a", "b", "c"], 7, gold);
    expect(agg.summary).toMatchObject({ method: "ordinal", scale: "human" });
    expect(agg.refit?.gold?.filter((g) => g >= 0)).toHaveLength(50);
    const se = labelModelSe(agg.refit!, at, createRng("gold-boot"));
    for (const v of [...se.mean, se.diff[0]![1]]) expect(v).toBeGreaterThan(0.05);
    // Every output carrying gold: each replicate's scores are the gold labels, whatever the refit.
    const allGold = Int32Array.from(levels, (_, u) => (gold[u] ?? levels[u]![1]!) - 1);
    const ds = labelModels["ds-prior"](agg.refit!.matrix, { gold: allGold });
    const clamped = labelModelSe({ matrix: agg.refit!.matrix, gold: allGold, fit: ds, refit: labelModels["ds-prior"] }, at, createRng("ds"), 20);
    // So the replicates are the resampled means of the gold labels, drawn by the same generator.
    const rng = createRng("ds");
    const means: number[] = [];
    for (let round = 0; round < 20; round++) {
      let t = 0;
      for (let i = 0; i < at.length; i++) t += allGold[at[rng.int(at.length)]![0]]! + 1;
      means.push(t / at.length);
    }
    const m = means.reduce((a, b) => a + b, 0) / 20;
    expect(clamped.mean[0]).toBeCloseTo(Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / 19), 9);
  });
});
