import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite } from "../../src/config/load.js";
import type { SuiteConfigInput } from "../../src/config/schema.js";
import type { SimServerOptions } from "../../src/providers/sim/server.js";
import { runSuite } from "../../src/runner/run-suite.js";
import { useScratch } from "../helpers/scratch.js";
import { writeSupportCsv } from "../helpers/suite.js";

// The caps are hard at any concurrency: a call's share is reserved before it is sent, so
// however many calls are in flight, the server never sees more than the cap allows.

const scratch = useScratch();
const ROWS = 200;

async function capped(budget: SuiteConfigInput["budget"], concurrency: number, simOpts: SimServerOptions = {}) {
  const sim = await scratch.sim({ seed: 5, latencyMs: 5, ...simOpts });
  const dir = await scratch.workdir("critic-caps-");
  await writeSupportCsv(dir, ROWS);
  const suite = await loadSuite({}, dir, {}, {
    dataset: join(dir, "data.csv"),
    rubrics: ["helpfulness", "politeness"],
    critics: ["openai:sim-critic-strong", "anthropic:sim-critic-lenient"],
    providers: { openai: { baseURL: sim.openaiBaseURL }, anthropic: { baseURL: sim.anthropicBaseURL } },
    cacheDir: join(dir, ".critic"),
    concurrency,
    maxRetries: 3,
    budget,
  });
  const { result } = await runSuite(suite, { cwd: dir, write: false, noCache: true });
  return { result, stats: sim.stats() };
}

describe("hard caps", () => {
  for (const [cap, concurrency] of [
    [5, 8],
    [5, 64],
    [100, 8],
    [100, 64],
  ] as const) {
    it(`--max-calls ${cap} at concurrency ${concurrency}: the server sees at most ${cap} requests`, async () => {
      const { result, stats } = await capped({ calls: cap }, concurrency);
      expect(stats.total).toBeLessThanOrEqual(cap);
      expect(stats.total).toBeGreaterThan(0);
      expect(result.complete).toBe(false);
      expect(result.stopReason).toBe(`--max-calls ${cap} reached`);
      expect(result.caps?.calls).toBe(stats.total);
      expect(result.caps?.limits.calls).toBe(cap);
    });
  }

  it("retries count against --max-calls", async () => {
    // A quarter of first attempts fail with a 500 and are retried: each retry is a call.
    const { result, stats } = await capped({ calls: 60 }, 64, { rate500: 0.25 });
    expect(stats.byStatus["500"]).toBeGreaterThan(0);
    expect(stats.total).toBeLessThanOrEqual(60);
    expect(result.caps?.calls).toBe(stats.total);
  });

  it("--budget-usd is never exceeded at concurrency 64, and the report says how close it came", async () => {
    const usd = 0.01;
    const { result } = await capped({ usd }, 64);
    expect(result.complete).toBe(false);
    expect(result.stopReason).toBe(`--budget-usd ${usd} reached`);
    expect(result.totals.costUsd!).toBeLessThanOrEqual(usd);
    expect(result.caps!.usd).toBeLessThanOrEqual(usd);
    // The caps count every call billed, also a first ask whose re-ask the cap then refused.
    expect(result.caps!.usd).toBeGreaterThanOrEqual(result.totals.costUsd! - 1e-12);
    // Held shares bound the tokens, so the last calls stop short of the cap, not far from it.
    expect(result.caps!.usd).toBeGreaterThan(usd / 2);
  });

  it("--max-tokens is never exceeded at concurrency 64, counted as the server billed them", async () => {
    const tokens = 20_000;
    const { result, stats } = await capped({ tokens }, 64);
    expect(result.stopReason).toBe(`--max-tokens ${tokens} reached`);
    expect(stats.tokens.prompt + stats.tokens.completion).toBeLessThanOrEqual(tokens);
    expect(result.caps!.tokens).toBe(stats.tokens.prompt + stats.tokens.completion);
    expect(result.caps!.tokens).toBeGreaterThan(tokens / 2);
  });

  it("a run under its caps completes and still reports how much of each it used", async () => {
    const { result, stats } = await capped({ calls: 10_000 }, 16);
    expect(result.complete).toBe(true);
    expect(result.caps).toMatchObject({ limits: { calls: 10_000 }, calls: stats.total });
  });
});
