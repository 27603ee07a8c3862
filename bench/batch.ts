/**
 * Batch path throughput and accounting against the simulator (simulated numbers): 10,000 critic
 * prompts, half per provider, through runBatches with the real SDKs over loopback HTTP.
 */
import type { ModelTarget } from "../src/config/load.js";
import { resolveRubric } from "../src/config/rubric.js";
import { criticMessages } from "../src/critic/prompt.js";
import { batchApi } from "../src/providers/batch/index.js";
import { costUsd, priceFor } from "../src/providers/prices.js";
import pLimit from "p-limit";
import { anthropicProvider } from "../src/providers/anthropic.js";
import { openaiProvider } from "../src/providers/openai.js";
import { startSimServer } from "../src/providers/sim/server.js";
import { type BatchTask, runBatches } from "../src/runner/batch.js";
import type { BenchRow } from "./row.js";

const N = 10_000;

async function liveCost(tasks: BatchTask[], openaiBaseURL: string, anthropicBaseURL: string): Promise<{ usd: number; failed: number }> {
  const providers = {
    openai: openaiProvider({ baseURL: openaiBaseURL, apiKey: "sim", timeoutMs: 60_000 }),
    anthropic: anthropicProvider({ baseURL: anthropicBaseURL, apiKey: "sim", timeoutMs: 60_000 }),
  };
  const limit = pLimit(64);
  let usd = 0;
  let failed = 0;
  await Promise.all(
    tasks.map((t) =>
      limit(async () => {
        try {
          const r = await providers[t.target.provider as keyof typeof providers].complete(t.req);
          usd += costUsd(priceFor(t.req.model), r.inputTokens, r.outputTokens) ?? 0;
        } catch {
          failed++;
        }
      }),
    ),
  );
  return { usd, failed };
}

export async function rows(): Promise<BenchRow[]> {
  const sim = await startSimServer({ seed: 2, perModelLatency: false, batchPolls: 1 });
  try {
    const rubric = await resolveRubric("helpfulness", []);
    const targets: ModelTarget[] = [
      { id: "o", provider: "openai", model: "sim-critic-strong" },
      { id: "a", provider: "anthropic", model: "sim-critic-fast" },
    ];
    const tasks: BatchTask[] = Array.from({ length: N }, (_, i) => {
      const target = targets[i % 2]!;
      const messages = criticMessages(rubric, { input: `Question ${i}: how do I reset my password?`, output: `Open Settings, then Account, then Reset (${i}).` });
      return { key: `k${i}`, target, req: { model: target.model, messages, temperature: 0, maxTokens: 2 } };
    });
    const t0 = performance.now();
    const out = await runBatches(tasks, {
      apis: { openai: batchApi("openai", { baseURL: sim.openaiBaseURL, apiKey: "sim", timeoutMs: 120_000 }), anthropic: batchApi("anthropic", { baseURL: sim.anthropicBaseURL, apiKey: "sim", timeoutMs: 120_000 }) },
      maxPerBatch: 2_500,
      poll: { initialMs: 10, maxMs: 50 },
    });
    const secs = (performance.now() - t0) / 1000;
    let batch = 0;
    let ok = 0;
    for (const t of tasks) {
      const o = out.get(t.key);
      if (!o?.ok) continue;
      ok++;
      batch += o.costUsd ?? 0;
    }
    const st = sim.stats().batch;
    // The same requests sent live, each billed from its own reply's usage: the ratio is 0.5 only
    // if the batch results bill the tokens the live replies do, at half the price.
    const live = await liveCost(tasks, sim.openaiBaseURL, sim.anthropicBaseURL);
    return [
      { area: "batch", metric: `${N.toLocaleString("en")} critic calls via batch APIs (sim, loopback): wall time`, value: `${secs.toFixed(2)} s (${Math.round(N / secs).toLocaleString("en")} req/s)`, target: "< 30 s", ok: secs < 30 },
      { area: "batch", metric: "batches / requests sent / bodies sent twice (sim)", value: `${st.batches} / ${st.requests} / ${st.repeatedBodies}`, target: "4 / 10000 / 0", ok: st.batches === 4 && st.requests === N && st.repeatedBodies === 0 },
      { area: "batch", metric: "replies collected; dollars billed through the batch APIs / the same requests sent live (each side from its own replies' usage)", value: `${ok}; ${(batch / live.usd).toFixed(4)} ($${batch.toFixed(4)} vs $${live.usd.toFixed(4)}, ${live.failed} live failures)`, target: `${N}; 0.500 ± 0.005`, ok: ok === N && live.failed === 0 && Math.abs(batch / live.usd - 0.5) <= 0.005 },
    ];
  } finally {
    await sim.close();
  }
}
