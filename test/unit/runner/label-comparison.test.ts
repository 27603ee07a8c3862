import { describe, expect, it } from "vitest";
import type { PairwiseLabel } from "../../../src/data/pairwise-labels.js";
import { agreementWithRun, compareLabels, scoreTest } from "../../../src/runner/label-comparison.js";
import type { ScoreRow } from "../../../src/run-result.js";
import { bradleyTerry } from "../../../src/stats/bradley-terry.js";
import { itemWinsFromVerdicts, totalWins } from "../../../src/stats/pairwise.js";
import { createRng } from "../../../src/stats/rng.js";

const label = (item: string, a: string, b: string, verdict: PairwiseLabel["verdict"]): PairwiseLabel => ({ item, a, b, verdict, rubric: null, judge: null, line: 0 });

describe("Bradley-Terry and win rates from pairwise verdicts", () => {
  it("reproduces the methods.md 3.1 test vector when each win is one verdict", () => {
    const W = [
      [0, 3, 2, 5],
      [1, 0, 3, 2],
      [2, 1, 0, 4],
      [0, 2, 1, 0],
    ];
    const names = ["p", "q", "r", "s"];
    const rows: PairwiseLabel[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < W[i]![j]!; k++) rows.push(label(`${i}-${j}-${k}`, names[i]!, names[j]!, "a"));
    const w = itemWinsFromVerdicts(rows, names);
    expect(totalWins(w)).toEqual(W);
    const theta = bradleyTerry(totalWins(w)).theta;
    const published = [0.914621, 0.004345, 0.075244, -0.994209];
    for (let k = 0; k < 4; k++) expect(Math.abs(theta[k]! - published[k]!)).toBeLessThan(1e-6);
  });

  it("Wilson interval and score test: never zero-width, and 'better' exactly when the interval excludes ½", () => {
    const all = scoreTest(1, 10);
    expect(all.ci95.lo).toBeCloseTo(0.7225, 4); // Wilson 95% for 10/10
    expect(all.ci95.hi).toBeCloseTo(1, 12);
    expect(all.p).toBeCloseTo(0.00157, 4);
    for (const [rate, n] of [[0.7, 20], [0.65, 40], [0.4, 100], [0.5, 7]] as const) {
      const s = scoreTest(rate, n);
      expect(s.p < 0.05).toBe(s.ci95.lo > 0.5 || s.ci95.hi < 0.5);
    }
  });

  it("seeded verdicts from known strengths: the true order, and with Holm at most 5% of null runs declare any 'better'", () => {
    const rng = createRng("labels-sim");
    const simulate = (theta: number[], items: number, tieShare: number): PairwiseLabel[] => {
      const names = theta.map((_, k) => `c${k}`);
      const rows: PairwiseLabel[] = [];
      for (let i = 0; i < items; i++) {
        for (let a = 0; a < theta.length; a++) {
          for (let b = a + 1; b < theta.length; b++) {
            const pa = 1 / (1 + Math.exp(theta[b]! - theta[a]!));
            const u = rng.next();
            rows.push(label(`q${i}`, names[a]!, names[b]!, u < tieShare ? "tie" : rng.next() < pa ? "a" : "b"));
          }
        }
      }
      return rows;
    };
    const strong = compareLabels(simulate([1, 0.3, -0.2, -1.1], 150, 0.2), ["c0", "c1", "c2", "c3"], { missing: "drop", correction: "holm", seed: 1, rounds: 200 }, "sim", null);
    expect(strong.ranking.map((e) => e.rank)).toEqual([1, 2, 3, 4]);
    expect(strong.pairs.find((p) => p.a === "c0" && p.b === "c3")!.verdict).toBe("A better");

    const runs = 300;
    let holmErrors = 0;
    let rawErrors = 0;
    for (let s = 0; s < runs; s++) {
      const rows = simulate([0, 0, 0, 0, 0], 40, 0.2);
      const names = ["c0", "c1", "c2", "c3", "c4"];
      const h = compareLabels(rows, names, { missing: "drop", correction: "holm", seed: s, rounds: 1 }, "sim", null);
      const n = compareLabels(rows, names, { missing: "drop", correction: "none", seed: s, rounds: 1 }, "sim", null);
      if (h.pairs.some((p) => p.verdict !== "undecided")) holmErrors++;
      if (n.pairs.some((p) => p.verdict !== "undecided")) rawErrors++;
    }
    expect(holmErrors / runs).toBeLessThanOrEqual(0.05);
    expect(rawErrors / runs).toBeGreaterThan(holmErrors / runs);
  });

  it("agreement with a run: exact matches over all verdicts, accuracy on the verdicts that pick a side", () => {
    const score = (item: string, candidate: string, s: number): ScoreRow => ({ item, candidate, rubric: "r", outputChars: 1, outputPreview: "", byCritic: {}, score: s, posterior: null, gold: null });
    const scores = [score("q1", "x", 6), score("q1", "y", 4), score("q2", "x", 3), score("q2", "y", 3), score("q3", "x", 2), score("q3", "y", 5)];
    const a = agreementWithRun([label("q1", "x", "y", "a"), label("q2", "x", "y", "a"), label("q3", "x", "y", "tie"), label("q4", "x", "y", "b"), label("q1", "x", "y", null)], scores, "r");
    // q1 right, q2 run tie vs A (half), q3 gold tie (not decisive, no exact match), q4 not scored, the null verdict skipped.
    expect(a).toEqual({ rubric: "r", verdicts: 3, agree: 1, rate: 1 / 3, decisive: { verdicts: 2, accuracy: 0.75 } });
  });
});
