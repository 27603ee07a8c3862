import { describe, expect, it } from "vitest";
import { simulateOrdinal } from "../../../bench/label-models.js";
import { buildLabelMatrix, fromDense } from "../../../src/stats/label-matrix.js";
import { auto } from "../../../src/stats/label-models/auto.js";
import { scoreAgainstGold } from "../../../src/stats/label-models/evaluate.js";
import { dawidSkene, labelModels, ordinal } from "../../../src/stats/label-models/index.js";

// Toy table: 3 reliable labelers agree on every item, a 4th always says the opposite class.
// Every model must recover the reliable labelers' answer; the truth is known by construction.
function toy() {
  const truth = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0];
  const rows = truth.flatMap((z, i) => [
    ...["a", "b", "c"].map((w) => ({ item: `i${i}`, labeler: w, label: String(z + 1) })),
    { item: `i${i}`, labeler: "d", label: String(2 - z) },
  ]);
  return { truth, m: buildLabelMatrix([...rows, { item: "lonely", labeler: "a", label: null }]) };
}

describe("every registered label model", () => {
  it.each(Object.entries(labelModels))("%s recovers the majority of reliable labelers on a toy table", (_name, model) => {
    const { truth, m } = toy();
    const fit = model(m);
    expect(fit.posterior.length).toBe(m.nItems * m.k);
    truth.forEach((z, i) => {
      expect(fit.labels[i]).toBe(z);
    });
    for (let i = 0; i < m.nItems; i++) {
      const row = fit.posterior.subarray(i * m.k, (i + 1) * m.k);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    // The item nobody labelled is kept, gets no hard label, and its posterior is the class prior.
    const lonely = m.itemIds.indexOf("lonely");
    expect(fit.labels[lonely]).toBe(-1);
    expect(Array.from(fit.posterior.subarray(lonely * m.k, lonely * m.k + m.k))).toEqual(Array.from(fit.classPrior));
    const quality = Object.fromEntries(fit.labelerQuality.map((q) => [q.labeler, q.accuracy]));
    expect(quality.a).toBeGreaterThan(quality.d!);
  });

  it("auto explains its pick and lists scored candidates", () => {
    const fit = auto(toy().m);
    expect(fit.reason.length).toBeGreaterThan(20);
    expect(fit.candidates.length).toBeGreaterThan(1);
    expect(fit.picked).toBe(fit.method);
  });
});

describe("label matrix", () => {
  it("keeps the first label of a duplicate and counts the rest", () => {
    const m = buildLabelMatrix([
      { item: "x", labeler: "w", label: 1 },
      { item: "x", labeler: "w", label: 3 },
    ], { k: 3 });
    expect(m.duplicates).toBe(1);
    expect(m.labels[0]).toBe(0);
    expect(m.classValues).toEqual([1, 2, 3]);
  });

  it("treats a 1..7 scale as seven ordinal classes and strings as sorted categories", () => {
    expect(buildLabelMatrix([{ item: "x", labeler: "w", label: "5" }], { k: 7 }).classValues).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const cat = buildLabelMatrix([
      { item: "x", labeler: "w", label: "pos" },
      { item: "y", labeler: "w", label: "neg" },
    ]);
    expect(cat.ordinal).toBe(false);
    expect(cat.classValues).toEqual(["neg", "pos"]);
  });
});

describe("seeded simulation", () => {
  const acc = [0.85, 0.7, 0.55, 0.4, 0.3];
  const sim = simulateOrdinal(4000, acc, 5, "planted");

  it("Dawid-Skene recovers planted labeler accuracies within 0.05", () => {
    const fit = dawidSkene(sim.matrix);
    fit.labelerQuality.forEach((q, j) => {
      expect(Math.abs(q.accuracy! - acc[j])).toBeLessThan(0.05);
    });
    expect(fit.converged).toBe(true);
  });

  it("the ordinal model never lets the log-likelihood fall (generalised EM)", () => {
    const fit = ordinal(sim.matrix);
    for (let t = 1; t < fit.logLikelihood.length; t++) {
      expect(fit.logLikelihood[t]).toBeGreaterThanOrEqual(fit.logLikelihood[t - 1] - 1e-6 * Math.abs(fit.logLikelihood[t - 1]));
    }
  });

  it("recovers a planted leniency bias with the ordinal model", () => {
    const base = simulateOrdinal(3000, [0.8, 0.8, 0.8], 7, "bias");
    const labels = Int32Array.from(base.matrix.labels);
    // Labeler 2 is lenient: one level higher wherever there is room.
    for (let i = 0; i < 3000; i++) labels[i * 3 + 2] = Math.min(6, labels[i * 3 + 2] + 1);
    const fit = ordinal(fromDense(labels, 3000, 3, 7));
    expect(fit.bias[2] - fit.bias[0]).toBeGreaterThan(0.7);
  });

  it("clamped gold items keep their gold label", () => {
    const gold = new Int32Array(sim.matrix.nItems).fill(-1);
    for (let i = 0; i < 100; i++) gold[i] = sim.truth[i];
    const fit = dawidSkene(sim.matrix, { gold });
    expect(scoreAgainstGold(sim.matrix, fit, gold).accuracy).toBe(1);
  });
});
