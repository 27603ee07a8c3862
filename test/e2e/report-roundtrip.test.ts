import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

// `critic run` and `critic report RUN` build the result from the same run log, so the report
// rebuilt later is the run's own: same summary.json, same CSVs, with no file but the log read.

const scratch = useScratch();

const REPORT_FILES = ["summary.json", "judgments.csv", "scores.csv", "report.md"];

async function runThenReport(config: Record<string, unknown>, simOpts: Parameters<typeof scratch.sim>[0] = {}) {
  const sim = await scratch.sim({ seed: 12, ...simOpts });
  const cwd = await scratch.workdir("critic-roundtrip-");
  const full = { providers: { openai: { baseURL: sim.openaiBaseURL }, anthropic: { baseURL: sim.anthropicBaseURL } }, ...config };
  await writeFile(join(cwd, "critic.config.json"), JSON.stringify(full));
  const first = await critic(["run", "--out", "first", "--quiet"], { cwd });
  expect(first.stderr).toBe("");
  const run = (await readdir(join(cwd, ".critic/runs")))[0]!;
  // Nothing else may be read: the dataset and the config are gone when the report is rebuilt.
  await writeFile(join(cwd, "critic.config.json"), "{}");
  const calls = sim.stats().total;
  const again = await critic(["report", run, "--out", "again"], { cwd });
  expect(again.stderr).toBe("");
  expect(again.code).toBe(0);
  expect(sim.stats().total).toBe(calls);
  for (const f of REPORT_FILES) expect(await readFile(join(cwd, "again", f), "utf8"), f).toBe(await readFile(join(cwd, "first", f), "utf8"));
  return { cwd, run, code: first.code, summary: JSON.parse(await readFile(join(cwd, "again/summary.json"), "utf8")) };
}

describe("critic report RUN rebuilds the run's own report from its log", () => {
  it("with gates (one failing), failed judgments and a cascade", async () => {
    const { summary, code, cwd, run } = await runThenReport(
      {
        dataset: join(ROOT, "datasets/support-judged.csv"),
        rubrics: ["politeness", "accuracy"],
        critics: [
          { id: "cheap", model: "openai:sim-critic-fast", logprobs: true },
          { id: "expensive", model: "anthropic:sim-critic-strong" },
        ],
        cascade: { critics: ["cheap", "expensive"], threshold: 0.6, audit: 0.2 },
        maxRetries: 0,
        gates: [
          { type: "mean", candidate: "v2", rubric: "politeness", atLeast: 1 },
          { type: "mean", candidate: "v1", rubric: "accuracy", atLeast: 6.9 },
        ],
      },
      { rate500: 0.05 },
    );
    expect(code).toBe(1);
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.cascade.escalated).toBeGreaterThan(0);
    expect(summary.gates.map((g: { pass: boolean }) => g.pass)).toEqual([true, false]);
    // The log holds what the report needs: rubric texts, prices, versions and the end of the run.
    const log = (await readFile(join(cwd, ".critic/runs", run, "journal.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    // `critic run` against a server cannot know it is the simulator (`critic demo` and describeEval's simulate do).
    expect(log[0]).toMatchObject({ type: "run", version: 2, simulated: summary.simulated, versions: { node: process.versions.node } });
    expect(log[0].suite.rubrics[0].levels).toHaveLength(7);
    expect(log[0].suite.prices["sim-critic-fast"]).toBeDefined();
    expect(log.filter((l) => l.type === "end")).toHaveLength(1);
    expect(log.find((l) => l.type === "gates").outcomes).toHaveLength(2);
    // A report directory that exists is never overwritten unless asked.
    const again = await critic(["report", run, "--out", "first"], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/first already exists.*--force/);
    expect((await critic(["report", run, "--out", "first", "--force"], { cwd })).code).toBe(0);
  });

  it("with a sequential comparison that stopped once decided, its other rubric judged too", async () => {
    const cwd0 = await scratch.workdir("critic-pool-");
    const pool = join(cwd0, "pool.jsonl");
    const rows = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `q${i}`, input: `Customer question ${i}: how do I ${["reset", "pair", "clean", "return"][i % 4]} my purifier (case ${i})?` }));
    await writeFile(pool, `${rows.join("\n")}\n`);
    const { summary } = await runThenReport({
      dataset: pool,
      rubrics: ["helpfulness", "politeness"],
      critics: ["openai:sim-critic-strong"],
      candidates: [
        { id: "small", model: "openai:sim-small" },
        { id: "large", model: "openai:sim-large" },
      ],
      compare: { a: "small", b: "large", batchSize: 10 },
      gates: [{ type: "mean", candidate: "large", rubric: "politeness", atLeast: 1 }],
    });
    expect(summary.sequential.decision).toBe("B better");
    expect(summary.sequential.itemsJudged).toBeLessThan(200);
    const politeness = summary.cells.filter((c: { rubric: string }) => c.rubric === "politeness");
    expect(politeness.map((c: { n: number }) => c.n)).toEqual([summary.sequential.itemsJudged, summary.sequential.itemsJudged]);
    expect(summary.gates[0].pass).toBe(true);
    expect(existsSync(pool)).toBe(true);
  });
});
