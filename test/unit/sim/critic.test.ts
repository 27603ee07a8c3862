import { describe, expect, it } from "vitest";
import { levelDistribution } from "../../../src/critic/logprobs.js";
import { parseScore } from "../../../src/critic/parse.js";
import { REASK } from "../../../src/critic/prompt.js";
import { DEFAULT_SIM_MODELS, simModel, type SimModel } from "../../../src/providers/sim/models.js";
import { SimWorld } from "../../../src/providers/sim/world.js";
import { criticRequest, inputs } from "./helpers.js";

const N = 2000;
const items = inputs(N / 4);
const candidates = DEFAULT_SIM_MODELS.filter((m) => m.role === "candidate");

/** N (truth, reply) pairs from critic `c`, rating outputs of the default candidates plus free texts. */
function judge(c: SimModel, seed = 5) {
  const world = new SimWorld({ seed, models: [...DEFAULT_SIM_MODELS, c] });
  const rows: { truth: number; reply: string; chars: number }[] = [];
  for (const x of items) {
    const outs = [...candidates.map((m) => world.generate(m, x)), `Answer to ${x}: ${"detail ".repeat(x.length % 40)}`];
    for (const out of outs) {
      const req = criticRequest(c.name, x, out);
      const truth = world.truthFor({ rubric: "accuracy", input: x, output: out }).level;
      rows.push({ truth, reply: world.reply(c, req).choices[0]!.text, chars: out.length });
    }
  }
  return rows;
}

const scored = (rows: ReturnType<typeof judge>) =>
  rows.flatMap((r) => {
    const p = parseScore(r.reply);
    return p.kind === "score" ? [{ ...r, level: p.level }] : [];
  });

/** 4 standard errors of a proportion. */
const tol = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

describe("simulated critic statistics (seeded, ~2,000 prompts each)", () => {
  it("hits its configured accuracy on truths away from the scale ends", () => {
    const c = simModel({ name: "acc-70", role: "critic", accuracy: 0.7 });
    const mid = scored(judge(c)).filter((r) => r.truth >= 3 && r.truth <= 5);
    expect(mid.length).toBeGreaterThan(800);
    const acc = mid.filter((r) => r.level === r.truth).length / mid.length;
    expect(Math.abs(acc - 0.7)).toBeLessThan(tol(0.7, mid.length));
    // misses are mostly one level off
    const off2 = mid.filter((r) => Math.abs(r.level - r.truth) === 2).length / mid.length;
    expect(off2).toBeLessThan(0.1);
    expect(mid.every((r) => Math.abs(r.level - r.truth) <= 2)).toBe(true);
  });

  it("the default strong critic is right about 85% of the time", () => {
    const strong = DEFAULT_SIM_MODELS.find((m) => m.name === "sim-critic-strong")!;
    const mid = scored(judge(strong)).filter((r) => r.truth >= 2 && r.truth <= 6);
    const acc = mid.filter((r) => r.level === r.truth).length / mid.length;
    expect(Math.abs(acc - 0.85)).toBeLessThan(tol(0.85, mid.length));
  });

  it("shifts by its leniency on average, fractional shifts included", () => {
    const c = simModel({ name: "lenient-05", role: "critic", accuracy: 0.8, leniency: 0.5 });
    const mid = scored(judge(c)).filter((r) => r.truth >= 3 && r.truth <= 4);
    const bias = mid.reduce((a, r) => a + r.level - r.truth, 0) / mid.length;
    expect(Math.abs(bias - 0.5)).toBeLessThan(0.1);
  });

  it("rates longer outputs higher by its length bias", () => {
    const c = simModel({ name: "long-lover", role: "critic", accuracy: 1, lengthBias: 2 });
    const mid = scored(judge(c)).filter((r) => r.truth >= 2 && r.truth <= 4 && r.chars < 1000);
    const predicted = mid.reduce((a, r) => a + (2 * r.chars) / 1000, 0) / mid.length;
    const bias = mid.reduce((a, r) => a + r.level - r.truth, 0) / mid.length;
    expect(predicted).toBeGreaterThan(0.3);
    expect(Math.abs(bias - predicted)).toBeLessThan(0.08);
  });

  it("is unparseable at its configured rate, and answers a re-ask with the score it would have given", () => {
    const c = simModel({ name: "mumbler", role: "critic", accuracy: 0.9, unparseableRate: 0.1 });
    const rows = judge(c);
    const bad = rows.filter((r) => parseScore(r.reply).kind === "abstain").length / rows.length;
    expect(Math.abs(bad - 0.1)).toBeLessThan(tol(0.1, rows.length));

    const world = new SimWorld({ seed: 5, models: [c] });
    let reasked = 0;
    for (const x of items.slice(0, 200)) {
      const req = criticRequest(c.name, x, `Plain answer about ${x}`);
      const first = world.reply(c, req).choices[0]!.text;
      if (parseScore(first).kind === "score") continue;
      reasked++;
      const again = { ...req, turns: [...req.turns, { role: "assistant" as const, text: first }, { role: "user" as const, text: REASK }] };
      expect(parseScore(world.reply(c, again).choices[0]!.text).kind).toBe("score");
    }
    expect(reasked).toBeGreaterThan(5);
  });

  it("stays unparseable after a re-ask when the world says so", () => {
    const c = simModel({ name: "stubborn", role: "critic", unparseableRate: 1 });
    const world = new SimWorld({ seed: 5, models: [c], reaskUnparseableRate: 1 });
    const req = criticRequest(c.name, "q", "a");
    const again = { ...req, turns: [...req.turns, { role: "assistant" as const, text: "?" }, { role: "user" as const, text: REASK }] };
    expect(parseScore(world.reply(c, again).choices[0]!.text).kind).toBe("abstain");
  });
});

