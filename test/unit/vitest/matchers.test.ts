import { describe, expect, it } from "vitest";
import "../../../src/vitest/index.js";
import { buildRunResult } from "../../fixtures/run-result.js";

const r = buildRunResult();
const lo = r.cells.find((c) => c.candidate === "prompt-v2" && c.rubric === "helpfulness")!.ci95!.lo;

describe("critic matchers", () => {
  it("toScoreAtLeast decides on the lower 95% bound and explains a failure", () => {
    expect(r).toScoreAtLeast("prompt-v2", "helpfulness", lo - 0.01);
    expect(r).not.toScoreAtLeast("prompt-v2", "helpfulness", lo + 0.01);
    expect(() => expect(r).toScoreAtLeast("prompt-v2", "helpfulness", lo + 0.01)).toThrow(/mean score of prompt-v2 on helpfulness is .*the lower bound .* is below the threshold/);
    expect(() => expect(r).not.toScoreAtLeast("prompt-v2", "helpfulness", lo - 0.01)).toThrow(/expected the gate to fail, but it passed/);
  });

  it("accepts anything that carries a result, and rejects what does not", () => {
    expect({ result: r }).toScoreAtMost("llama-3.1-8b", "helpfulness", 7);
    expect(() => expect({ cells: [] }).toScoreAtLeast("a", "b", 1)).toThrow(/expected a critic RunResult/);
  });

  it("toBeNotWorseThan and toBeBetterThan compare on the paired difference", () => {
    expect(r).toBeBetterThan("prompt-v2", "llama-3.1-8b", "helpfulness");
    expect(r).not.toBeBetterThan("llama-3.1-8b", "prompt-v2", "helpfulness");
    expect(r).toBeNotWorseThan("prompt-v2", "llama-3.1-8b", "helpfulness", 0);
    expect(() => expect(r).toBeNotWorseThan("llama-3.1-8b", "prompt-v2", "helpfulness", 0.1)).toThrow(/llama-3\.1-8b may be worse than prompt-v2 by 0\.1 or more/);
  });
});
