import { describe, expect, it } from "vitest";
import {
  itemWins,
  posteriorRows,
  preference,
  preferenceFromDistributions,
  thresholdedPreference,
  totalWins,
  winRateMatrix,
} from "../../../src/stats/pairwise.js";
import { createRng } from "../../../src/stats/rng.js";

function randomDistribution(rng: ReturnType<typeof createRng>, k: number): number[] {
  const w = Array.from({ length: k }, () => rng.next() ** 2);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

describe("preference from two score distributions (methods.md 4.2)", () => {
  it("matches the double sum over level pairs and sums to 1", () => {
    const rng = createRng("pref");
    for (let t = 0; t < 20; t++) {
      const pA = randomDistribution(rng, 7);
      const pB = randomDistribution(rng, 7);
      let a = 0;
      let tie = 0;
      for (let x = 0; x < 7; x++) {
        for (let y = 0; y < 7; y++) {
          if (x > y) a += pA[x]! * pB[y]!;
          if (x === y) tie += pA[x]! * pB[y]!;
        }
      }
      const p = preferenceFromDistributions(pA, pB);
      expect(p.aWins).toBeCloseTo(a, 12);
      expect(p.tie).toBeCloseTo(tie, 12);
      expect(p.aWins + p.tie + p.bWins).toBeCloseTo(1, 12);
    }
  });

  it("is antisymmetric: swapping A and B swaps the win probabilities", () => {
    const pA = [0.1, 0.2, 0.7];
    const pB = [0.3, 0.3, 0.4];
    const ab = preferenceFromDistributions(pA, pB);
    const ba = preferenceFromDistributions(pB, pA);
    expect(ab.aWins).toBeCloseTo(ba.bWins, 12);
    expect(ab.tie).toBeCloseTo(ba.tie, 12);
  });
});

describe("label-model posteriors as judgments", () => {
  it("split a row-major n×K posterior into per-item distributions usable as judgments", () => {
    const posterior = Float64Array.from([0.2, 0.8, 0.6, 0.4]); // 2 items, K = 2
    const rows = posteriorRows(posterior, 2);
    expect(rows.length).toBe(2);
    const p = preference(rows[0]!, rows[1]!)!;
    expect(p.aWins).toBeCloseTo(0.8 * 0.6, 12);
    expect(p.tie).toBeCloseTo(0.2 * 0.6 + 0.8 * 0.4, 12);
    expect(() => posteriorRows(posterior, 3)).toThrow(RangeError);
  });
});

describe("thresholded outcome (methods.md 4.1)", () => {
  it("ties equal integer scores and differences within the band δ", () => {
    expect(thresholdedPreference(5, 4)).toEqual({ aWins: 1, tie: 0, bWins: 0 });
    expect(thresholdedPreference(4, 4)).toEqual({ aWins: 0, tie: 1, bWins: 0 });
    expect(thresholdedPreference(3.9, 4.1, 0.25)).toEqual({ aWins: 0, tie: 1, bWins: 0 });
    expect(thresholdedPreference(3.5, 4.1, 0.25)).toEqual({ aWins: 0, tie: 0, bWins: 1 });
  });

  it("treats an integer score next to a distribution as certain, and missing as no comparison", () => {
    expect(preference(6, [0, 0, 0, 0, 0, 0.5, 0.5])).toEqual({ aWins: 0, tie: 0.5, bWins: 0.5 });
    expect(preference(null, 3)).toBeNull();
    expect(() => preference(4.5, [0.5, 0.5])).toThrow(RangeError);
  });
});

describe("win-rate matrix", () => {
  it("compares candidates only on items both have, with ties split", () => {
    const scores = [
      [5, 4, null],
      [3, 3, 2],
      [2, null, 7],
      [null, 6, 1],
    ];
    const w = winRateMatrix(scores);
    // 0 vs 1: items 0 (win) and 1 (tie) -> 0.75; 0 vs 2: items 1 (win), 2 (loss) -> 0.5
    expect(w.winRate[0]).toEqual([null, 0.75, 0.5]);
    expect(w.n[0]).toEqual([0, 2, 2]);
    expect(w.tieRate[0]![1]).toBe(0.5);
    // 1 vs 2: items 1 and 3, both wins for 1
    expect(w.winRate[1]![2]).toBe(1);
    expect(w.overall[2]).toBeCloseTo((0.5 + 0) / 2, 12);
  });

  it("has win[a][b] + win[b][a] = 1 wherever a pair was compared", () => {
    const rng = createRng("wr");
    const scores = Array.from({ length: 50 }, () => Array.from({ length: 4 }, () => (rng.next() < 0.2 ? null : 1 + rng.int(7))));
    const w = winRateMatrix(scores);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) if (a !== b) expect(w.winRate[a]![b]! + w.winRate[b]![a]!).toBeCloseTo(1, 12);
  });

  it("is null for a pair that shares no item", () => {
    const w = winRateMatrix([
      [1, null],
      [null, 2],
    ]);
    expect(w.winRate[0]![1]).toBeNull();
    expect(w.overall[0]).toBeNull();
  });

  it("sums per-item wins with bootstrap multiplicities", () => {
    const w = itemWins([
      [5, 4],
      [3, 3],
    ]);
    expect(totalWins(w)).toEqual([
      [0, 1.5],
      [0.5, 0],
    ]);
    expect(totalWins(w, [0, 2])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});
