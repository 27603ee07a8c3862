import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { ROOT, critic, tempDir } from "../helpers/cli.js";
import { onlyRun, spawnCritic } from "../helpers/spawn.js";

// `critic run --batch` killed with SIGKILL after its batches are submitted: the restarted
// process reads the batch ids from the journal and collects them; nothing is sent twice.

let sim: SimServer;
let cwd: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  // Each batch takes 2 s to end on the provider's side, so the first process is still waiting when killed.
  sim = await startSimServer({ seed: 12, batchPolls: 2, batchDelayMs: 2000 });
  ({ path: cwd, cleanup } = await tempDir());
});

afterAll(async () => {
  await sim.close();
  await cleanup();
});

describe("batch mode across a process restart", () => {
  it("collects the journaled batches after a SIGKILL instead of resubmitting them", async () => {
    const args = ["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--critic", "anthropic:sim-critic-lenient", "--batch", "--batch-poll-ms", "20"];
    const env = { OPENAI_BASE_URL: sim.openaiBaseURL, ANTHROPIC_BASE_URL: sim.anthropicBaseURL, OPENAI_API_KEY: "sk-test", ANTHROPIC_API_KEY: "sk-ant-test" };
    const first = spawnCritic(args, { cwd, env });
    // Wait until both batches are submitted and journaled, then kill the process outright.
    await new Promise<void>((resolve) => {
      const check = () => (sim.stats().batch.batches >= 2 && sim.stats().batch.polls >= 2 ? resolve() : setTimeout(check, 20));
      check();
    });
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const run = await onlyRun(cwd);
    expect(run).not.toBeNull();
    const journal = await readFile(join(cwd, ".critic/runs", run!, "journal.jsonl"), "utf8");
    expect(journal.split("\n").filter((l) => l.includes('"type":"batch"'))).toHaveLength(2);

    // Restart with --resume: the new process polls and collects the batches the journal names.
    const before = sim.stats().batch;
    const resumed = await critic([...args, "--resume", run!, "--out", "rep", "--quiet"], { cwd, env: { ...env } });
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    const after = sim.stats().batch;
    expect(after.batches - before.batches).toBeLessThanOrEqual(2); // at most re-ask rounds, never the first questions again
    expect(after.repeatedBodies).toBe(0);
    expect(sim.stats().total).toBe(0); // no live calls
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    expect(summary.judgments).toBe(120);
    expect(summary.complete).toBe(true);
    expect(summary.cost.batch).toBe(true);
  });
});
