/**
 * Gates from the CLI: `gates:` in the config, exit 1 listing the failed ones, `--junit FILE`,
 * and the Markdown summary appended to $GITHUB_STEP_SUMMARY.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { ROOT, critic, tempDir } from "../helpers/cli.js";

let sim: SimServer;
let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  sim = await startSimServer({ seed: 11, latencyMs: 0 });
  dir = await tempDir("critic-gates-");
});
afterAll(async () => {
  await sim.close();
  await dir.cleanup();
});

async function config(name: string, gates: unknown[]): Promise<string> {
  const file = join(dir.path, name);
  const cfg = { dataset: join(ROOT, "datasets/support-judged.csv"), rubrics: ["politeness"], critics: ["openai:sim-critic-strong"], providers: { openai: { baseURL: sim.openaiBaseURL } }, gates };
  await writeFile(file, JSON.stringify(cfg));
  return file;
}

describe("critic run with gates", () => {
  it("exits 1 when a gate fails, lists which, writes JUnit XML and appends the step summary", async () => {
    const cfg = await config("fail.json", [
      { type: "mean", candidate: "v1", rubric: "politeness", atLeast: 1 },
      { type: "mean", candidate: "v1", rubric: "politeness", atLeast: 6.9 },
    ]);
    const summary = join(dir.path, "step-summary.md");
    await writeFile(summary, "earlier step\n");
    const r = await critic(["run", "--config", cfg, "--out", "rep1", "--junit", "junit/gates.xml", "--quiet"], { cwd: dir.path, env: { GITHUB_STEP_SUMMARY: summary, OPENAI_API_KEY: "sim-key" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("1 of 2 quality gates failed:");
    expect(r.stdout).toMatch(/ {2}FAIL mean\(v1, politeness\) ≥ 6\.9\n {4}critic-scale mean score of v1 on politeness is \d\.\d\d, 95% CI \[\d\.\d\d, \d\.\d\d\] \(n = 20\); the lower bound \d\.\d\d is below the threshold 6\.9\./);
    expect(r.stdout).not.toContain("FAIL mean(v1, politeness) ≥ 1\n");

    const xml = await readFile(join(dir.path, "junit/gates.xml"), "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toMatch(/<testsuite name="critic gates" tests="2" failures="1" errors="0" skipped="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(r.stdout).toContain(join("junit", "gates.xml"));

    const md = await readFile(summary, "utf8");
    expect(md.startsWith("earlier step\n### critic: run ")).toBe(true);
    expect(md).toContain("#### Quality gates: 1 of 2 gates failed");
    expect(md).toMatch(/\| ❌ \*\*fail\*\* \| mean\(v1, politeness\) ≥ 6\.9 \| \d\.\d\d \| \[\d\.\d\d, \d\.\d\d\] \| lower bound ≥ 6\.90 \| 20 \|/);

    const report = await readFile(join(dir.path, "rep1/report.md"), "utf8");
    expect(report).toContain("## Quality gates: 1 of 2 gates failed");
    const json = JSON.parse(await readFile(join(dir.path, "rep1/summary.json"), "utf8"));
    expect(json.gates.map((g: { pass: boolean }) => g.pass)).toEqual([true, false]);
  });

  it("exits 0 when every gate passes, and the cached rerun costs no calls", async () => {
    const cfg = await config("pass.json", [{ type: "compare", candidate: "v2", baseline: "v1", rubric: "politeness", notWorseBy: 6 }]);
    const r = await critic(["run", "--config", cfg, "--out", "rep2"], { cwd: dir.path, env: { OPENAI_API_KEY: "sim-key" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Quality gates: all 1 gate passed");
    expect(JSON.parse(await readFile(join(dir.path, "rep2/summary.json"), "utf8")).calls).toBe(0);
  });

  it("rejects a gate naming an unknown candidate with exit 2 before anything runs", async () => {
    const cfg = await config("typo.json", [{ type: "mean", candidate: "v9", rubric: "politeness", atLeast: 1 }]);
    const r = await critic(["run", "--config", cfg, "--out", "rep3"], { cwd: dir.path, env: { OPENAI_API_KEY: "sim-key" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gates[0]: unknown candidate "v9" (candidates: v1, v2, v3)');
    expect(existsSync(join(dir.path, "rep3"))).toBe(false);
  });

  it("rejects a gate with two thresholds with exit 2 naming the field", async () => {
    const cfg = await config("both.json", [{ type: "mean", candidate: "v1", rubric: "politeness", atLeast: 1, atMost: 7 }]);
    const r = await critic(["run", "--config", cfg], { cwd: dir.path, env: { OPENAI_API_KEY: "sim-key" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("gates[0]: a mean gate needs exactly one of atLeast or atMost");
  });

  it("CRITIC_REPLAY=1 with an empty cache stops with exit 2 and a clear cache miss", async () => {
    const empty = await tempDir("critic-replay-");
    try {
      const cfg = await config("replay.json", []);
      const r = await critic(["run", "--config", cfg, "--out", "rep4"], { cwd: empty.path, env: { OPENAI_API_KEY: "sim-key", CRITIC_REPLAY: "1" } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("cache miss in replay mode (CRITIC_REPLAY=1): no cached response for openai:sim-critic-strong");
    } finally {
      await empty.cleanup();
    }
  });
});
