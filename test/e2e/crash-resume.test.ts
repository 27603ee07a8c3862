import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/stats/rng.js";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { journaledJudgments, spawnCritic, waitForJudgments } from "../helpers/spawn.js";
import { writeSupportCsv } from "../helpers/suite.js";

const scratch = useScratch();

const CONCURRENCY = 4;

async function setup(rows: number, latencyMs: number, faults: { rateTimeout?: number; hangMs?: number } = {}) {
  const sim = await scratch.sim({ seed: 31, latencyMs, ...faults });
  const work = await scratch.workdir("critic-crash-");
  await writeSupportCsv(work, rows);
  const args = ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--concurrency", String(CONCURRENCY), "--out", "rep", "--quiet"];
  return { cwd: work, args, sim };
}

describe("a run that is killed or interrupted", () => {
  it("resumes after SIGKILL at a random moment without losing a judgment or paying for one twice", async () => {
    const ROWS = 60;
    const { cwd, args, sim } = await setup(ROWS, 40);
    const killAt = 5 + createRng("crash-resume").int(40);
    const first = spawnCritic(args, { cwd });
    const run = await waitForJudgments(cwd, killAt, first);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const before = await journaledJudgments(cwd, run);
    expect(before.length).toBeGreaterThanOrEqual(killAt);
    expect(before.length).toBeLessThan(ROWS);
    // A kill in the middle of a write leaves half a line; the resume must take it in its stride.
    await appendFile(join(cwd, ".critic/runs", run, "journal.jsonl"), '{"type":"judgment","key":"[\\"q9');

    const resumed = await critic([...args, "--resume", run], { cwd });
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    expect(summary.run).toBe(run);
    expect(summary.complete).toBe(true);
    expect(summary.judgments).toBe(ROWS);
    expect(summary.failed).toBe(0);

    // No completed judgment lost: each one journaled before the kill is in the report, unchanged.
    const rows = parse(await readFile(join(cwd, "rep/judgments.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const byKey = new Map(rows.map((r) => [JSON.stringify([r.item, r.candidate, r.rubric, r.critic]), r]));
    expect(byKey.size).toBe(ROWS);
    for (const j of before) expect(byKey.get(j.key)?.level).toBe(String(j.level ?? ""));

    // None paid twice: beyond one request per distinct prompt, only the calls in flight at the kill.
    const stats = sim.stats();
    const distinct = Object.keys(stats.byBody).length;
    const reasks = distinct - ROWS;
    const extra = stats.total - distinct;
    console.log(`crash-resume: killed after ${before.length}/${ROWS} journaled; ${stats.total} requests over both processes for ${ROWS} judgments (+${reasks} re-asks); ${extra} paid twice (bound: concurrency ${CONCURRENCY})`);
    expect(stats.total).toBeLessThanOrEqual(ROWS + CONCURRENCY + reasks);
    expect(extra).toBeLessThanOrEqual(CONCURRENCY);
  });

  it("stops on Ctrl-C: abandons hung calls, flushes the journal, writes a report marked incomplete, exits 130, and resumes", async () => {
    const ROWS = 120;
    // Some calls hang far longer than the test's guard: Ctrl-C must abandon them, not wait.
    const { cwd, args } = await setup(ROWS, 60, { rateTimeout: 0.1, hangMs: 300_000 });
    const first = spawnCritic(args, { cwd });
    const run = await waitForJudgments(cwd, 6, first);
    first.child.kill("SIGINT");
    const out = await first.exited;
    expect(out.stderr).not.toMatch(/internal error/);
    expect(out.code).toBe(130);
    expect(out.stdout).toContain(`--resume ${run}`);

    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    expect(summary.complete).toBe(false);
    expect(summary.stopReason).toBe("interrupted");
    expect(summary.judgments).toBeLessThan(ROWS);
    // Every judgment the report counts is on disk in the journal, and nothing more.
    const journaled = await journaledJudgments(cwd, run);
    expect(journaled).toHaveLength(summary.judgments);
    expect(await readFile(join(cwd, "rep/report.md"), "utf8")).toMatch(/Incomplete run.*interrupted/);
    expect(await readFile(join(cwd, "rep/report.html"), "utf8")).toContain('class="badge incomplete"');

    // A short timeout, so a call that hangs again is retried instead of waited for.
    const resumed = await critic([...args, "--resume", run, "--timeout-ms", "500"], { cwd });
    expect(resumed.code).toBe(0);
    const done = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    expect(done.complete).toBe(true);
    expect(done.judgments).toBe(ROWS);
  });
});
