import { describe, expect, it } from "vitest";
import {
  decide,
  itemWins,
  missingCount,
  posteriorRows,
  preference,
  preferenceFromDistributions,
  thresholdedPreference,
  totalWins,
  winRateMatrix,
  winRatesFromItemWins,
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

describe("decisions and probabilities (issue 13 item 9)", () => {
  it("decides for the more probable side, a tie only when both sides are equally probable", () => {
    expect(decide({ aWins: 0.4, tie: 0.35, bWins: 0.25 })).toBe("a");
    expect(decide({ aWins: 0.1, tie: 0.6, bWins: 0.3 })).toBe("b");
    expect(decide({ aWins: 0.2, tie: 0.6, bWins: 0.2 })).toBe("tie");
    expect(decide(thresholdedPreference(4, 4))).toBe("tie");
  });

  it("seeded truth: the expected win probability is the chance a draw of A's score beats B's, the decision rate how often A is the better output", () => {
    // Every item: A's true level is one above B's. The critic's distribution over levels is the
    // true level with probability 0.5 and a neighbour with 0.25 each, and its sampled score is
    // drawn from that same distribution: so P(A≻B) + ½P(tie) is a calibrated probability for a
    // sampled verdict, and it sits far below the 100% of items where A is truly better.
    const rng = createRng("decision-vs-probability");
    const K = 7;
    const around = (level: number): number[] => {
      const p = new Array<number>(K).fill(0);
      p[level - 1]! += 0.5;
      p[Math.max(0, level - 2)]! += 0.25;
      p[Math.min(K - 1, level)]! += 0.25;
      return p;
    };
    const draw = (p: number[]): number => {
      let u = rng.next();
      for (let k = 0; k < K; k++) {
        u -= p[k]!;
        if (u < 0) return k + 1;
      }
      return K;
    };
    const items = 4000;
    const table: number[][][] = [];
    let sampledWins = 0;
    for (let i = 0; i < items; i++) {
      const b = 2 + rng.int(4); // 2..5, so A = b + 1 stays inside 1..7 with room for both neighbours
      const pA = around(b + 1);
      const pB = around(b);
      table.push([pA, pB]);
      const [x, y] = [draw(pA), draw(pB)];
      sampledWins += x > y ? 1 : x === y ? 0.5 : 0;
    }
    const w = winRateMatrix(table);
    const expected = w.winRate[0]![1]!;
    expect(expected).toBeCloseTo(sampledWins / items, 1);
    // A − B = 1 + e_A − e_B, e = −1, 0, 1 with ¼, ½, ¼: P(A≻B) = 11/16, P(tie) = 4/16.
    expect(expected).toBeCloseTo(13 / 16, 12);
    expect(w.decisionRate[0]![1]).toBe(1);
    expect(w.decisionRate[1]![0]).toBe(0);
  });

  it("decision rates split ties and are complementary", () => {
    const w = winRateMatrix([
      [5, 4],
      [3, 3],
      [2, 6],
      [[0, 0.5, 0.5], [0, 1, 0]].map((p) => [...p, 0, 0, 0, 0]),
    ]);
    // item 4: A is level 2 or 3 with ½ each, B is level 2: P(A≻B) = ½ > P(B≻A) = 0, so A.
    expect(w.decisionRate[0]![1]).toBeCloseTo((1 + 0.5 + 0 + 1) / 4, 12);
    expect(w.decisionRate[0]![1]! + w.decisionRate[1]![0]!).toBeCloseTo(1, 12);
    expect(w.winRate[0]![1]).toBeCloseTo((1 + 0.5 + 0 + 0.75) / 4, 12);
  });
});

describe("a missing score next to a present one (issue 13 item 10)", () => {
  const scores = [
    [5, 4],
    [null, 4], // A refused
    [3, undefined], // B has no output for this item: never compared
  ];

  it("is left out by default and counted", () => {
    const w = itemWins(scores);
    expect(w.missingRule).toBe("drop");
    expect(missingCount(w, 0, 1)).toBe(1);
    expect(winRatesFromItemWins(w).n[0]![1]).toBe(1);
    expect(winRatesFromItemWins(w).winRate[0]![1]).toBe(1);
  });

  it("is a tie when asked, and an item without an output is still not compared", () => {
    const w = itemWins(scores, { missing: "tie" });
    expect(missingCount(w, 0, 1)).toBe(1);
    const rates = winRatesFromItemWins(w);
    expect(rates.n[0]![1]).toBe(2);
    expect(rates.winRate[0]![1]).toBeCloseTo(0.75, 12);
    expect(rates.tieRate[0]![1]).toBeCloseTo(0.5, 12);
  });
});
