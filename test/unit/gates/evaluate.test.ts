import { describe, expect, it } from "vitest";
import { gateRefProblem } from "../../../src/gates/check.js";
import { describeOutcome, evaluateGates, fmtGateNum } from "../../../src/gates/evaluate.js";
import { GateSchema } from "../../../src/gates/schema.js";
import type { Gate } from "../../../src/gates/types.js";
import { buildRunResult } from "../../fixtures/run-result.js";

const r = buildRunResult();
const one = (g: Gate) => evaluateGates(r, [g])[0];
const cell = (c: string, rub: string) => r.cells.find((x) => x.candidate === c && x.rubric === rub)!;
/** The stored direction of a pair, so the tests cover the flipped one too. */
const stored = (a: string, b: string, rub: string) => r.pairwise.find((p) => p.rubric === rub && ((p.a === a && p.b === b) || (p.a === b && p.b === a)))!;

describe("mean gates", () => {
  const c = cell("prompt-v2", "helpfulness");
  const lo = c.ci95!.lo;
  const hi = c.ci95!.hi;

  it("atLeast passes exactly when the lower bound of the 95% interval reaches the threshold", () => {
    expect(one({ type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atLeast: lo - 1e-9 }).pass).toBe(true);
    expect(one({ type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atLeast: lo }).pass).toBe(true);
    // The point estimate clears this bar, the interval does not: the gate must fail.
    const o = one({ type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atLeast: (lo + c.mean!) / 2 });
    expect(o.pass).toBe(false);
    expect(o.estimate).toBe(c.mean);
    expect(o.interval).toEqual(c.ci95);
    expect(o.rule).toBe("lower>=");
    expect(o.message).toContain(`is ${fmtGateNum(c.mean!)}, 95% CI [${fmtGateNum(lo)}, ${fmtGateNum(hi)}] (n = ${c.n}); the lower bound ${fmtGateNum(lo)} is below the threshold`);
  });

  it("atMost passes exactly when the upper bound is at most the threshold", () => {
    expect(one({ type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atMost: hi }).pass).toBe(true);
    const o = one({ type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atMost: hi - 0.01 });
    expect(o.pass).toBe(false);
    expect(o.message).toContain(`the upper bound ${fmtGateNum(hi)} is above the threshold`);
  });

  it("lists the lowest-scored items of that candidate and rubric for atLeast, the highest for atMost", () => {
    const mine = r.scores.filter((s) => s.candidate === "prompt-v2" && s.rubric === "helpfulness" && s.score !== null).map((s) => s.score as number);
    const low = one({ type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atLeast: 7 }).worst.map((w) => w.score);
    expect(low).toEqual([...mine].sort((a, b) => a - b).slice(0, 5));
    const high = one({ type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atMost: 1 }).worst.map((w) => w.score);
    expect(high).toEqual([...mine].sort((a, b) => b - a).slice(0, 5));
  });

  it("fails, with a reason and no estimate, when the candidate has no scores", () => {
    const o = one({ type: "mean", candidate: "nobody", rubric: "helpfulness", atLeast: 1 });
    expect(o.pass).toBe(false);
    expect(o.estimate).toBeNull();
    expect(o.message).toMatch(/^no scores for nobody on helpfulness/);
  });

  it("fails when there is a mean but no interval (n < 2): cannot tell is not a pass", () => {
    const r1 = buildRunResult();
    const c1 = r1.cells[0];
    c1.ci95 = null;
    const [o] = evaluateGates(r1, [{ type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: -100 }]);
    expect(o.pass).toBe(false);
    expect(o.message).toContain("no 95% interval");
  });
});