describe("simulated critic replies", () => {
  const strong = DEFAULT_SIM_MODELS.find((m) => m.name === "sim-critic-strong")!;

  it("are the same for the same (seed, model, prompt) and vary with the seed", () => {
    const a = new SimWorld({ seed: 1, models: DEFAULT_SIM_MODELS });
    const b = new SimWorld({ seed: 1, models: DEFAULT_SIM_MODELS });
    const reqs = items.slice(0, 100).map((x) => criticRequest(strong.name, x, `Some answer: ${x}`));
    const ra = reqs.map((r) => a.reply(strong, r).choices[0]!.text);
    expect(reqs.map((r) => b.reply(strong, r).choices[0]!.text)).toEqual(ra);
    const c = new SimWorld({ seed: 2, models: DEFAULT_SIM_MODELS });
    expect(reqs.map((r) => c.reply(strong, r).choices[0]!.text)).not.toEqual(ra);
  });

  it("carry top logprobs whose most probable digit is the reply and whose expectation leans toward it", () => {
    const world = new SimWorld({ seed: 1, models: DEFAULT_SIM_MODELS });
    for (const x of items.slice(0, 100)) {
      const choice = world.reply(strong, criticRequest(strong.name, x, `Some answer: ${x}`, undefined, 5)).choices[0]!;
      if (parseScore(choice.text).kind !== "score") continue; // the 1% unparseable replies carry word logprobs
      const lp = choice.logprobs![0]!;
      expect(lp.token).toBe(choice.text);
      expect(lp.top).toHaveLength(5);
      expect(lp.top[0]!.token).toBe(choice.text);
      expect(lp.top[0]!.logprob).toBeCloseTo(lp.logprob, 10);
      const d = levelDistribution(lp.top)!;
      expect(Math.abs(d.expected - Number(choice.text))).toBeLessThan(1);
      expect(d.validMass).toBeGreaterThan(0.9);
    }
  });
});

describe("billed tokens", () => {
  it("count a token per 4 characters by default, or by the rule the world is given (a bench bills by a tokenizer-like one)", () => {
    const c = DEFAULT_SIM_MODELS[0]!;
    const req = criticRequest(c.name, "How do I reset it?", "Hold the button for five seconds.");
    const chars = req.system.length + req.turns.reduce((t, x) => t + x.text.length, 0);
    const overhead = 3 * (req.turns.length + (req.system ? 1 : 0));
    const plain = new SimWorld({ seed: 1, models: DEFAULT_SIM_MODELS }).reply(c, req);
    expect(plain.promptTokens).toBe(Math.ceil(chars / 4) + overhead);
    const words = (t: string) => (t.match(/\S+/g) ?? []).length;
    const billed = new SimWorld({ seed: 1, models: DEFAULT_SIM_MODELS, countTokens: words }).reply(c, req);
    expect(billed.promptTokens).toBe(words(req.system + req.turns.map((t) => t.text).join("")) + overhead);
    expect(billed.completionTokens).toBe(1);
  });
});
