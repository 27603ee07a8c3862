/**
 * An eval as a test file: the bundled support suite against the built-in simulator, with
 * statistical gates. `npm test` runs it; in your own project import from "critic/vitest".
 * Every gate is decided on a 95% interval, so a gate does not flip on noise.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeEval } from "../src/vitest/index.js";

const SYSTEM = "You are a support agent for Larkspur, a note-taking app.";

describeEval(
  "support replies (simulated)",
  {
    suite: {
      dataset: join(import.meta.dirname, "../datasets/support.csv"),
      rubrics: ["helpfulness", "politeness"],
      critics: ["openai:sim-critic-strong", "openai:sim-critic-fast"],
      candidates: [
        { id: "small", model: "openai:sim-small", system: SYSTEM },
        { id: "medium", model: "openai:sim-medium", system: SYSTEM },
        { id: "large", model: "openai:sim-large", system: SYSTEM },
      ],
      concurrency: 32,
    },
    simulate: true,
  },
  (ctx) => {
    // Absolute bars: the lower 95% bound of the mean must clear them. Set bars with room to
    // spare: a gate that sits on the edge of its interval fails on the next change of estimator.
    ctx.gate.mean("large", "politeness").atLeast(4.5);
    ctx.gate.mean("medium", "helpfulness").atLeast(4.25);
    // The bigger model is clearly better at helping (superiority by a full level)...
    ctx.gate.compare("large", "small", "helpfulness").betterBy(1);
    // ...but the medium one is good enough on politeness: not worse than large by 0.75 of a level.
    ctx.gate.compare("medium", "large", "politeness").notWorseBy(0.75);

    // Matchers for ad-hoc checks on the same run.
    it("ranks the candidates by size on helpfulness", () => {
      expect(ctx.result).toBeBetterThan("medium", "small", "helpfulness");
      expect(ctx.result).toBeBetterThan("large", "small", "helpfulness", 1);
      expect(ctx.result).not.toScoreAtLeast("small", "helpfulness", 5);
    });
  },
);
