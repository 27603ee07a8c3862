import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { DEFAULT_SIM_MODELS, simModel } from "../../src/providers/sim/models.js";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { onlyRun } from "../helpers/spawn.js";
import { writeSupportCsv } from "../helpers/suite.js";

interface JournalLine {
  type: string;
  critic?: string;
  kind?: string;
  level?: number | null;
  reasoningTokens?: number;
  change?: string;
  raw?: string;
}

async function journal(cwd: string, run: string): Promise<JournalLine[]> {
  const text = await readFile(join(cwd, ".critic/runs", run, "journal.jsonl"), "utf8");
  return text.trim().split("\n").map((l) => JSON.parse(l) as JournalLine);
}

const summary = async (dir: string) => JSON.parse(await readFile(join(dir, "summary.json"), "utf8")) as { judgments: number; failed: number };

describe("current models and real endpoints, end to end", () => {
  const scratch = useScratch();

  it("a reasoning-model critic beside a classic one completes with scores, its reasoning tokens recorded, and no 400 on the way", async () => {
    const sim = await scratch.sim({ seed: 3 });
    const cwd = await scratch.workdir();
    await writeSupportCsv(cwd, 8);
    const r = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:gpt-5-mini", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await summary(join(cwd, "rep"))).toMatchObject({ judgments: 16, failed: 0 });
    const lines = (await journal(cwd, (await onlyRun(cwd))!)).filter((l) => l.type === "judgment");
    const reasoning = lines.filter((l) => l.critic === "openai:gpt-5-mini");
    expect(reasoning).toHaveLength(8);
    for (const j of reasoning) {
      expect(j.kind).toBe("score");
      expect(j.reasoningTokens).toBeGreaterThan(0);
    }
    expect(lines.filter((l) => l.critic === "openai:sim-critic-strong" && l.kind === "score")).toHaveLength(8);
    expect(sim.stats().byStatus["400"]).toBeUndefined();
    const usedTokens = reasoning.reduce((t, j) => t + (j.reasoningTokens ?? 0), 0);
    expect(await readFile(join(cwd, "rep/report.md"), "utf8")).toMatch(new RegExp(`## Reasoning tokens[\\s\\S]*\\| openai:gpt-5-mini \\| critic \\| ${usedTokens.toLocaleString("en-US")} \\|`));
    // judgments.csv has them per call too: the reasoning model's, and none for the classic one.
    const rows = parse(await readFile(join(cwd, "rep/judgments.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const csvTokens = (critic: string) => rows.filter((r) => r.critic === critic).reduce((t, r) => t + Number(r.reasoning_tokens || 0), 0);
    expect(csvTokens("openai:gpt-5-mini")).toBe(usedTokens);
    expect(csvTokens("openai:sim-critic-strong")).toBe(0);
  });

  it("a model critic does not know adapts once to the server's 400s, says so, journals it, and a resumed run does not rediscover it", async () => {
    const sim = await scratch.sim({ seed: 3, models: [...DEFAULT_SIM_MODELS, simModel({ name: "acme-reasoner", role: "critic", accuracy: 0.8, strict: true, reasoningTokens: 300 })] });
    const cwd = await scratch.workdir();
    await writeSupportCsv(cwd, 8);
    const args = ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:acme-reasoner", "--logprobs", "--base-url", sim.openaiBaseURL, "--concurrency", "1"];
    const first = await critic([...args, "--max-calls", "7", "--out", "rep1"], { cwd });
    expect(first.code).toBe(0);
    const screen = first.stdout + first.stderr;
    for (const said of ["sends max_completion_tokens instead of max_tokens", "no longer sends a temperature", "no longer asks for logprobs", "gives it 4096 tokens to answer"]) {
      expect(screen.split(said).length - 1).toBe(1);
    }
    const run = (await onlyRun(cwd))!;
    const learned = (await journal(cwd, run)).filter((l) => l.type === "adaptation").map((l) => l.change);
    expect(learned).toEqual(["max_completion_tokens", "drop_temperature", "drop_logprobs", "allowance"]);
    expect(sim.stats().byStatus["400"]).toBe(3);

    sim.reset();
    const resumed = await critic([...args, "--resume", run, "--out", "rep2", "--quiet"], { cwd });
    expect(resumed.code).toBe(0);
    expect(sim.stats().byStatus["400"]).toBeUndefined();
    expect(await summary(join(cwd, "rep2"))).toMatchObject({ judgments: 8, failed: 0 });
    // Markdown escapes the underscores of parameter names.
    const report = (await readFile(join(cwd, "rep2/report.md"), "utf8")).replaceAll("\\_", "_");
    expect(report).toContain("sends max_completion_tokens instead of max_tokens for the rest of the run");
    expect(report).toContain("its probability-weighted score is unavailable");
  });

  it("a dataset with one row the server rejects completes: that row failed with the server's message, every other row scored", async () => {
    // A local model with a 2,048-token window, as small servers are often started.
    const sim = await scratch.sim({ seed: 3, models: [...DEFAULT_SIM_MODELS, simModel({ name: "local-2k", role: "critic", accuracy: 0.8, contextTokens: 2048 })] });
    const cwd = await scratch.workdir();
    const file = await writeSupportCsv(cwd, 6);
    // About 3,000 tokens of output: more than that window, less than the 20,000 characters critic truncates at.
    await writeFile(file, `${await readFile(file, "utf8")}huge,How do I reset my password?,"${"Open Settings and read on. ".repeat(450)}",v1\n`);
    const r = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:local-2k", "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"], { cwd });
    expect(r.code).toBe(0);
    expect(await summary(join(cwd, "rep"))).toMatchObject({ judgments: 7, failed: 1 });
    const lines = (await journal(cwd, (await onlyRun(cwd))!)).filter((l) => l.type === "judgment");
    expect(lines.filter((l) => l.kind === "score")).toHaveLength(6);
    expect(lines.find((l) => l.kind === "failed")?.raw).toMatch(/maximum context length is 2048 tokens/);
    const report = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(report).toMatch(/\| huge \|.*maximum context length/);
  });

  it("the same rejection on every one of the first calls stops the run with exit 2, naming the run to resume, its journal intact", async () => {
    const sim = await scratch.sim({ seed: 3, models: [...DEFAULT_SIM_MODELS, simModel({ name: "tiny-context", role: "critic", contextTokens: 40 })] });
    const cwd = await scratch.workdir();
    await writeSupportCsv(cwd, 60);
    const r = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:tiny-context", "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/openai:tiny-context: the first 5 calls were all rejected the same way.*maximum context length/);
    const run = (await onlyRun(cwd))!;
    expect(r.stderr).toContain(`Run ${run} stopped`);
    expect(r.stderr).toContain(`critic run --resume ${run}`);
    expect((await journal(cwd, run))[0]!.type).toBe("run");
    expect(existsSync(join(cwd, "rep"))).toBe(false);
    expect(sim.stats().total).toBeLessThan(60);
  });

  it("a suite with three named endpoints (hosted, local, an Azure gateway) runs, each critic on its own server, and the cache keeps them apart", async () => {
    const [hosted, local, gateway] = [await scratch.sim({ seed: 3 }), await scratch.sim({ seed: 3 }), await scratch.sim({ seed: 3 })];
    const cwd = await scratch.workdir();
    await writeSupportCsv(cwd, 6);
    const config = (localURL: string) => ({
      dataset: "data.csv",
      rubrics: ["helpfulness"],
      critics: ["hosted:gpt-4o-mini", "local:qwen2.5-7b-instruct", "gateway:support-judge"],
      providers: {
        hosted: { type: "openai", baseURL: hosted.openaiBaseURL, apiKeyEnv: "HOSTED_KEY", headers: { "x-team": "evals" }, concurrency: 4 },
        local: { type: "openai", baseURL: localURL, prices: { "qwen2.5-7b-instruct": { input: 0, output: 0 } } },
        gateway: { type: "azure-openai", baseURL: gateway.url, apiKeyEnv: "GATEWAY_KEY", apiVersion: "2024-10-21" },
      },
      out: "rep",
    });
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify(config(local.openaiBaseURL)));
    const env = { HOSTED_KEY: "hosted-key-123456", GATEWAY_KEY: "gateway-key-123456" };
    const r = await critic(["run", "--quiet"], { cwd, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await summary(join(cwd, "rep"))).toMatchObject({ judgments: 18, failed: 0 });
    expect(hosted.stats().byModel).toEqual({ "gpt-4o-mini": 6 });
    expect(local.stats().byModel).toEqual({ "qwen2.5-7b-instruct": 6 });
    expect(gateway.stats().byModel).toEqual({ "support-judge": 6 });
    const report = await readFile(join(cwd, "rep/report.md"), "utf8");
    for (const id of ["hosted:gpt-4o-mini", "local:qwen2.5-7b-instruct", "gateway:support-judge"]) expect(report).toContain(id);

    // The same model name on another server is not the same critic: nothing replays from the first one's answers.
    const other = await scratch.sim({ seed: 3 });
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify({ ...config(other.openaiBaseURL), out: "rep2" }));
    expect((await critic(["run", "--quiet"], { cwd, env })).code).toBe(0);
    expect(other.stats().byModel).toEqual({ "qwen2.5-7b-instruct": 6 });
    expect(hosted.stats().byModel).toEqual({ "gpt-4o-mini": 6 });

    // A key the environment lacks is named before anything runs.
    const missing = await critic(["run", "--quiet"], { cwd, env: { HOSTED_KEY: "hosted-key-123456" } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/providers\.gateway\.apiKeyEnv: gateway:support-judge needs GATEWAY_KEY in the environment/);
  });
});