describe("compare gates", () => {
  it("notWorseBy(m) passes exactly when the lower bound of candidate − baseline is above −m, in either stored direction", () => {
    for (const [a, b] of [["baseline", "prompt-v2"], ["prompt-v2", "baseline"]]) {
      const p = stored(a, b, "helpfulness");
      const lo = p.a === a ? p.diffCi95!.lo : -p.diffCi95!.hi;
      const est = p.a === a ? p.meanDiff! : -p.meanDiff!;
      const pass = one({ type: "compare", candidate: a, baseline: b, rubric: "helpfulness", notWorseBy: Math.max(0, -lo + 0.01) });
      const fail = one({ type: "compare", candidate: a, baseline: b, rubric: "helpfulness", notWorseBy: Math.max(0, -lo - 0.01) });
      expect(pass.estimate).toBeCloseTo(est, 12);
      expect(pass.interval!.lo).toBeCloseTo(lo, 12);
      if (-lo - 0.01 >= 0) {
        expect(pass.pass).toBe(true);
        expect(fail.pass).toBe(false);
        expect(fail.message).toContain(`${a} may be worse than ${b} by`);
      } else {
        // The candidate is better even at the lower bound: any margin passes.
        expect(pass.pass && fail.pass).toBe(true);
      }
    }
  });

  it("betterBy(m) is superiority: the lower bound must exceed m", () => {
    const p = stored("prompt-v2", "llama-3.1-8b", "helpfulness");
    const lo = p.a === "prompt-v2" ? p.diffCi95!.lo : -p.diffCi95!.hi;
    expect(lo).toBeGreaterThan(0);
    expect(one({ type: "compare", candidate: "prompt-v2", baseline: "llama-3.1-8b", rubric: "helpfulness", betterBy: lo - 0.01 }).pass).toBe(true);
    const o = one({ type: "compare", candidate: "prompt-v2", baseline: "llama-3.1-8b", rubric: "helpfulness", betterBy: lo + 0.01 });
    expect(o.pass).toBe(false);
    expect(o.threshold).toBe(lo + 0.01);
    expect(o.message).toContain("superiority margin");
  });

  it("lists the items where the candidate falls furthest below the baseline", () => {
    const o = one({ type: "compare", candidate: "llama-3.1-8b", baseline: "prompt-v2", rubric: "helpfulness", notWorseBy: 0 });
    expect(o.worst).toHaveLength(5);
    const diffs = o.worst.map((w) => w.diff as number);
    expect(diffs).toEqual([...diffs].sort((a, b) => a - b));
    for (const w of o.worst) expect(w.diff).toBeCloseTo((w.score as number) - (w.baseline as number), 12);
    expect(describeOutcome(o)).toMatch(/Worst items \(largest drop of llama-3\.1-8b against prompt-v2\):\n {4}item-\d\d: /);
  });
});

describe("gate config", () => {
  it("accepts each kind with exactly one threshold", () => {
    expect(GateSchema.safeParse({ type: "mean", candidate: "v2", rubric: "politeness", atLeast: 5.5 }).success).toBe(true);
    expect(GateSchema.safeParse({ type: "compare", candidate: "v2", baseline: "v1", rubric: "accuracy", notWorseBy: 0.2 }).success).toBe(true);
  });

  it("rejects ambiguous or meaningless gates with a message that says why", () => {
    const both = GateSchema.safeParse({ type: "mean", candidate: "v2", rubric: "p", atLeast: 5, atMost: 6 });
    expect(both.error?.issues[0].message).toBe("a mean gate needs exactly one of atLeast or atMost");
    const self = GateSchema.safeParse({ type: "compare", candidate: "v2", baseline: "v2", rubric: "p", notWorseBy: 0.2 });
    expect(self.error?.issues[0].message).toBe("a compare gate needs two different candidates");
    const neg = GateSchema.safeParse({ type: "compare", candidate: "v2", baseline: "v1", rubric: "p", notWorseBy: -1 });
    expect(neg.error?.issues[0].path).toEqual(["notWorseBy"]);
  });

  it("names the gate that refers to an unknown candidate or rubric", () => {
    const gates: Gate[] = [{ type: "mean", candidate: "v2", rubric: "politeness", atLeast: 5 }, { type: "compare", candidate: "v2", baseline: "v0", rubric: "politeness", betterBy: 0 }];
    expect(gateRefProblem(gates, ["v1", "v2"], ["politeness"])).toBe('gates[1]: unknown candidate "v0" (candidates: v1, v2)');
    expect(gateRefProblem(gates, ["v0", "v2"], ["accuracy"])).toBe('gates[0]: unknown rubric "politeness" (rubrics: accuracy)');
    expect(gateRefProblem(gates, ["v0", "v2"], ["politeness"])).toBeNull();
  });
});

describe("small samples: a gate says cannot tell instead of passing", () => {
  it("below the stated minimum number of items, even a threshold far below the interval does not pass", () => {
    const r1 = buildRunResult();
    const c1 = r1.cells[0];
    c1.n = 3;
    const [o] = evaluateGates(r1, [{ type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: -100 }]);
    expect(o.pass).toBe(false);
    expect(o.verdict).toBe("cannot tell");
    expect(o.message).toMatch(/cannot tell, only 3 items/);
    expect(describeOutcome(o)).toMatch(/^CANNOT TELL/);
  });

  it("never passes on an interval of zero width (the label model's estimate treated as certain)", () => {
    const r1 = buildRunResult();
    const c1 = r1.cells[0];
    c1.ci95 = { lo: 4.33, hi: 4.33 };
    const [o] = evaluateGates(r1, [{ type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: 4.3 }]);
    expect(o.pass).toBe(false);
    expect(o.verdict).toBe("cannot tell");
    const p = r1.pairwise[0];
    p.diffCi95 = { lo: 0, hi: 0 };
    const [c] = evaluateGates(r1, [{ type: "compare", candidate: p.a, baseline: p.b, rubric: p.rubric, notWorseBy: 0.5 }]);
    expect(c.pass).toBe(false);
    expect(c.message).toMatch(/zero width/);
  });
});

