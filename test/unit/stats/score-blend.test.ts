import { describe, expect, it } from "vitest";
import { fromDense } from "../../../src/stats/label-matrix.js";
import { posteriorMean, spearman } from "../../../src/stats/label-models/evaluate.js";
import { chooseBlend, scoreBlend } from "../../../src/stats/label-models/score-blend.js";
import { createRng } from "../../../src/stats/rng.js";

// Seeded truth on a 5-point scale; each critic sees truth + its own noise (sd) + a shared
// noise term (shared) that makes prompt variants of one model err together.
function simulate(n: number, critics: Array<{ sd: number; shared: number }>, seed: string) {
  const rng = createRng(seed);
  const truth = new Float64Array(n);
  const labels = new Int32Array(n * critics.length);
  for (let i = 0; i < n; i++) {
    truth[i] = 2 + 1.2 * rng.normal();
    const common = rng.normal();
    critics.forEach((c, j) => {
      const y = Math.round(truth[i] + c.sd * rng.normal() + c.shared * common);
      labels[i * critics.length + j] = Math.min(4, Math.max(0, y));
    });
  }
  const m = fromDense(labels, n, critics.length, 5);
  const gold = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i += 4) gold[i] = Math.min(4, Math.max(0, Math.round(truth[i])));
  return { m, truth, gold };
}

describe("score blend", () => {
  it("selects the one accurate critic when four correlated copies of a weak one outvote it", () => {
    const weak = { sd: 0.4, shared: 1.5 };
    const { m, gold } = simulate(800, [{ sd: 0.5, shared: 0 }, weak, weak, weak, weak], "blend-dominant");
    const pick = chooseBlend(m, gold, { seed: 1 });
    expect(pick.labeler).toBe(0);
    expect(pick.w).toBe(0);
  });

  it("averages critics of equal, independent quality, and the average ranks the truth better than any one", () => {
    const same = { sd: 1, shared: 0 };
    const { m, truth, gold } = simulate(800, [same, same, same, same], "blend-equal");
    const fit = scoreBlend(m, { gold, seed: 1 });
    expect(fit.method).toBe("blend:mean");
    const test = Array.from({ length: m.nItems }, (_, i) => i).filter((i) => gold[i] < 0);
    const est = posteriorMean(m, fit.posterior);
    const single = test.map((i) => m.labels[i * m.nLabelers]);
    expect(spearman(test.map((i) => est[i]), test.map((i) => truth[i]))!).toBeGreaterThan(spearman(single, test.map((i) => truth[i]))! + 0.03);
  });

  it("has a posterior whose mean is the blended score and which is clamped to gold", () => {
    const m = fromDense(new Int32Array([0, 2, 4, 4, 1, 1]), 3, 2, 5);
    const fit = scoreBlend(m, { gold: new Int32Array([-1, -1, 0]) });
    const mean = posteriorMean(m, fit.posterior);
    expect(mean[0]).toBeCloseTo(2, 12);
    expect(mean[1]).toBeCloseTo(5, 12);
    expect(mean[2]).toBe(1);
  });
});
