import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { sdkCaller } from "../../src/providers/sdk.js";
import { toProviderError } from "../../src/providers/errors.js";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { spawnCritic, waitForJudgments } from "../helpers/spawn.js";
import { writeSupportCsv } from "../helpers/suite.js";

const OPENAI_KEY = "sk-test-CANARY-openai-7f3a9c1e5b2d4086";
const ANTHROPIC_KEY = "sk-ant-test-CANARY-anthropic-0c8e2a6f4d1b3957";
const CANARY = /CANARY/;

const scratch = useScratch();

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

describe("API keys", () => {
  it("never appear in the journal, the cache, the reports, error messages or anything printed", async () => {
    // Failures on every path: 500s that exhaust their retries (journaled error text), garbage
    // replies (re-asks), an interrupted run and its resume, and a fatal 404 printed to stderr.
    const sim = await scratch.sim({ seed: 13, latencyMs: 20, rate500: 0.4, rateGarbage: 0.1, rate429: 0.1, retryAfterMs: 10, serveUnknownModels: false });
    const work = await scratch.workdir("critic-secrets-");
    await writeSupportCsv(work, 40);
    const env = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: sim.anthropicBaseURL };
    const base = ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--critic", "anthropic:sim-critic-lenient", "--base-url", sim.openaiBaseURL, "--max-retries", "1", "--out", "rep"];
    const printed: string[] = [];

    const interrupted = spawnCritic(base, { cwd: work, env });
    const run = await waitForJudgments(work, 5, interrupted);
    interrupted.child.kill("SIGINT");
    const i = await interrupted.exited;
    printed.push(i.stdout, i.stderr);
    expect(i.code).toBe(130);

    const resumed = await critic([...base, "--resume", run], { cwd: work, env });
    printed.push(resumed.stdout, resumed.stderr);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(await readFile(join(work, "rep/summary.json"), "utf8"));
    expect(summary.failed).toBeGreaterThan(0);

    const fatal = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:no-such-model", "--base-url", sim.openaiBaseURL, "--out", "rep2"], { cwd: work, env });
    printed.push(fatal.stdout, fatal.stderr);
    expect(fatal.code).toBe(2);

    let files = 0;
    for await (const f of walk(work)) {
      files++;
      const text = await readFile(f, "latin1");
      expect(text, f).not.toMatch(CANARY);
    }
    expect(files).toBeGreaterThan(10);
    for (const p of printed) expect(p).not.toMatch(CANARY);
  });

  it("are scrubbed from a provider's error message that quotes the key it was sent", () => {
    const sdkError = new OpenAI.AuthenticationError(401, { message: `Incorrect API key provided: ${OPENAI_KEY}.` }, undefined, new Headers());
    const e = toProviderError(sdkError, "openai", OpenAI, [OPENAI_KEY]);
    expect(e.message).toContain("Incorrect API key provided: ***");
    expect(e.message).not.toMatch(CANARY);
  });

  it("are scrubbed on every SDK call path, live and batch alike", async () => {
    const sdkError = new OpenAI.AuthenticationError(401, { message: `Incorrect API key provided: ${OPENAI_KEY}.` }, undefined, new Headers());
    const call = sdkCaller("openai batch", OpenAI, { apiKey: OPENAI_KEY, timeoutMs: 1000 });
    const e = await call(undefined, () => Promise.reject(sdkError)).catch((x: Error) => x);
    expect(e.message).toContain("openai batch: HTTP 401");
    expect(e.message).not.toMatch(CANARY);
  });
});