describe("a gate names its scale", () => {
  it("scale: human decides on the PPI++ estimate and its interval, and says so", () => {
    const r1 = buildRunResult();
    const c1 = r1.cells[0];
    c1.ppi = { estimate: 5.1, ci95: { lo: 4.8, hi: 5.4 }, lambda: 0.6, nGold: 40, classicalCi95: { lo: 4.6, hi: 5.6 }, scale: "human" };
    const [o] = evaluateGates(r1, [{ type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: 4.75, scale: "human" }]);
    expect(o.scale).toBe("human");
    expect(o.estimate).toBe(5.1);
    expect(o.pass).toBe(true);
    expect(o.message).toMatch(/human-scale \(PPI\+\+\) mean/);
  });

  it("scale: human without enough gold cannot tell", () => {
    const r1 = buildRunResult();
    const c1 = r1.cells[0];
    c1.ppi = null;
    const [o] = evaluateGates(r1, [{ type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: -100, scale: "human" }]);
    expect(o.pass).toBe(false);
    expect(o.verdict).toBe("cannot tell");
  });
});

describe("Holm's family-wise correction over a suite's gates", () => {
  it("fails a gate that passes alone but not at its Holm level, and records p and level on every gate", () => {
    const r1 = buildRunResult();
    const c1 = r1.cells[0];
    c1.n = 30;
    c1.mean = 5;
    // t with 29 df: a lower bound just above the threshold passes alone (p ≈ 0.02 < 0.025) ...
    const se = 0.2;
    const q = 2.045229642132703;
    c1.ci95 = { lo: 5 - q * se, hi: 5 + q * se };
    const threshold = 5 - q * se - 0.001;
    const gates: Gate[] = [
      { type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: threshold },
      { type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: threshold, name: "again" },
    ];
    expect(evaluateGates(r1, gates).every((o) => o.pass)).toBe(true);
    // ... but Holm over two gates asks the smaller p for 0.0125.
    const held = evaluateGates(r1, gates, { familywise: "holm" });
    expect(held.every((o) => !o.pass)).toBe(true);
    expect(held[0]!.familywise!.gates).toBe(2);
    expect(held[0]!.familywise!.p).toBeGreaterThan(0.0125);
    expect(held[0]!.message).toMatch(/Holm over 2 gates/);
  });
});

describe("a default gate names the scale of the numbers it reads", () => {
  it("the critics', or a label model's anchored on gold; either way a t interval for Holm", () => {
    const r1 = buildRunResult();
    // helpfulness has no gold (the critics' mean); faithfulness is the gold-clamped mean.
    const c1 = r1.cells.find((c) => c.rubric === "helpfulness")!;
    const other = r1.candidates.find((c) => c !== c1.candidate)!;
    const gates: Gate[] = [
      { type: "mean", candidate: c1.candidate, rubric: c1.rubric, atLeast: 1 },
      { type: "compare", candidate: c1.candidate, baseline: other, rubric: c1.rubric, notWorseBy: 7 },
    ];
    const critic = evaluateGates(r1, gates, { familywise: "holm" });
    expect(critic.map((o) => o.scale)).toEqual(["critic", "critic"]);
    expect(critic[0]!.message).toMatch(/^critic-scale mean score of /);
    expect(critic[1]!.message).toMatch(/^critic-scale paired difference /);
    for (const c of r1.cells) if (c.rubric === c1.rubric) c.scale = "human";
    const human = evaluateGates(r1, gates, { familywise: "holm" });
    expect(human.map((o) => o.scale)).toEqual(["human", "human"]);
    expect(human[0]!.message).toMatch(/^human-scale \(a label model anchored on gold\) mean score of /);
    expect(human[1]!.message).toMatch(/^human-scale \(a label model anchored on gold\) paired difference /);
    // Still t intervals, so Holm reads their p-values back with the t quantile, as on the critic scale.
    expect(human[0]!.familywise!.p).toBeCloseTo(critic[0]!.familywise!.p, 12);
  });
});
