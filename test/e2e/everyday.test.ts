import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { writeSupportCsv } from "../helpers/suite.js";

// Everyday situations a user meets: a busy port, a run started with flags only and resumed
// with nothing but its id.

const scratch = useScratch();

describe("everyday use", () => {
  it("`critic sim-server` on a busy port exits 2 with a plain message, not 'a bug'", async () => {
    const sim = await scratch.sim({ seed: 1 });
    const cwd = await scratch.workdir();
    const r = await critic(["sim-server", "--port", String(sim.port)], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`port ${sim.port} is already in use; give another --port`));
    expect(r.stderr).not.toMatch(/bug|internal error|at /);
  });

  it("`critic run --resume RUN` alone resumes a run started with flags only, from its log", async () => {
    const sim = await scratch.sim({ seed: 3 });
    const cwd = await scratch.workdir();
    await writeSupportCsv(cwd, 30);
    const first = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--max-calls", "10", "--out", "rep"], { cwd });
    expect(first.code).toBe(0);
    const run = /Continue with: critic run --resume (\S+)/.exec(first.stdout)?.[1];
    expect(run).toBeDefined();
    // No flag but the run id: the suite, the dataset path, the server and the report directory come from the log.
    const resumed = await critic(["run", "--resume", run!], { cwd });
    expect(resumed.stderr).not.toMatch(/critic run:/);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    expect(summary.run).toBe(run);
    expect(summary.complete).toBe(true);
    expect(summary.judgments).toBe(30);
  });
});
