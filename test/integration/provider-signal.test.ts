import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { anthropicProvider } from "../../src/providers/anthropic.js";
import { openaiProvider } from "../../src/providers/openai.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

const ask = (i: number) => ({ model: "sim-small", messages: [{ role: "user" as const, content: `Say hello, number ${i}.` }], temperature: 0, maxTokens: 16 });

describe("the run's abort signal, shared by every call", () => {
  it("holds no listener once the calls are done (the SDKs never remove theirs)", async () => {
    const sim = await scratch.sim({ seed: 1 });
    const run = new AbortController();
    for (const p of [openaiProvider({ baseURL: sim.openaiBaseURL, timeoutMs: 5_000 }), anthropicProvider({ baseURL: sim.anthropicBaseURL, timeoutMs: 5_000 })]) {
      const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => p.complete(ask(i), run.signal)));
      expect(replies.every((r) => r.text.length > 0)).toBe(true);
    }
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  });

  it("carries one listener for all the calls in flight, not one per call", async () => {
    const sim = await scratch.sim({ seed: 1, latencyMs: 200 });
    const run = new AbortController();
    const p = openaiProvider({ baseURL: sim.openaiBaseURL, timeoutMs: 5_000 });
    const calls = Promise.all(Array.from({ length: 30 }, (_, i) => p.complete(ask(i), run.signal)));
    await new Promise((r) => setTimeout(r, 100));
    expect(getEventListeners(run.signal, "abort")).toHaveLength(1);
    expect((await calls).length).toBe(30);
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  });

  it("still aborts every call in flight when the run is stopped", async () => {
    const sim = await scratch.sim({ seed: 1, rateTimeout: 1, hangMs: 60_000 });
    const run = new AbortController();
    const p = openaiProvider({ baseURL: sim.openaiBaseURL, timeoutMs: 60_000 });
    const pending = Array.from({ length: 3 }, (_, i) => p.complete(ask(i), run.signal).catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 100));
    run.abort();
    for (const e of await Promise.all(pending)) expect(e).toBeInstanceOf(ProviderError);
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  });
});
