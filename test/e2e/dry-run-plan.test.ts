import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

// --dry-run plans what the run will do: a cascade's escalations, a sequential stop and re-asks
// give an expected figure and a range, and the run then stays inside that range.

const scratch = useScratch();

describe("critic run --dry-run", () => {
  it("plans a cascade and a sequential comparison with a range the run stays in, and can print the prompts", async () => {
    const sim = await scratch.sim({ seed: 21 });
    const cwd = await scratch.workdir("critic-plan-");
    const rows = Array.from({ length: 120 }, (_, i) => JSON.stringify({ id: `q${i}`, input: `Customer question ${i}: how do I ${["reset", "pair", "clean"][i % 3]} my purifier?` }));
    await writeFile(join(cwd, "pool.jsonl"), `${rows.join("\n")}\n`);
    const config = {
      dataset: "pool.jsonl",
      rubrics: ["helpfulness", "politeness"],
      critics: [{ id: "cheap", model: "openai:sim-critic-fast", logprobs: true }, "openai:sim-critic-strong"],
      candidates: [
        { id: "small", model: "openai:sim-small", expectedOutputTokens: 60 },
        { id: "large", model: "openai:sim-large", expectedOutputTokens: 120 },
      ],
      cascade: { critics: ["cheap", "openai:sim-critic-strong"], threshold: 0.6, audit: 0.1 },
      compare: { a: "small", b: "large", batchSize: 10 },
      providers: { openai: { baseURL: sim.openaiBaseURL } },
    };
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify(config));
    const plan = await critic(["run", "--dry-run"], { cwd });
    expect(plan.code).toBe(0);
    const m = /Planned: (\d+) calls, \$[\d.]+ \(range (\d+)-(\d+) calls/.exec(plan.stdout);
    expect(m, plan.stdout).not.toBeNull();
    const [expected, lo, hi] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(lo).toBeLessThan(expected);
    expect(expected).toBeLessThan(hi);
    expect(plan.stdout).toMatch(/cascade escalates 30%/);
    expect(plan.stdout).toMatch(/first batch of 10 items/);
    expect(sim.stats().total).toBe(0);

    const shown = await critic(["run", "--dry-run", "--show-prompts"], { cwd });
    expect(shown.stdout).toMatch(/--- cheap: helpfulness of item q0, candidate small\n\[system\]/);
    expect(shown.stdout).toContain("Customer question 0: how do I reset my purifier?");
    expect(sim.stats().total).toBe(0);

    const run = await critic(["run", "--out", "rep", "--quiet"], { cwd });
    expect(run.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    expect(summary.calls).toBeGreaterThanOrEqual(lo);
    expect(summary.calls).toBeLessThanOrEqual(hi);
  });

  it("is a configuration error (exit 2) when a threshold cascade's cheap critic has no logprobs", async () => {
    const cwd = await scratch.workdir("critic-plan-");
    const config = {
      dataset: join(ROOT, "datasets/support-judged.csv"),
      rubrics: ["helpfulness"],
      critics: [{ model: "openai:sim-critic-fast", logprobs: false }, "openai:sim-critic-strong"],
      cascade: { critics: ["openai:sim-critic-fast", "openai:sim-critic-strong"], threshold: 0.6 },
      providers: { openai: { baseURL: "http://127.0.0.1:9/v1" } },
    };
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify(config));
    for (const args of [["run", "--dry-run"], ["run"]]) {
      const r = await critic(args, { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/critic\.config\.json.*cascade.*threshold needs the cheap critic's logprobs.*band/);
    }
  });

  it("is a configuration error (exit 2) when a comparison names a candidate the dataset does not have, before any call", async () => {
    const cwd = await scratch.workdir("critic-plan-");
    const args = ["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--base-url", "http://127.0.0.1:9/v1", "--compare", "v1,v9", "--until-decided", "--dry-run"];
    const r = await critic(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--compare: unknown candidate "v9" \(candidates are v1, v2, v3\)/);
  });

  it("prices --batch at the batch price, and refuses it, as the run does, for a provider without a batch API", async () => {
    const cwd = await scratch.workdir("critic-plan-");
    const base = ["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:gpt-4o-mini", "--base-url", "http://127.0.0.1:9/v1", "--dry-run"];
    const dollars = (out: string) => Number(/Planned: \d+ calls, \$([\d.]+)/.exec(out)?.[1]);
    const [plain, batched] = await Promise.all([critic(base, { cwd }), critic([...base, "--batch"], { cwd })]);
    expect(batched.code).toBe(0);
    // Half, up to the printed rounding.
    expect(Math.abs(dollars(batched.stdout) - dollars(plain.stdout) / 2)).toBeLessThanOrEqual(0.0001);
    expect(batched.stdout).toMatch(/--batch: every call at the batch price \(50% of the list price\)/);
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify({ dataset: join(ROOT, "datasets/support-judged.csv"), rubrics: ["politeness"], critics: ["local:qwen2.5-7b-instruct"], providers: { local: { type: "openai", baseURL: "http://127.0.0.1:9/v1" } } }));
    const named = await critic(["run", "--dry-run", "--batch"], { cwd });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/--batch sends calls through the openai and anthropic providers' batch APIs; local:qwen2.5-7b-instruct uses provider "local"/);
  });
});
