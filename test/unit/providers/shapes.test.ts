import { describe, expect, it } from "vitest";
import { ProviderError } from "../../../src/errors.js";
import { openaiChatBody } from "../../../src/providers/openai.js";
import type { CompletionRequest } from "../../../src/providers/provider.js";
import { type Adaptation, ShapeBook, familyOf, resolveShape, shapeFields, unsupportedParam } from "../../../src/providers/shapes.js";

const http400 = (message: string, fields: { apiCode?: string; param?: string } = {}) => new ProviderError(`openai: HTTP 400: 400 ${message}`, { kind: "http", status: 400, ...fields });

describe("model families", () => {
  it("sorts current names into the family whose request shape they take", () => {
    const fam = (m: string) => familyOf("openai", m).family;
    expect(["gpt-5", "gpt-5-mini", "gpt-5.1", "gpt-5.2-pro", "o1", "o3-mini", "o4-mini-2025-04-16"].map(fam)).toEqual(Array(7).fill("openai-reasoning"));
    expect(["gpt-4o-mini", "gpt-4.1-nano", "gpt-3.5-turbo", "chatgpt-4o-latest"].map(fam)).toEqual(Array(4).fill("openai-classic"));
    expect(fam("gpt-5-chat-latest")).toBe("openai-gpt5-chat");
    // vLLM and LiteLLM names carry an organisation or route prefix.
    expect(fam("openai/gpt-5-mini")).toBe("openai-reasoning");
    expect(fam("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")).toBe("open-reasoning");
    expect(fam("qwen3:8b")).toBe("open-reasoning");
    expect(fam("gpt-oss:20b")).toBe("open-reasoning-effort");
    expect(fam("llama3.1:8b")).toBe("openai-compatible");
    expect(fam("Qwen/Qwen2.5-7B-Instruct")).toBe("openai-compatible");
    expect(familyOf("anthropic", "claude-sonnet-4-5").family).toBe("anthropic");
  });

  it("a reasoning critic gets max_completion_tokens, no temperature, low effort and room to think; overrides win", () => {
    const body = openaiChatBody({ model: "gpt-5-mini", messages: [{ role: "user", content: "x" }], ...shapeFields(resolveShape("openai", "gpt-5-mini", "critic")) });
    expect(body).toEqual({ model: "gpt-5-mini", messages: [{ role: "user", content: "x" }], max_completion_tokens: 2048, reasoning_effort: "low" });
    const classic = openaiChatBody({ model: "llama3.1:8b", messages: [], ...shapeFields(resolveShape("openai", "llama3.1:8b", "critic")) });
    expect(classic).toEqual({ model: "llama3.1:8b", messages: [], max_tokens: 16, temperature: 0 });
    const o = resolveShape("openai", "gpt-5-mini", "critic", { maxTokens: 600, reasoningEffort: "minimal", temperature: 1, extraBody: { verbosity: "low" }, headers: { "x-team": "evals" } });
    expect(openaiChatBody({ model: "gpt-5-mini", messages: [], ...shapeFields(o) })).toEqual({ model: "gpt-5-mini", messages: [], temperature: 1, max_completion_tokens: 600, reasoning_effort: "minimal", verbosity: "low" });
    expect(resolveShape("openai", "gpt-4o", "critic", { reasoningEffort: null, temperature: null }).temperature).toBeNull();
  });
});

describe("adapting to the server's 400s", () => {
  const req: CompletionRequest = { model: "acme", messages: [], temperature: 0, maxTokens: 16, tokenParam: "max_tokens", topLogprobs: 5, reasoningEffort: "low" };

  it("reads the parameter from the body's param and code, or from the message when a gateway drops them", () => {
    expect(unsupportedParam(http400("Unsupported parameter: 'max_tokens' is not supported with this model.", { apiCode: "unsupported_parameter", param: "max_tokens" }))).toBe("max_tokens");
    expect(unsupportedParam(http400("Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.", { apiCode: "invalid_request_body" }))).toBe("temperature");
    expect(unsupportedParam(http400("litellm.UnsupportedParamsError: ollama_chat does not support parameters: ['logprobs'], for model=llama3"))).toBe("logprobs");
    expect(unsupportedParam(http400("This model's maximum context length is 8192 tokens.", { apiCode: "context_length_exceeded", param: "messages" }))).toBeUndefined();
  });

  it("learns each change once per model, applies it to later requests, and starts a resumed run with what was journaled", () => {
    const book = new ShapeBook();
    const a = book.learn("openai", req, http400("Unsupported parameter: 'max_tokens' ...", { apiCode: "unsupported_parameter", param: "max_tokens" }));
    expect(a).toMatchObject({ provider: "openai", model: "acme", change: "max_completion_tokens" });
    // A request built before the lesson: "known", send it again reshaped.
    expect(book.learn("openai", req, http400("Unsupported parameter: 'max_tokens' ...", { apiCode: "unsupported_parameter", param: "max_tokens" }))).toBe("known");
    for (const [param, change] of [["temperature", "drop_temperature"], ["logprobs", "drop_logprobs"], ["reasoning_effort", "drop_reasoning_effort"]]) {
      expect(book.learn("openai", req, http400(`Unsupported value: '${param}' ...`, { apiCode: "unsupported_value", param }))).toMatchObject({ change });
    }
    expect(book.raiseAllowance("openai", "acme", 4096, "empty")).toMatchObject({ change: "allowance", tokens: 4096 });
    expect(book.raiseAllowance("openai", "acme", 4096, "empty")).toBeNull();
    const shaped = book.apply("openai", req);
    expect(shaped).toEqual({ model: "acme", messages: [], temperature: null, maxTokens: 4096, tokenParam: "max_completion_tokens" });
    // Another model, or a parameter critic cannot drop: nothing learned.
    expect(book.apply("openai", { ...req, model: "other" })).toEqual({ ...req, model: "other" });
    expect(book.learn("openai", req, http400("Unsupported parameter: 'messages' ...", { apiCode: "unsupported_parameter", param: "messages" }))).toBeNull();
    const changes: Adaptation["change"][] = ["max_completion_tokens", "drop_temperature", "drop_logprobs", "drop_reasoning_effort"];
    const adaptations: Adaptation[] = changes.map((change) => ({ provider: "openai", model: "acme", change, message: "" }));
    const resumed = new ShapeBook([...adaptations, { provider: "openai", model: "acme", change: "allowance", tokens: 4096, message: "" }]);
    expect(resumed.apply("openai", req)).toEqual(shaped);
  });
});
