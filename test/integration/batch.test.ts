import { beforeAll, describe, expect, it } from "vitest";
import type { ModelTarget } from "../../src/config/load.js";
import { type Rubric, resolveRubric } from "../../src/config/rubric.js";
import { parseScore } from "../../src/critic/parse.js";
import { criticMessages } from "../../src/critic/prompt.js";
import { ProviderError } from "../../src/errors.js";
import { anthropicProvider } from "../../src/providers/anthropic.js";
import { batchApi } from "../../src/providers/batch/index.js";
import { openaiProvider } from "../../src/providers/openai.js";
import { costUsd, priceFor } from "../../src/providers/prices.js";
import type { Provider } from "../../src/providers/provider.js";
import { DEFAULT_SIM_MODELS } from "../../src/providers/sim/models.js";
import type { SimServer, SimServerOptions } from "../../src/providers/sim/server.js";
import { type BatchOutcome, type BatchProgress, type BatchTask, runBatches } from "../../src/runner/batch.js";
import { type BatchRecord, Journal, readJournal } from "../../src/store/journal.js";
import { useScratch } from "../helpers/scratch.js";
import { testHeader } from "../helpers/log.js";

// The real openai and @anthropic-ai/sdk clients, over HTTP on 127.0.0.1, against the simulator's batch endpoints.

const OPENAI: ModelTarget = { id: "strong", provider: "openai", model: "sim-critic-strong" };
const ANTHROPIC: ModelTarget = { id: "fast", provider: "anthropic", model: "sim-critic-fast" };
const FAST_POLL = { initialMs: 5, factor: 1.5, maxMs: 20 };

const scratch = useScratch();
let rubric: Rubric;
beforeAll(async () => {
  rubric = await resolveRubric("helpfulness", []);
});

const start = (opts: SimServerOptions = {}): Promise<SimServer> => scratch.sim({ seed: 11, perModelLatency: false, ...opts });

const clientOpts = (s: SimServer, p: "openai" | "anthropic") => ({ baseURL: p === "openai" ? s.openaiBaseURL : s.anthropicBaseURL, apiKey: "sim", timeoutMs: 10_000 });
const apis = (s: SimServer) => ({ openai: batchApi("openai", clientOpts(s, "openai")), anthropic: batchApi("anthropic", clientOpts(s, "anthropic")) });

/** 20 critic prompts on outputs the simulated candidates wrote, for one critic target. */
function tasks(s: SimServer, target: ModelTarget, n = 20): BatchTask[] {
  const writers = DEFAULT_SIM_MODELS.filter((m) => m.role === "candidate");
  return Array.from({ length: n }, (_, i) => {
    const input = `How do I move my notes to a new phone? (case ${i})`;
    const output = s.world.generate(writers[i % writers.length]!, input);
    const messages = criticMessages(rubric, { input, output });
    const req = { model: target.model, messages, temperature: 0, maxTokens: 2, ...(target.provider === "openai" ? { topLogprobs: 5 } : {}) };
    return { key: `q${i}|${target.id}`, target, req };
  });
}

const replyOf = (o: BatchOutcome | undefined) => {
  if (!o?.ok) throw new Error(`expected a reply, got ${o ? o.error.message : "nothing"}`);
  return o.reply;
};

