import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();


describe("the critic CLI, run as a user runs it", () => {
  it("prints its version", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = await critic(["--version"], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("`critic demo` judges the bundled suite with simulated critics and writes every report", async () => {
    const cwd = await scratch.workdir();
    const r = await critic(["demo", "--out", "out"], { cwd });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/simulated/i);
    for (const f of ["report.md", "judgments.csv", "scores.csv", "summary.json", "report.html"]) {
      expect(existsSync(join(cwd, "out", f)), f).toBe(true);
      expect(r.stdout).toContain(join("out", f));
    }
    const summary = JSON.parse(await readFile(join(cwd, "out/summary.json"), "utf8"));
    // 3 candidates x 40 items x 2 rubrics x 2 critics
    expect(summary.judgments).toBe(480);
    expect(summary.failed).toBe(0);
    expect(summary.simulated).toBe(true);
    for (const k of ["run", "calls", "cacheHits", "abstentions", "costUsd"]) expect(summary).toHaveProperty(k);
    for (const k of ["p50", "p95", "p99", "max"]) expect(typeof summary.latencyMs[k]).toBe("number");
    expect(summary.cells).toHaveLength(6);
    for (const cell of summary.cells) {
      expect(cell.mean).toBeGreaterThanOrEqual(1);
      expect(cell.ci95.lo).toBeLessThanOrEqual(cell.mean);
      expect(cell.ci95.hi).toBeGreaterThanOrEqual(cell.mean);
    }
    const md = await readFile(join(cwd, "out/report.md"), "utf8");
    expect(md).toMatch(/simulated/i);
    const judgmentsCsv = (await readFile(join(cwd, "out/judgments.csv"), "utf8")).trim().split("\n");
    expect(judgmentsCsv.length).toBe(481);

    // The journal and the cache live under .critic/ in the working directory; a rerun is free.
    expect(existsSync(join(cwd, ".critic/runs", summary.run, "journal.jsonl"))).toBe(true);
    const again = await critic(["demo", "--out", "out2", "--quiet"], { cwd });
    expect(again.code).toBe(0);
    const summary2 = JSON.parse(await readFile(join(cwd, "out2/summary.json"), "utf8"));
    expect(summary2.cacheHits).toBe(480);
    expect(summary2.calls).toBe(0);
    expect(summary2.costUsd).toBe(0);
  });

  it("`critic run` judges a dataset against an OpenAI-compatible server given by --base-url", async () => {
    const sim = await scratch.sim({ seed: 11 });
    const cwd = await scratch.workdir();
    const r = await critic(
      ["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"],
      { cwd },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    expect(summary.judgments).toBe(60);
    expect(sim.stats().byKind.critic).toBeGreaterThanOrEqual(60);
    const scores = (await readFile(join(cwd, "rep/scores.csv"), "utf8")).trim().split("\n");
    expect(scores).toHaveLength(61);
  });

  it("rejects a dataset that does not exist with exit 2, a message naming it, and no report directory", async () => {
    const cwd = await scratch.workdir();
    const r = await critic(["run", "--dataset", "nope.csv", "--rubric", "politeness", "--critic", "openai:gpt-4o-mini", "--base-url", "http://127.0.0.1:9/v1", "--out", "rep"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nope.csv");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(cwd, "rep"))).toBe(false);
  });

  it("names the missing API key instead of calling the API without one", async () => {
    const cwd = await scratch.workdir();
    await writeFile(join(cwd, "d.csv"), "id,input,output\n1,hi,hello\n");
    const r = await critic(["run", "--dataset", "d.csv", "--rubric", "politeness", "--critic", "anthropic:claude-3-5-haiku-latest"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ANTHROPIC_API_KEY");
    expect(await readdir(cwd)).toEqual(["d.csv"]);
  });
});

describe("critic run --dry-run", () => {
  it("prices the demo within 10% of what the demo run then reports, and makes no call", async () => {
    const cwd = await scratch.workdir();
    const plan = await critic(["demo", "--dry-run"], { cwd });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/nothing was called/i);
    const planned = Number(/Planned: \d+ calls, \$([\d.]+)/.exec(plan.stdout)?.[1]);
    expect(existsSync(join(cwd, ".critic/cache"))).toBe(false);
    const r = await critic(["demo", "--out", "out", "--quiet"], { cwd });
    expect(r.code).toBe(0);
    const spent = JSON.parse(await readFile(join(cwd, "out/summary.json"), "utf8")).costUsd as number;
    expect(Math.abs(planned - spent) / spent).toBeLessThanOrEqual(0.1);
  });
});
