/**
 * `stream: true` on a model candidate, against the simulator's OpenAI and Anthropic event streams through
 * the real SDK clients: the same answer as unstreamed, with time to first token and tokens per
 * second recorded per output and summarised per candidate.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { loadSuite } from "../../src/config/load.js";
import { runSuite } from "../../src/runner/run-suite.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

it("a streamed model candidate answers as an unstreamed one, with its first token before its last", async () => {
  // Latency before the first byte, so the first token is measurably earlier than the last.
  const sim = await scratch.sim({ seed: 8, latencyMs: 30 });
  const dir = await scratch.workdir("critic-streamed-");
  const suite = await loadSuite({}, dir, {}, {
    dataset: join(import.meta.dirname, "../../datasets/support.csv"),
    sample: 6,
    rubrics: ["helpfulness"],
    critics: ["openai:sim-critic-strong"],
    candidates: [
      { id: "streamed", model: "openai:sim-medium", stream: true },
      { id: "plain", model: "openai:sim-medium" },
    ],
    providers: { openai: { baseURL: sim.openaiBaseURL } },
    cacheDir: join(dir, ".critic"),
  });
  const { result } = await runSuite(suite, { cwd: dir, write: false, noCache: true });
  const streamed = result.generations.filter((g) => g.candidate === "streamed");
  expect(streamed).toHaveLength(6);
  for (const g of streamed) {
    const plain = result.generations.find((x) => x.candidate === "plain" && x.item === g.item)!;
    expect(g.output).toBe(plain.output);
    expect(g.outputTokens).toBe(plain.outputTokens);
    expect(g.firstTokenMs).toBeGreaterThanOrEqual(25);
    expect(g.firstTokenMs!).toBeLessThan(g.latencyMs!);
    expect(g.tokensPerSecond).toBeGreaterThan(0);
    expect(plain.firstTokenMs).toBeUndefined();
  }
  const usage = result.usage.find((u) => u.id === "streamed")!;
  expect(usage.firstTokenMs?.p50).toBeGreaterThan(0);
  expect(usage.firstTokenMs!.p99!).toBeGreaterThanOrEqual(usage.firstTokenMs!.p50!);
  expect(result.usage.find((u) => u.id === "plain")!.firstTokenMs).toBeUndefined();
});

it("a streamed Anthropic candidate reads the Messages event stream through the real SDK", async () => {
  const sim = await scratch.sim({ seed: 8, latencyMs: 30 });
  const dir = await scratch.workdir("critic-streamed-");
  const suite = await loadSuite({}, dir, {}, {
    dataset: join(import.meta.dirname, "../../datasets/support.csv"),
    sample: 4,
    rubrics: ["helpfulness"],
    critics: ["openai:sim-critic-strong"],
    candidates: [
      { id: "streamed", model: "anthropic:sim-medium", stream: true },
      { id: "plain", model: "anthropic:sim-medium" },
    ],
    providers: { openai: { baseURL: sim.openaiBaseURL }, anthropic: { baseURL: sim.anthropicBaseURL } },
    cacheDir: join(dir, ".critic"),
  });
  const { result } = await runSuite(suite, { cwd: dir, write: false, noCache: true });
  const streamed = result.generations.filter((g) => g.candidate === "streamed");
  expect(streamed).toHaveLength(4);
  for (const g of streamed) {
    const plain = result.generations.find((x) => x.candidate === "plain" && x.item === g.item)!;
    expect(g.output).toBe(plain.output);
    expect(g.output.length).toBeGreaterThan(0);
    expect(g.inputTokens).toBe(plain.inputTokens);
    expect(g.outputTokens).toBe(plain.outputTokens);
    expect(g.firstTokenMs).toBeGreaterThanOrEqual(25);
    expect(g.firstTokenMs!).toBeLessThan(g.latencyMs!);
    expect(g.tokensPerSecond).toBeGreaterThan(0);
  }
  expect(result.usage.find((u) => u.id === "streamed")!.firstTokenMs?.p50).toBeGreaterThan(0);
});

it("the simulator streams Anthropic's named events in the documented order", async () => {
  const sim = await scratch.sim({ seed: 8 });
  const res = await fetch(`${sim.anthropicBaseURL}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sim", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "sim-medium", max_tokens: 512, stream: true, messages: [{ role: "user", content: "How do I reset my password?" }] }),
  });
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const frames = (await res.text()).split("\n\n").filter(Boolean);
  const events = frames.map((f) => {
    const [eventLine, dataLine] = f.split("\n");
    const name = eventLine!.replace(/^event: /, "");
    const data = JSON.parse(dataLine!.replace(/^data: /, "")) as { type: string; delta?: { text?: string; stop_reason?: string }; usage?: { output_tokens: number }; message?: { content: unknown[]; usage: { input_tokens: number } } };
    expect(data.type).toBe(name);
    return data;
  });
  const names = events.map((e) => e.type);
  expect(names.slice(0, 3)).toEqual(["message_start", "content_block_start", "ping"]);
  expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
  expect(new Set(names.slice(3, -3))).toEqual(new Set(["content_block_delta"]));
  expect(events[0]!.message!.content).toEqual([]);
  expect(events[0]!.message!.usage.input_tokens).toBeGreaterThan(0);
  const delta = events.at(-2)!;
  expect(delta.delta!.stop_reason).toBe("end_turn");
  expect(delta.usage!.output_tokens).toBeGreaterThan(1);
  expect(events.slice(3, -3).map((e) => e.delta!.text).join("").length).toBeGreaterThan(0);
});

it("an Azure OpenAI candidate asking to stream is still a configuration error naming the field", async () => {
  const dir = await scratch.workdir("critic-streamed-");
  await expect(
    loadSuite({}, dir, {}, {
      dataset: join(import.meta.dirname, "../../datasets/support.csv"),
      rubrics: ["helpfulness"],
      critics: ["openai:sim-critic-strong"],
      candidates: [{ id: "az", model: "gateway:gpt-4o-mini", stream: true }],
      providers: { gateway: { type: "azure-openai", baseURL: "http://127.0.0.1:9", apiVersion: "2024-10-21" } },
      cacheDir: join(dir, ".critic"),
    }),
  ).rejects.toThrow(/stream: true is supported for OpenAI-compatible and Anthropic candidates only/);
});
