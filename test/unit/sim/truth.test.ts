import { describe, expect, it } from "vitest";
import { generateOutput } from "../../../src/providers/sim/generate.js";
import { DEFAULT_SIM_MODELS } from "../../../src/providers/sim/models.js";
import { fallbackLevel, trueLevel, truthFor } from "../../../src/providers/sim/truth.js";
import { SimWorld } from "../../../src/providers/sim/world.js";
import { inputs } from "./helpers.js";

const byName = (n: string) => DEFAULT_SIM_MODELS.find((m) => m.name === n)!;
const small = byName("sim-small");
const medium = byName("sim-medium");
const large = byName("sim-large");
const items = inputs(400);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("hidden truth", () => {
  it("is a pure function of the seed: same seed same levels, another seed moves some", () => {
    const a = items.map((x) => trueLevel(3, large, x, "accuracy"));
    const b = items.map((x) => trueLevel(3, large, x, "accuracy"));
    const c = items.map((x) => trueLevel(4, large, x, "accuracy"));
    expect(b).toEqual(a);
    expect(c.filter((v, i) => v !== a[i]).length).toBeGreaterThan(40);
    expect(a.every((v) => Number.isInteger(v) && v >= 1 && v <= 7)).toBe(true);
  });

  it("orders the default candidates large > medium > small on accuracy, near their configured means", () => {
    const m = (model: typeof large) => mean(items.map((x) => trueLevel(1, model, x, "accuracy")));
    expect(m(large)).toBeGreaterThan(m(medium) + 0.6);
    expect(m(medium)).toBeGreaterThan(m(small) + 0.6);
    expect(Math.abs(m(large) - 5.7)).toBeLessThan(0.35);
  });

  it("uses the default quality for rubric ids it does not know", () => {
    const custom = mean(items.map((x) => trueLevel(1, small, x, "brand-voice")));
    expect(Math.abs(custom - small.defaultQuality)).toBeLessThan(0.35);
  });

  it("traces a generated output back to the model that wrote it", () => {
    for (const m of [small, medium, large]) {
      for (const x of items.slice(0, 30)) {
        const t = truthFor(1, DEFAULT_SIM_MODELS, { rubric: "helpfulness", input: x, output: generateOutput(1, m, x) });
        expect(t).toEqual({ level: trueLevel(1, m, x, "helpfulness"), model: m.name });
      }
    }
  });

  it("falls back to a hash of (seed, rubric, output) for texts no model wrote, spread around 4.5", () => {
    const foreign = items.map((x) => `A human answer to: ${x}`);
    const levels = foreign.map((o) => truthFor(1, DEFAULT_SIM_MODELS, { rubric: "accuracy", input: null, output: o }));
    expect(levels.every((t) => t.model === null)).toBe(true);
    expect(levels.map((t) => t.level)).toEqual(foreign.map((o) => fallbackLevel(1, "accuracy", o)));
    const m = mean(levels.map((t) => t.level));
    expect(m).toBeGreaterThan(3.8);
    expect(m).toBeLessThan(5.2);
    expect(new Set(levels.map((t) => t.level)).size).toBeGreaterThan(3);
  });

  it("agrees between the server's cached world and the pure function, and remembers outputs whose input is hidden", () => {
    const world = new SimWorld({ seed: 9, models: DEFAULT_SIM_MODELS });
    for (const x of items.slice(0, 50)) {
      const out = generateOutput(9, medium, x);
      expect(world.truthFor({ rubric: "fluency", input: x, output: out })).toEqual(truthFor(9, DEFAULT_SIM_MODELS, { rubric: "fluency", input: x, output: out }));
    }
    const fresh = new SimWorld({ seed: 9, models: DEFAULT_SIM_MODELS });
    const x = items[123]!;
    const out = fresh.generate(large, x);
    expect(fresh.truthFor({ rubric: "safety", input: null, output: out })).toEqual({ level: trueLevel(9, large, x, "safety"), model: "sim-large" });
  });
});

describe("candidate generation", () => {
  it("is deterministic, built from the input's words, and longer for more verbose models", () => {
    const x = "How should a farmer plan irrigation during drought?";
    expect(generateOutput(2, small, x)).toBe(generateOutput(2, small, x));
    expect(generateOutput(2, small, x)).toMatch(/farmer|irrigation|drought|plan/);
    const len = (m: typeof small) => mean(items.map((i) => generateOutput(1, m, i).length));
    expect(len(medium)).toBeGreaterThan(len(large));
    expect(len(large)).toBeGreaterThan(len(small));
  });

  it("never writes the same text for two default models", () => {
    for (const x of items) {
      const outs = DEFAULT_SIM_MODELS.map((m) => generateOutput(1, m, x));
      expect(new Set(outs).size).toBe(outs.length);
    }
  });
});
