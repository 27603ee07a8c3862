import { expect, it } from "vitest";
import { evaluateGates } from "../../../src/gates/evaluate.js";
import { applySequential } from "../../../src/runner/sequential.js";
import { buildRunResult } from "../../fixtures/run-result.js";

it("after a sequential comparison the pair's difference, its interval and a gate on it are the confidence sequence's", () => {
  const r = buildRunResult();
  const p = r.pairwise[0]!;
  p.labelModelSe = { se: 0.3, rounds: 50 };
  const seq = {
    a: p.b,
    b: p.a,
    rubric: p.rubric,
    decision: "undecided" as const,
    confidence: 0.95,
    delta: 0.25,
    estimate: 0.4,
    cs: { lo: -0.36, hi: 1.18 },
    itemsJudged: 40,
    itemsTotal: 40,
    calls: 160,
    callsExhaustive: 160,
  };
  applySequential(r, seq);
  // Stored as a − b = −(seq.a − seq.b).
  expect(p.meanDiff).toBeCloseTo(-0.4, 12);
  expect(p.diffCi95).toEqual({ lo: -1.18, hi: 0.36 });
  expect(p.interval).toBe("confidence-sequence");
  // The sequence does not rest on the label model, so its bootstrap no longer describes the interval.
  expect(p.labelModelSe).toBeUndefined();
  const [o] = evaluateGates(r, [{ type: "compare", candidate: seq.a, baseline: seq.b, rubric: seq.rubric, notWorseBy: 0.3 }]);
  expect(o!.interval).toEqual(seq.cs);
  expect(o!.pass).toBe(false);
  expect(r.notes.at(-1)).toMatch(/anytime-valid confidence sequence/);
});
