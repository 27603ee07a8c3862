import Anthropic from "@anthropic-ai/sdk";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELPFULNESS } from "../helpers/suite.js";
import { criticMessages } from "../../src/critic/prompt.js";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";

const RUBRIC = HELPFULNESS;
const messages = criticMessages(RUBRIC, { input: "How do I reset my password?", output: "Use the reset link on the sign-in page." }, 20_000);

/** The official SDKs against the simulator's strict mode: the bodies OpenAI's reasoning models send, Anthropic's 529, Azure's URLs. */
describe("strict simulator through both SDKs", () => {
  let sim: SimServer;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    sim = await startSimServer({ seed: 5, perModelLatency: false });
    openai = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim", maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: sim.anthropicBaseURL, apiKey: "sim", maxRetries: 0 });
  });
  afterAll(() => sim.close());

  const reject = (body: Record<string, unknown>) =>
    openai.chat.completions.create({ model: "gpt-5-mini", messages, ...body } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming).catch((e: unknown) => e);

  it("a reasoning-model name rejects max_tokens, temperature 0 and logprobs with OpenAI's 400 bodies", async () => {
    const a = (await reject({ max_tokens: 16, temperature: 0 })) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(a).toBeInstanceOf(OpenAI.BadRequestError);
    expect(a.error).toEqual({
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: "invalid_request_error",
      param: "max_tokens",
      code: "unsupported_parameter",
    });
    const b = (await reject({ max_completion_tokens: 16, temperature: 0 })) as InstanceType<typeof OpenAI.BadRequestError>;
    expect([b.status, b.code, b.param, b.message]).toEqual([400, "unsupported_value", "temperature", "400 Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported."]);
    const c = (await reject({ max_completion_tokens: 16, logprobs: true, top_logprobs: 5 })) as InstanceType<typeof OpenAI.BadRequestError>;
    expect([c.code, c.param, c.message]).toEqual(["unsupported_parameter", "logprobs", "400 Unsupported parameter: 'logprobs' is not supported with this model."]);
    const d = (await reject({ max_completion_tokens: 16, reasoning_effort: "extreme" })) as InstanceType<typeof OpenAI.BadRequestError>;
    expect([d.code, d.param]).toEqual(["unsupported_value", "reasoning_effort"]);
  });

  it("hidden reasoning eats the allowance: 16 tokens give an empty reply cut at the limit; room and low effort give the score", async () => {
    const cut = await openai.chat.completions.create({ model: "gpt-5-mini", messages, max_completion_tokens: 16 });
    expect(cut.choices[0]!.message.content).toBe("");
    expect(cut.choices[0]!.finish_reason).toBe("length");
    expect(cut.usage?.completion_tokens).toBe(16);
    expect(cut.usage?.completion_tokens_details?.reasoning_tokens).toBe(16);
    const ok = await openai.chat.completions.create({ model: "gpt-5-mini", messages, max_completion_tokens: 2048, reasoning_effort: "low" });
    expect(ok.choices[0]!.message.content).toMatch(/^[1-7]$/);
    expect(ok.choices[0]!.finish_reason).toBe("stop");
    const reasoning = ok.usage!.completion_tokens_details!.reasoning_tokens!;
    expect(reasoning).toBeGreaterThan(50);
    expect(ok.usage!.completion_tokens).toBe(reasoning + 1);
    expect(ok.choices[0]!.logprobs).toBeNull();
    const high = await openai.chat.completions.create({ model: "gpt-5-mini", messages, max_completion_tokens: 4096, reasoning_effort: "high" });
    expect(high.usage!.completion_tokens_details!.reasoning_tokens!).toBeGreaterThan(reasoning);
  });

  it("a prompt longer than the context window is a 400 context_length_exceeded, on any model", async () => {
    const long = [{ role: "user" as const, content: "word ".repeat(110_000) }];
    const e = (await openai.chat.completions.create({ model: "sim-critic-strong", messages: long, max_tokens: 16 }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect([e.code, e.param, e.type]).toEqual(["context_length_exceeded", "messages", "invalid_request_error"]);
    expect(e.message).toMatch(/^400 This model's maximum context length is 128000 tokens\. However, your messages resulted in \d+ tokens\./);
    const a = (await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 16, messages: long }).catch((x: unknown) => x)) as InstanceType<typeof Anthropic.BadRequestError>;
    expect(a).toBeInstanceOf(Anthropic.BadRequestError);
    expect(a.message).toMatch(/prompt is too long: \d+ tokens > 128000 maximum/);
  });

  it("serves any model name: gpt-4o-mini answers a critic prompt with a score and logprobs", async () => {
    const r = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, max_tokens: 16, temperature: 0, logprobs: true, top_logprobs: 5 });
    expect(r.choices[0]!.message.content).toMatch(/^[1-7]$/);
    expect(r.choices[0]!.logprobs?.content?.[0]?.top_logprobs).toHaveLength(5);
    expect(r.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
  });

  it("anthropic: 529 overloaded_error, and stop_reason max_tokens when the allowance runs out", async () => {
    const busy = await startSimServer({ seed: 5, rateOverloaded: 1 });
    try {
      const client = new Anthropic({ baseURL: busy.anthropicBaseURL, apiKey: "sim", maxRetries: 0 });
      const e = (await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] }).catch((x: unknown) => x)) as InstanceType<typeof Anthropic.APIError>;
      expect(e).toBeInstanceOf(Anthropic.APIError);
      expect(e.status).toBe(529);
      expect(e.error).toMatchObject({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    } finally {
      await busy.close();
    }
    const cut = await anthropic.messages.create({ model: "sim-large", max_tokens: 3, messages: [{ role: "user", content: "Explain how to export notes to PDF." }] });
    expect(cut.stop_reason).toBe("max_tokens");
    expect(cut.usage.output_tokens).toBeLessThanOrEqual(3);
  });

  it("azure: the AzureOpenAI client reaches a deployment by Azure's URL shape, and the deployment is the model", async () => {
    const azure = new AzureOpenAI({ endpoint: sim.url, apiKey: "sim", apiVersion: "2024-10-21", deployment: "support-judge", maxRetries: 0 });
    const r = await azure.chat.completions.create({ model: "", messages, max_tokens: 16, temperature: 0 });
    expect(r.model).toBe("support-judge");
    expect(r.choices[0]!.message.content).toMatch(/^[1-7]$/);
    const raw = await fetch(`${sim.url}/openai/deployments/support-judge/chat/completions`, { method: "POST", body: JSON.stringify({ messages }) });
    expect(raw.status).toBe(404);
  });
});
