import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite } from "../../src/config/load.js";
import type { SuiteConfigInput } from "../../src/config/schema.js";
import type { SimServer, SimServerOptions } from "../../src/providers/sim/server.js";
import { type RunSuiteOptions, runSuite } from "../../src/runner/run-suite.js";
import { ROOT } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

// Issue 4 end to end through the library: budgets, sampling, cascades, sequential stopping and
// batch APIs, each against the simulator with the real SDKs over HTTP.

const scratch = useScratch();

/** One test's simulator and working directory; both go when the test ends. */
async function setup(simOpts: SimServerOptions = {}): Promise<{ sim: SimServer; dir: string }> {
  return { sim: await scratch.sim({ seed: 9, ...simOpts }), dir: await scratch.workdir("critic-spend-") };
}

const SUPPORT = join(ROOT, "datasets/support.csv");
const candidates = [
  { id: "small", model: "openai:sim-small" },
  { id: "large", model: "openai:sim-large" },
];

async function run({ sim, dir }: { sim: SimServer; dir: string }, config: Partial<SuiteConfigInput>, opts: Partial<RunSuiteOptions> = {}) {
  const suite = await loadSuite({}, dir, {}, {
    dataset: SUPPORT,
    rubrics: ["helpfulness"],
    critics: ["openai:sim-critic-strong"],
    candidates,
    providers: { openai: { baseURL: sim.openaiBaseURL }, anthropic: { baseURL: sim.anthropicBaseURL } },
    cacheDir: join(dir, ".critic"),
    concurrency: 16,
    ...config,
  });
  return runSuite(suite, { cwd: dir, write: false, ...opts });
}

describe("spending critic calls only where they change a decision", () => {
  it("stops cleanly at --max-calls, keeps what it paid for, and a resume finishes without repeating a call", async () => {
    const env = await setup();
    const first = await run(env, { budget: { calls: 50 } });
    expect(first.result.complete).toBe(false);
    expect(first.result.stopReason).toMatch(/max-calls 50/);
    expect(first.result.totals.calls).toBeLessThanOrEqual(50 + 16);
    const paid = env.sim.stats().total;
    env.sim.reset();
    const second = await run(env, {}, { resume: first.result.run });
    expect(second.result.complete).toBe(true);
    expect(second.result.totals.judgments).toBe(80);
    // Nothing judged in the first run is asked again.
    expect(env.sim.stats().repeatedBodies).toBe(0);
    expect(paid + env.sim.stats().total).toBeLessThanOrEqual(80 + 80 + 16 + 10);
  });

  it("judges a seeded sample stratified by a metadata column", async () => {
    const env = await setup();
    const { result } = await run(env, { sample: 12, stratifyBy: "topic", candidates: undefined, dataset: join(ROOT, "datasets/support-judged.csv") });
    const items = new Set(result.scores.map((s) => s.item));
    expect(items.size).toBe(12);
    expect(result.notes[0]).toMatch(/stratified by topic sample of 12 of 20 items/);
    const again = await run(env, { sample: 12, stratifyBy: "topic", candidates: undefined, dataset: join(ROOT, "datasets/support-judged.csv") });
    expect(new Set(again.result.scores.map((s) => s.item))).toEqual(items);
  });

  it("calls the expensive critic only where the cheap one is unsure, and measures what that gives up on an audit share", async () => {
    const { result } = await run(await setup(), {
      critics: [
        { id: "cheap", model: "openai:sim-critic-fast", logprobs: true },
        { id: "expensive", model: "openai:sim-critic-strong", logprobs: true },
      ],
      cascade: { critics: ["cheap", "expensive"], threshold: 0.5, audit: 0.25 },
    });
    const c = result.cascade!;
    expect(c.units).toBe(80);
    expect(c.expensiveCalls).toBeLessThan(c.units);
    expect(c.expensiveCallsSaved).toBe(c.units - c.expensiveCalls);
    expect(c.usdSaved).toBeGreaterThan(0);
    expect(c.audited).toBeGreaterThan(5);
    expect(c.agreement.n).toBeGreaterThan(0);
    expect(c.agreement.cascadeWithinOne).toBeGreaterThanOrEqual(c.agreement.cheapWithinOne!);
    // Every output still has an estimate: the label model uses the expensive critic where it ran.
    expect(result.cells.every((cell) => cell.n === 40)).toBe(true);
  });

  it("stops a sequential comparison as soon as it is decided, with fewer items than judging them all", async () => {
    // An anytime-valid sequence pays for peeking with width at small t, so the pool has 300 items.
    const env = await setup();
    const rows = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `q${i}`, input: `Customer question ${i}: how do I ${["reset", "pair", "clean", "return", "update"][i % 5]} my purifier (case ${i})?` }));
    await writeFile(join(env.dir, "pool.jsonl"), `${rows.join("\n")}\n`);
    const { result } = await run(env, { dataset: join(env.dir, "pool.jsonl"), compare: { a: "small", b: "large", batchSize: 10 } });
    const s = result.sequential!;
    expect(s.decision).toBe("B better");
    expect(s.itemsJudged).toBeLessThan(s.itemsTotal);
    expect(s.cs.hi).toBeLessThan(0);
    expect(s.calls).toBeLessThan(s.callsExhaustive);
    expect(result.judgments.length).toBe(s.itemsJudged * 2);
  });

  it("sends calls through both batch APIs at half price and collects them after a restart without resubmitting", async () => {
    const config = { critics: ["openai:sim-critic-strong", "anthropic:sim-critic-lenient"], candidates: undefined, dataset: join(ROOT, "datasets/support-judged.csv"), rubrics: ["politeness"] };
    const env = await setup({ batchPolls: 3 });
    const controller = new AbortController();
    let submitted = 0;
    const stopped = await run(env, config, {
      batch: true,
      batchPollMs: 20,
      signal: controller.signal,
      // The "process" dies right after both batches (one per provider) are submitted and journaled.
      onEvent: (e) => {
        if (e.type === "batch" && e.phase === "submitted" && ++submitted === 2) controller.abort();
      },
    });
    expect(stopped.result.complete).toBe(false);
    const resumed = await run(env, config, { batch: true, batchPollMs: 20, resume: stopped.result.run });
    const r = resumed.result;
    expect(r.complete).toBe(true);
    expect(r.totals.judgments).toBe(120);
    expect(r.judgments.filter((j) => j.kind === "score").length).toBeGreaterThan(110);
    const stats = env.sim.stats();
    expect(stats.batch.repeatedBodies).toBe(0);
    // First questions went out once, in batches; only re-asks of unparseable replies may follow.
    expect(stats.batch.requests).toBeGreaterThanOrEqual(120);
    expect(stats.batch.requests).toBeLessThan(130);
    expect(stats.total).toBe(0); // no live call: everything went through the batch endpoints
    // Half the live price: compare with the same calls made live, from a fresh cache.
    const live = await run({ sim: env.sim, dir: await scratch.workdir("critic-live-") }, config);
    const batchCost = r.judgments.reduce((t, j) => t + (j.costUsd ?? 0), 0);
    const liveCost = live.result.judgments.reduce((t, j) => t + (j.costUsd ?? 0), 0);
    expect(batchCost / liveCost).toBeGreaterThan(0.45);
    expect(batchCost / liveCost).toBeLessThan(0.55);
  });
});
