import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELPFULNESS } from "../helpers/suite.js";
import { levelDistribution } from "../../src/critic/logprobs.js";
import { parseScore } from "../../src/critic/parse.js";
import { criticMessages } from "../../src/critic/prompt.js";
import { DEFAULT_SIM_MODELS } from "../../src/providers/sim/models.js";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { generateOutput } from "../../src/providers/sim/generate.js";
import { trueLevel } from "../../src/providers/sim/truth.js";

const RUBRIC = HELPFULNESS;
const INPUT = "How do I export my notes to PDF?";
const large = DEFAULT_SIM_MODELS.find((m) => m.name === "sim-large")!;

/** The real SDKs over real HTTP to the simulator: no mocked fetch. */
describe("simulator wire compatibility with the official SDKs", () => {
  let sim: SimServer;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    sim = await startSimServer({ seed: 4, perModelLatency: false, serveUnknownModels: false });
    openai = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim", maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: sim.anthropicBaseURL, apiKey: "sim", maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it("openai: a candidate generation and a critic rating with logprobs round-trip, with usage", async () => {
    const gen = await openai.chat.completions.create({ model: "sim-large", messages: [{ role: "user", content: INPUT }] });
    const output = gen.choices[0]!.message.content!;
    expect(output).toBe(generateOutput(4, large, INPUT));
    expect(gen.choices[0]!.finish_reason).toBe("stop");
    expect(gen.usage!.completion_tokens).toBeGreaterThan(5);

    const res = await openai.chat.completions.create({
      model: "sim-critic-strong",
      messages: criticMessages(RUBRIC, { input: INPUT, output }),
      max_tokens: 2,
      logprobs: true,
      top_logprobs: 5,
    });
    expect(res.object).toBe("chat.completion");
    expect(res.usage!.prompt_tokens).toBeGreaterThan(50);
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    expect(res._request_id).toMatch(/^chatcmpl-sim-/);
    const text = res.choices[0]!.message.content!;
    const score = parseScore(text);
    expect(score.kind).toBe("score");
    const truth = trueLevel(4, large, INPUT, RUBRIC.id);
    if (score.kind === "score") expect(Math.abs(score.level - truth)).toBeLessThanOrEqual(2);
    const first = res.choices[0]!.logprobs!.content![0]!;
    expect(first.token).toBe(text);
    expect(first.top_logprobs).toHaveLength(5);
    expect(first.top_logprobs[0]!.token).toBe(text);
    expect(levelDistribution(first.top_logprobs)!.validMass).toBeGreaterThan(0.9);
  });

  it("anthropic: messages.create round-trips a critic rating, with usage and request id", async () => {
    const [system, user] = criticMessages(RUBRIC, { input: INPUT, output: "Open File, then Export, then PDF." });
    const msg = await anthropic.messages.create({
      model: "sim-critic-strong",
      max_tokens: 4,
      system: system!.content,
      messages: [{ role: "user", content: user!.content }],
    });
    expect(msg.type).toBe("message");
    expect(msg.role).toBe("assistant");
    expect(msg.stop_reason).toBe("end_turn");
    const block = msg.content[0]!;
    expect(block.type).toBe("text");
    if (block.type === "text") expect(parseScore(block.text).kind).toBe("score");
    expect(msg.usage.input_tokens).toBeGreaterThan(50);
    expect(msg.usage.output_tokens).toBeGreaterThanOrEqual(1);
    expect(msg._request_id).toMatch(/^msg_sim-/);
  });

  it("openai and anthropic: an unknown model is a 404 NotFoundError", async () => {
    const a = await openai.chat.completions.create({ model: "gpt-nope", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(a).toBeInstanceOf(OpenAI.NotFoundError);
    expect(a.status).toBe(404);
    expect(a.code).toBe("model_not_found");
    const b = await anthropic.messages.create({ model: "claude-nope", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(b).toBeInstanceOf(Anthropic.NotFoundError);
    expect(b.status).toBe(404);
    expect(b.type).toBe("not_found_error");
  });
});

describe("simulated faults as the SDKs see them", () => {
  it("a 429 carries retry-after; the SDK error exposes status, headers and request id", async () => {
    const sim = await startSimServer({ failFirstAttempts: { count: 1, kind: "429" }, retryAfterMs: 1200 });
    try {
      const openai = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim", maxRetries: 0 });
      const e = await openai.chat.completions.create({ model: "sim-small", messages: [{ role: "user", content: "hello" }] }).catch((x) => x);
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.status).toBe(429);
      expect(e.headers.get("retry-after")).toBe("2");
      expect(e.headers.get("retry-after-ms")).toBe("1200");
      expect(e.requestID).toMatch(/^chatcmpl-sim-/);
      const anthropic = new Anthropic({ baseURL: sim.anthropicBaseURL, apiKey: "sim", maxRetries: 0 });
      const f = await anthropic.messages.create({ model: "sim-small", max_tokens: 50, messages: [{ role: "user", content: "hello" }] }).catch((x) => x);
      expect(f).toBeInstanceOf(Anthropic.RateLimitError);
      expect(f.headers.get("retry-after-ms")).toBe("1200");
      expect(f.requestID).toMatch(/^msg_sim-/);
    } finally {
      await sim.close();
    }
  });

  it("with default retries the SDKs honour retry-after-ms and succeed on the second attempt", async () => {
    const sim = await startSimServer({ failFirstAttempts: { count: 1, kind: "429" }, retryAfterMs: 50 });
    try {
      const openai = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim" });
      const r = await openai.chat.completions.create({ model: "sim-medium", messages: [{ role: "user", content: "hello there" }] });
      expect(r.choices[0]!.message.content).toBeTruthy();
      const anthropic = new Anthropic({ baseURL: sim.anthropicBaseURL, apiKey: "sim" });
      const m = await anthropic.messages.create({ model: "sim-medium", max_tokens: 200, messages: [{ role: "user", content: "hello there" }] });
      expect(m.content[0]!.type).toBe("text");
      const s = sim.stats();
      expect(s.byStatus).toEqual({ "200": 2, "429": 2 });
      expect(s.repeatedBodies).toBe(2);
    } finally {
      await sim.close();
    }
  });

  it("a 500 is an InternalServerError; a truncated body, a reset and a hang make the SDK throw", async () => {
    const sim = await startSimServer({ failFirstAttempts: { count: 1, kind: "500" } });
    const openai = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim", maxRetries: 0 });
    try {
      expect(await openai.chat.completions.create({ model: "sim-small", messages: [{ role: "user", content: "x" }] }).catch((e) => e)).toBeInstanceOf(
        OpenAI.InternalServerError,
      );
    } finally {
      await sim.close();
    }
    for (const kind of ["truncated", "reset", "timeout"] as const) {
      const s = await startSimServer({ failFirstAttempts: { count: 1, kind }, hangMs: 30_000 });
      try {
        const oa = new OpenAI({ baseURL: s.openaiBaseURL, apiKey: "sim", maxRetries: 0, timeout: 300 });
        const e = await oa.chat.completions.create({ model: "sim-small", messages: [{ role: "user", content: "x" }] }).catch((x) => x);
        expect(e).toBeInstanceOf(Error);
        if (kind === "truncated") expect(e).toBeInstanceOf(SyntaxError);
        if (kind === "timeout") expect(e).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
        if (kind === "reset") expect(e).toBeInstanceOf(OpenAI.APIConnectionError);
        const an = new Anthropic({ baseURL: s.anthropicBaseURL, apiKey: "sim", maxRetries: 0, timeout: 300 });
        const f = await an.messages.create({ model: "sim-small", max_tokens: 50, messages: [{ role: "user", content: "x" }] }).catch((x) => x);
        expect(f).toBeInstanceOf(Error);
      } finally {
        await s.close();
      }
    }
  });

  it("a garbage fault is a well-formed 200 whose text is not a score", async () => {
    const sim = await startSimServer({ failFirstAttempts: { count: 1, kind: "garbage" } });
    try {
      const openai = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim", maxRetries: 0 });
      const r = await openai.chat.completions.create({ model: "sim-critic-strong", messages: criticMessages(RUBRIC, { input: INPUT, output: "ok" }) });
      expect(parseScore(r.choices[0]!.message.content!).kind).toBe("abstain");
    } finally {
      await sim.close();
    }
  });
});
