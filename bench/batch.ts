/**
 * Batch path throughput and accounting against the simulator (simulated numbers): 10,000 critic
 * prompts, half per provider, through runBatches with the real SDKs over loopback HTTP.
 */
import type { ModelTarget } from "../src/config/load.js";
import { resolveRubric } from "../src/config/rubric.js";
import { criticMessages } from "../src/critic/prompt.js";
import { batchApi } from "../src/providers/batch/index.js";
import { costUsd, priceFor } from "../src/providers/prices.js";
import { startSimServer } from "../src/providers/sim/server.js";
import { type BatchTask, runBatches } from "../src/runner/batch.js";
import type { BenchRow } from "./row.js";

const N = 10_000;

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
    let live = 0;
    let ok = 0;
    for (const t of tasks) {
      const o = out.get(t.key);
      if (!o?.ok) continue;
      ok++;
      batch += o.costUsd ?? 0;
      live += costUsd(priceFor(t.req.model), o.reply.inputTokens, o.reply.outputTokens) ?? 0;
    }
    const st = sim.stats().batch;
    return [
      { area: "batch", metric: `${N.toLocaleString("en")} critic calls via batch APIs (sim, loopback): wall time`, value: `${secs.toFixed(2)} s (${Math.round(N / secs).toLocaleString("en")} req/s)`, target: "< 30 s", ok: secs < 30 },
      { area: "batch", metric: "batches / requests sent / bodies sent twice (sim)", value: `${st.batches} / ${st.requests} / ${st.repeatedBodies}`, target: "4 / 10000 / 0", ok: st.batches === 4 && st.requests === N && st.repeatedBodies === 0 },
      { area: "batch", metric: "replies collected; cost at batch rate / at live rate", value: `${ok}; ${(batch / live).toFixed(3)}`, target: `${N}; 0.500`, ok: ok === N && Math.abs(batch / live - 0.5) < 1e-9 },
    ];
  } finally {
    await sim.close();
  }
}
