/**
 * `stream: true` on a model candidate, against the simulator's OpenAI-style event stream through
 * the real `openai` client: the same answer as unstreamed, with time to first token and tokens per
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
