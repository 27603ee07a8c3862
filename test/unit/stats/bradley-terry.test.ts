import { describe, expect, it } from "vitest";
import { bradleyTerry, eloScale, rankIntervals, stronglyConnected, winProbability } from "../../../src/stats/bradley-terry.js";
import { createRng } from "../../../src/stats/rng.js";

// methods.md 3.1 test vector: W[i][j] = wins of row i over column j
const W = [
  [0, 3, 2, 5],
  [1, 0, 3, 2],
  [2, 1, 0, 4],
  [0, 2, 1, 0],
];

describe("Bradley-Terry by MM", () => {
  it("reproduces the methods.md 3.1 MLE to 1e-6 and the Elo-scale values", () => {
    const fit = bradleyTerry(W, { tol: 1e-12 });
    const expected = [0.914621, 0.004345, 0.075244, -0.994209];
    fit.theta.forEach((t, i) => {
      expect(Math.abs(t - expected[i]!)).toBeLessThan(1e-6);
    });
    const elo = eloScale(fit.theta, 0);
    [158.886, 0.755, 13.071, -172.712].forEach((e, i) => {
      expect(elo[i]).toBeCloseTo(e, 3);
    });
    expect(fit.converged).toBe(true);
    expect(fit.prior).toBe(0);
    expect(fit.iterations).toBeLessThan(200);
  });

  it("satisfies the score equations W_i = Σ_j N_ij σ(θ_i − θ_j) at the fit", () => {
    const fit = bradleyTerry(W, { tol: 1e-12 });
    for (let i = 0; i < 4; i++) {
      let expectedWins = 0;
      let wins = 0;
      for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        wins += W[i]![j]!;
        expectedWins += (W[i]![j]! + W[j]![i]!) * winProbability(fit.theta, i, j);
      }
      expect(Math.abs(wins - expectedWins)).toBeLessThan(1e-8);
    }
  });

  it("returns θ with mean 0 and accepts fractional wins", () => {
    const fit = bradleyTerry([
      [0, 2.5, 1.5],
      [1.5, 0, 2],
      [0.5, 2, 0],
    ]);
    expect(fit.theta.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(fit.theta[0]).toBeGreaterThan(fit.theta[2]!);
  });

  it("adds virtual ties only when the MLE does not exist (Ford's condition)", () => {
    const dominant = [
      [0, 3, 4],
      [0, 0, 2],
      [0, 1, 0],
    ];
    expect(stronglyConnected(dominant)).toBe(false);
    expect(stronglyConnected(W)).toBe(true);
    const fit = bradleyTerry(dominant);
    expect(fit.prior).toBe(1);
    expect(fit.converged).toBe(true);
    expect(fit.theta.every(Number.isFinite)).toBe(true);
    expect(fit.theta[0]).toBeGreaterThan(fit.theta[1]!);
    // A larger prior pulls strengths toward each other.
    const strong = bradleyTerry(dominant, { prior: 10 });
    expect(strong.theta[0]! - strong.theta[2]!).toBeLessThan(fit.theta[0]! - fit.theta[2]!);
  });

  it("recovers the true strengths and order from simulated comparisons", () => {
    const rng = createRng("bt-recovery");
    const truth = [1.2, 0.6, 0, -0.5, -1.3];
    const wins = truth.map(() => truth.map(() => 0));
    for (let a = 0; a < 5; a++) {
      for (let b = a + 1; b < 5; b++) {
        for (let t = 0; t < 2000; t++) {
          if (rng.next() < winProbability(truth, a, b)) wins[a]![b]!++;
          else wins[b]![a]!++;
        }
      }
    }
    const fit = bradleyTerry(wins);
    const order = fit.theta.map((_, i) => i).sort((p, q) => fit.theta[q]! - fit.theta[p]!);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    fit.theta.forEach((t, i) => {
      expect(Math.abs(t - truth[i]!)).toBeLessThan(0.1);
    });
  });

  it("handles degenerate sizes", () => {
    expect(bradleyTerry([]).theta).toEqual([]);
    expect(bradleyTerry([[0]]).theta).toEqual([0]);
  });
});

describe("rank intervals (methods.md 3.2)", () => {
  it("count candidates certainly above and plausibly above", () => {
    expect(rankIntervals([1, 0.5, -1], [2, 1.5, 0])).toEqual([
      { best: 1, worst: 2 },
      { best: 1, worst: 2 },
      { best: 3, worst: 3 },
    ]);
  });
});
