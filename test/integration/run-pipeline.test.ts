import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite } from "../../src/config/load.js";
import type { SuiteConfigInput } from "../../src/config/schema.js";
import type { SimServer, SimServerOptions } from "../../src/providers/sim/server.js";
import { DEFAULT_SIM_MODELS, simModel } from "../../src/providers/sim/models.js";
import { runSuite } from "../../src/runner/run-suite.js";
import { useScratch } from "../helpers/scratch.js";
import { writeSupportCsv } from "../helpers/suite.js";

// The real openai and @anthropic-ai/sdk clients, over HTTP on 127.0.0.1, against the simulator.

const scratch = useScratch();

/** One test's simulator and working directory with 12 support answers; both go when the test ends. */
async function setup(simOpts: SimServerOptions = {}): Promise<{ sim: SimServer; dir: string }> {
  const sim = await scratch.sim({ seed: 5, ...simOpts });
  const dir = await scratch.workdir("critic-it-");
  await writeSupportCsv(dir, 12);
  return { sim, dir };
}

async function run({ sim, dir }: { sim: SimServer; dir: string }, config: Partial<SuiteConfigInput>, opts: { noCache?: boolean } = {}) {
  const suite = await loadSuite({}, dir, {}, {
    dataset: join(dir, "data.csv"),
    rubrics: ["helpfulness"],
    critics: ["openai:sim-critic-strong"],
    providers: { openai: { baseURL: sim.openaiBaseURL }, anthropic: { baseURL: sim.anthropicBaseURL } },
    cacheDir: join(dir, ".critic"),
    concurrency: 8,
    ...config,
  });
  return runSuite(suite, { cwd: dir, noCache: opts.noCache ?? true, write: false });
}

describe("critic run against the simulator with the real SDKs", () => {
  it("round-trips scores through both the OpenAI and the Anthropic clients", async () => {
    const env = await setup();
    const { result } = await run(env, { critics: ["openai:sim-critic-strong", "anthropic:sim-critic-lenient"] });
    expect(result.totals.judgments).toBe(24);
    const scored = result.judgments.filter((j) => j.kind === "score");
    expect(scored.length).toBeGreaterThanOrEqual(22);
    for (const j of scored) expect(j.level).toBeGreaterThanOrEqual(1);
    expect(new Set(result.judgments.map((j) => j.critic))).toEqual(new Set(["openai:sim-critic-strong", "anthropic:sim-critic-lenient"]));
    expect(result.judgments.every((j) => (j.inputTokens ?? 0) > 0)).toBe(true);
    expect(env.sim.stats().byModel["sim-critic-lenient"]).toBeGreaterThanOrEqual(12);
    expect(result.cells.map((c) => c.candidate).sort()).toEqual(["v1", "v2"]);
    expect(result.cells.every((c) => c.mean !== null && c.method !== "single critic")).toBe(true);
  });

  it("retries a 429 after its retry-after and ends with every judgment exactly once", async () => {
    const env = await setup({ failFirstAttempts: { count: 1, kind: "429" }, retryAfterMs: 30 });
    const { result } = await run(env, {});
    expect(result.totals.judgments).toBe(12);
    expect(result.totals.failed).toBe(0);
    const keys = result.judgments.map((j) => `${j.item}/${j.candidate}`);
    expect(new Set(keys).size).toBe(12);
    expect(result.judgments.every((j) => j.attempts >= 2)).toBe(true);
    const stats = env.sim.stats();
    expect(stats.byStatus["429"]).toBeGreaterThanOrEqual(12);
    expect(stats.byKind.critic).toBeGreaterThanOrEqual(12);
  });

  it("counts an unparseable reply as an abstention after one re-ask, never a made-up score", async () => {
    const mumbler = simModel({ name: "sim-mumbler", role: "critic", accuracy: 0.9, unparseableRate: 1 });
    const env = await setup({ models: [...DEFAULT_SIM_MODELS, mumbler], reaskUnparseableRate: 1 });
    const { result } = await run(env, { critics: ["openai:sim-mumbler"] });
    expect(result.totals.abstentions).toBe(12);
    expect(result.judgments.every((j) => j.kind === "abstain" && j.level === null && j.reason === "parse_failure")).toBe(true);
    // One question and one re-ask per judgment.
    expect(env.sim.stats().total).toBe(24);
    expect(result.cells.every((c) => c.mean === null && c.abstentions === 6)).toBe(true);
  });

  it("makes zero HTTP calls when an unchanged suite is rerun from the cache", async () => {
    const env = await setup();
    const first = await run(env, {}, { noCache: false });
    expect(first.result.totals.cacheHits).toBe(0);
    env.sim.reset();
    const second = await run(env, {}, { noCache: false });
    expect(env.sim.stats().total).toBe(0);
    expect(second.result.totals.cacheHits).toBe(12);
    expect(second.result.totals.costUsd).toBe(0);
    expect(second.result.judgments.map((j) => j.level).sort()).toEqual(first.result.judgments.map((j) => j.level).sort());
  });

  it("records the probability-weighted score when the critic returns logprobs", async () => {
    const { result } = await run(await setup(), { critics: [{ model: "openai:sim-critic-strong", logprobs: true }] });
    const scored = result.judgments.filter((j) => j.kind === "score");
    expect(scored.length).toBeGreaterThan(0);
    for (const j of scored) {
      expect(j.expected).not.toBeNull();
      expect(Math.abs(j.expected! - j.level!)).toBeLessThan(1);
    }
  });
});
