import { describe, expect, it } from "vitest";
import { criticMessages } from "../../../src/critic/prompt.js";
import { DEFAULT_SIM_MODELS } from "../../../src/providers/sim/models.js";
import { anthropicMessage, readAnthropicRequest } from "../../../src/providers/sim/wire-anthropic.js";
import { openaiCompletion, readOpenAIRequest } from "../../../src/providers/sim/wire-openai.js";
import { SimWorld, type SimRequest } from "../../../src/providers/sim/world.js";
import { RUBRIC } from "./helpers.js";

const world = new SimWorld({ seed: 1, models: DEFAULT_SIM_MODELS });
const strong = DEFAULT_SIM_MODELS[0]!;

describe("OpenAI request reading", () => {
  it("takes system and developer messages as the system text and reads content parts", () => {
    const r = readOpenAIRequest({
      model: "sim-small",
      messages: [
        { role: "developer", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "hello " }, { type: "text", text: "there" }] },
      ],
      max_completion_tokens: 9,
      logprobs: true,
      top_logprobs: 3,
      n: 2,
    });
    expect(r).toEqual({ model: "sim-small", system: "be brief", turns: [{ role: "user", text: "hello there" }], maxTokens: 9, topLogprobs: 3, n: 2 });
  });

  it("rejects what the real API rejects: no model, no messages, top_logprobs without logprobs", () => {
    expect(typeof readOpenAIRequest({ messages: [{ role: "user", content: "x" }] })).toBe("string");
    expect(typeof readOpenAIRequest({ model: "m", messages: [] })).toBe("string");
    expect(readOpenAIRequest({ model: "m", messages: [{ role: "user", content: "x" }], top_logprobs: 2 })).toMatch(/logprobs/);
  });

  it("answers n > 1 with n choices and one usage", () => {
    const req = readOpenAIRequest({ model: strong.name, messages: criticMessages(RUBRIC, { input: "q", output: "a" }), n: 20 }) as SimRequest;
    const body = openaiCompletion(world.reply(strong, req), strong.name, "id") as { choices: unknown[]; usage: { completion_tokens: number } };
    expect(body.choices).toHaveLength(20);
    expect(body.usage.completion_tokens).toBeGreaterThanOrEqual(20);
  });
});

describe("Anthropic request reading", () => {
  it("reads a system given as text blocks and requires max_tokens", () => {
    const r = readAnthropicRequest({
      model: "sim-small",
      max_tokens: 4,
      system: [{ type: "text", text: "sys" }],
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    });
    expect(r).toEqual({ model: "sim-small", system: "sys", turns: [{ role: "user", text: "hi" }], maxTokens: 4, topLogprobs: null, n: 1 });
    expect(typeof readAnthropicRequest({ model: "m", messages: [{ role: "user", content: "x" }] })).toBe("string");
  });

  it("cuts a long generation at max_tokens and says so in stop_reason", () => {
    const large = DEFAULT_SIM_MODELS.find((m) => m.name === "sim-large")!;
    const req = readAnthropicRequest({ model: large.name, max_tokens: 3, messages: [{ role: "user", content: "Explain tides and the moon." }] }) as SimRequest;
    const msg = anthropicMessage(world.reply(large, req), large.name, "id") as { stop_reason: string; content: { text: string }[] };
    expect(msg.stop_reason).toBe("max_tokens");
    expect(msg.content[0]!.text.length).toBeLessThanOrEqual(12);
  });
});

describe("critic prompt detection", () => {
  it("finds the critic prompt after few-shot turns and treats a later user turn as a re-ask", () => {
    const [system, user] = criticMessages(RUBRIC, { input: "q", output: "a" });
    const plain: SimRequest = { model: strong.name, system: system!.content, turns: [{ role: "user", text: user!.content }], maxTokens: 5, topLogprobs: null, n: 1 };
    const shots: SimRequest = {
      ...plain,
      turns: [{ role: "user", text: "example" }, { role: "assistant", text: "4" }, { role: "user", text: user!.content }],
    };
    expect(world.reply(strong, shots).kind).toBe("critic");
    expect(world.reply(strong, shots).choices[0]!.text).toBe(world.reply(strong, plain).choices[0]!.text);
    expect(world.reply(strong, { ...plain, turns: [{ role: "user", text: "just chatting" }] }).kind).toBe("candidate");
  });
});
