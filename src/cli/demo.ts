import { join } from "node:path";
import { loadSuite } from "../config/load.js";
import { packageRoot } from "../paths.js";
import type { SuiteConfigInput } from "../config/schema.js";
import { startSimServer } from "../providers/sim/server.js";
import { type Command, bool, str } from "./command.js";
import { dryRun } from "./dry-run.js";
import { runAndReport } from "./run.js";


/**
 * The embedded default suite: 40 support requests answered by three simulated candidate
 * models, judged on helpfulness and politeness by two simulated critics, all through the
 * ordinary OpenAI provider over HTTP to the simulator on a free loopback port.
 */
const SYSTEM = "You are a support agent for Nimbus Air, a smart air purifier with a Filter Club filter subscription.";

export function demoConfig(baseURL: string): SuiteConfigInput {
  return {
    name: "demo: support replies (simulated)",
    dataset: join(packageRoot(), "datasets/support.csv"),
    rubrics: ["helpfulness", "politeness"],
    critics: [
      { id: "sim-critic-strong", model: "openai:sim-critic-strong", logprobs: true },
      { id: "sim-critic-fast", model: "openai:sim-critic-fast", logprobs: true },
    ],
    // expectedOutputTokens: how long each simulated model's answers run, so `critic demo --dry-run` can price them.
    candidates: [
      { id: "small", model: "openai:sim-small", prompt: "{{input}}", system: SYSTEM, expectedOutputTokens: 32 },
      { id: "medium", model: "openai:sim-medium", prompt: "{{input}}", system: SYSTEM, expectedOutputTokens: 80 },
      { id: "large", model: "openai:sim-large", prompt: "{{input}}", system: SYSTEM, expectedOutputTokens: 55 },
    ],
    providers: { openai: { baseURL } },
    concurrency: 32,
  };
}

export const demoCommand: Command = {
  name: "demo",
  summary: "run the bundled example suite against the built-in simulator (no key, no network)",
  usage: "[--out DIR] [--no-cache] [--quiet] [--latency-ms N]",
  flags: { out: { type: "string" }, "no-cache": { type: "boolean" }, quiet: { type: "boolean" }, "latency-ms": { type: "string" }, seed: { type: "string" }, "dry-run": { type: "boolean" } },
  flagHelp: { out: "report directory (default reports/<run>)", "no-cache": "do not read or write the response cache", quiet: "no progress display", "latency-ms": "simulated latency per call (default 20)", seed: "simulator seed (default 7)", "dry-run": "print the plan and its estimated dollars; make no call" },
  async run({ values }, io) {
    const latency = Number(str(values, "latency-ms") ?? 20);
    const sim = await startSimServer({ seed: Number(str(values, "seed") ?? 7), latencyMs: latency });
    try {
      io.stdout(`critic demo: simulated critics and candidates at ${sim.url} (no API key, nothing leaves this machine)\n`);
      const suite = await loadSuite({ out: str(values, "out") }, io.cwd, { ...io.env, OPENAI_API_KEY: "sim-key" }, demoConfig(sim.openaiBaseURL));
      if (bool(values, "dry-run")) return await dryRun(io, suite, latency);
      return await runAndReport(io, suite, { noCache: bool(values, "no-cache"), quiet: bool(values, "quiet"), simulated: true });
    } finally {
      await sim.close();
    }
  },
};