describe("batch APIs over HTTP with the official SDKs", () => {
  it("both providers round-trip 20 critic prompts with the same scores and tokens as live calls, at half the price", async () => {
    const s = await start({ batchPolls: 2 });
    const all = [...tasks(s, OPENAI), ...tasks(s, ANTHROPIC)];
    const live: Record<string, Provider> = { openai: openaiProvider(clientOpts(s, "openai")), anthropic: anthropicProvider(clientOpts(s, "anthropic")) };
    const liveReplies = await Promise.all(all.map((t) => live[t.target.provider]!.complete(t.req)));
    expect(s.stats().total).toBe(40);

    const records: BatchRecord[] = [];
    const progress: BatchProgress[] = [];
    const out = await runBatches(all, { apis: apis(s), record: (r) => void records.push(r), onProgress: (p) => progress.push(p), poll: FAST_POLL });

    expect(records.map((r) => [r.provider, r.model, r.keys.length])).toEqual([
      ["openai", "sim-critic-strong", 20],
      ["anthropic", "sim-critic-fast", 20],
    ]);
    const scores = all.map((t, i) => {
      const batched = replyOf(out.get(t.key));
      const l = liveReplies[i]!;
      expect([batched.text, batched.inputTokens, batched.outputTokens, batched.firstTokenTop]).toEqual([l.text, l.inputTokens, l.outputTokens, l.firstTokenTop]);
      const full = costUsd(priceFor(t.req.model), l.inputTokens, l.outputTokens)!;
      expect((out.get(t.key) as { costUsd: number }).costUsd).toBeCloseTo(full / 2, 15);
      return parseScore(batched.text);
    });
    expect(scores.filter((p) => p.kind === "score").length).toBeGreaterThanOrEqual(36);
    expect(replyOf(out.get("q0|strong")).firstTokenTop).toHaveLength(5);

    const st = s.stats();
    expect(st.batch).toMatchObject({ batches: 2, requests: 40, repeatedBodies: 0 });
    expect(st.byKind.critic).toBe(80);
    expect(st.total).toBe(40);
    // Polled while in progress (with partial counts), then collected.
    const polled = progress.filter((p) => p.phase === "polled" && p.provider === "openai").map((p) => p.status);
    expect(polled).toEqual(["in_progress", "in_progress", "completed"]);
    expect(progress.filter((p) => p.phase === "collected").map((p) => p.counts?.succeeded)).toEqual([20, 20]);
  });

  it("a new process collects the recorded batches from the journal and resubmits nothing", async () => {
    const s = await start({ batchPolls: 3 });
    const dir = await scratch.workdir("critic-batch-");
    const all = [...tasks(s, OPENAI), ...tasks(s, ANTHROPIC)];
    const journal = await Journal.open(dir, testHeader("r1"));

    // First process: submits, journals the batch ids, and is killed at its first poll.
    const ac = new AbortController();
    const first = runBatches(all, {
      apis: apis(s),
      record: (r) => journal.batch(r),
      onProgress: (p) => p.phase === "polled" && ac.abort(new Error("killed")),
      poll: FAST_POLL,
      signal: ac.signal,
    });
    await expect(first).rejects.toThrow("killed");
    await journal.close();
    expect(s.stats().batch).toMatchObject({ batches: 2, requests: 40 });
    expect(s.stats().byKind.critic).toBe(0);

    // Second process: new SDK clients, the batch ids from the journal.
    const { batches } = await readJournal(dir, "r1");
    expect(batches.map((b) => b.provider)).toEqual(["openai", "anthropic"]);
    const resubmitted: BatchRecord[] = [];
    const phases: string[] = [];
    const out = await runBatches(all, { apis: apis(s), known: batches, record: (r) => void resubmitted.push(r), onProgress: (p) => phases.push(p.phase), poll: FAST_POLL });

    expect(resubmitted).toEqual([]);
    expect(phases.slice(0, 2)).toEqual(["resumed", "resumed"]);
    for (const t of all) expect(parseScore(replyOf(out.get(t.key)).text).kind).toMatch(/score|abstain/);
    const st = s.stats();
    expect(st.batch).toMatchObject({ batches: 2, requests: 40, repeatedBodies: 0 });
    expect(st.byKind.critic).toBe(40);
    expect(st.total).toBe(0);
  });

  it("a resumed run only collects the keys it still needs, and submits the ones no batch holds", async () => {
    const s = await start({ batchPolls: 0 });
    const all = tasks(s, OPENAI, 10);
    const records: BatchRecord[] = [];
    await runBatches(all.slice(0, 6), { apis: apis(s), record: (r) => void records.push(r), poll: FAST_POLL });
    // Keys 0-2 were journaled as judged; 3-5 are held by the recorded batch; 6-9 were never sent.
    const out = await runBatches(all.slice(3), { apis: apis(s), known: records, record: (r) => void records.push(r), poll: FAST_POLL });
    expect([...out.keys()].sort()).toEqual(all.slice(3).map((t) => t.key).sort());
    expect(records.map((r) => r.keys.length)).toEqual([6, 4]);
    expect(s.stats().batch).toMatchObject({ batches: 2, requests: 10, repeatedBodies: 0 });
  });

  it("splits a large group into several batches and keeps each key's reply", async () => {
    const s = await start({ batchPolls: 0 });
    const all = tasks(s, ANTHROPIC, 20);
    const records: BatchRecord[] = [];
    const out = await runBatches(all, { apis: apis(s), record: (r) => void records.push(r), maxPerBatch: 7, poll: FAST_POLL });
    expect(records.map((r) => r.keys.length)).toEqual([7, 7, 6]);
    const live = anthropicProvider(clientOpts(s, "anthropic"));
    for (const t of all.slice(12)) expect(replyOf(out.get(t.key)).text).toBe((await live.complete(t.req)).text);
  });

  it("requests that expired unanswered go into one new batch; the resubmission is recorded", async () => {
    const s = await start({ batchPolls: 0, batchExpireFirst: 1 });
    const all = [...tasks(s, OPENAI, 5), ...tasks(s, ANTHROPIC, 5)];
    const records: BatchRecord[] = [];
    const out = await runBatches(all, { apis: apis(s), record: (r) => void records.push(r), poll: FAST_POLL });
    for (const t of all) expect(out.get(t.key)?.ok).toBe(true);
    expect(records.map((r) => [r.provider, r.keys.length])).toEqual([
      ["openai", 5],
      ["anthropic", 5],
      ["openai", 5],
      ["anthropic", 5],
    ]);
    // Each prompt went out twice on purpose (expired, then answered), and was answered once.
    expect(s.stats().batch).toMatchObject({ batches: 4, requests: 20, repeatedBodies: 10 });
    expect(s.stats().byKind.critic).toBe(10);
  });

  it("with no rounds left, an expired request is an error, not a silent gap", async () => {
    const s = await start({ batchPolls: 0, batchExpireFirst: 1 });
    const all = tasks(s, OPENAI, 3);
    const out = await runBatches(all, { apis: apis(s), resubmitRounds: 0, poll: FAST_POLL });
    for (const t of all) {
      const o = out.get(t.key)!;
      expect(o.ok ? null : o.error.kind).toBe("timeout");
    }
  });

  it("a request the provider refuses becomes a ProviderError with its status, and is not resubmitted", async () => {
    const s = await start({ batchPolls: 0, serveUnknownModels: false });
    const ghostO: ModelTarget = { id: "g1", provider: "openai", model: "no-such-model" };
    const ghostA: ModelTarget = { id: "g2", provider: "anthropic", model: "no-such-model" };
    const all = [...tasks(s, ghostO, 2), ...tasks(s, ghostA, 2), ...tasks(s, OPENAI, 2)];
    const out = await runBatches(all, { apis: apis(s), poll: FAST_POLL });
    for (const t of all) {
      const o = out.get(t.key)!;
      if (t.req.model === "no-such-model") {
        expect(o.ok).toBe(false);
        if (!o.ok) expect([o.error instanceof ProviderError, o.error.status]).toEqual([true, 404]);
      } else expect(o.ok).toBe(true);
    }
    expect(s.stats().batch).toMatchObject({ batches: 3, requests: 6 });
  });
});
