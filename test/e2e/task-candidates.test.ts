/**
 * The user's own system as the candidate, end to end through the CLI: a TypeScript config whose
 * only candidate is `{ id: "app", task }`, a function standing in for a RAG bot that looks the
 * answer up in a small in-memory index and calls the simulator through its own `openai` client.
 * One row throws. The run goes on, the report lists the failure with its message, and a
 * `--resume` never calls the task again for a row whose output is journaled.
 *
 * Configs live under test-output/ so `critic` and `openai` resolve from this package.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { ROOT, critic } from "../helpers/cli.js";

let sim: SimServer;
const dir = join(ROOT, "test-output", `tasks-${process.pid}`);

beforeAll(async () => {
  sim = await startSimServer({ seed: 5 });
  await mkdir(dir, { recursive: true });
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const QUESTIONS = [
  { id: "refund", input: "How long do refunds take?", reference: "Refunds reach the card within 5 business days." },
  { id: "export", input: "Can I export my notes to PDF?", reference: "Yes: File, Export, PDF." },
  { id: "sync", input: "Why are my notes not syncing?", reference: "Sign out and in again; sync resumes." },
  { id: "delete", input: "How do I delete my account?", reference: "Settings, Account, Delete account." },
  { id: "broken", input: "What is the meaning of the index?", reference: "n/a" },
];

/** A RAG bot: retrieve from an in-memory index, then ask the model (the simulator) through its own client. */
const RAG_CONFIG = `import OpenAI from "openai";
import { appendFileSync } from "node:fs";
import { defineConfig, type TaskRow, type TaskContext } from "critic";

const INDEX: Record<string, string> = {
  refund: "Refunds reach the card within 5 business days.",
  export: "Notes export to PDF from File, Export, PDF.",
  sync: "Signing out and in again restarts sync.",
  delete: "Accounts are deleted from Settings, Account, Delete account.",
};
const client = new OpenAI({ baseURL: process.env.BOT_BASE_URL, apiKey: "bot-key" });

async function ragBot(row: TaskRow, ctx: TaskContext) {
  appendFileSync("calls.log", row.id + "\\n");
  const doc = INDEX[row.id];
  if (!doc) throw new Error(\`no document in the index for "\${row.id}"\`);
  const res = await client.chat.completions.create(
    { model: "sim-large", messages: [{ role: "system", content: "Answer from this document: " + doc }, { role: "user", content: row.input }] },
    { signal: ctx.signal },
  );
  return {
    output: res.choices[0]?.message?.content ?? "",
    usage: { inputTokens: res.usage?.prompt_tokens, outputTokens: res.usage?.completion_tokens },
    costUsd: 0.0001,
    metadata: { doc, attempt: ctx.attempt, candidate: ctx.candidate },
  };
}

export default defineConfig({
  dataset: "questions.jsonl",
  rubrics: ["helpfulness", "accuracy"],
  critics: ["openai:sim-critic-strong"],
  candidates: [{ id: "app", task: ragBot }],
  out: process.env.REPORT_DIR,
});
`;

async function project(name: string, config: string, file = "critic.config.ts"): Promise<string> {
  const cwd = join(dir, name);
  await mkdir(cwd, { recursive: true });
  await writeFile(join(cwd, "questions.jsonl"), `${QUESTIONS.map((q) => JSON.stringify(q)).join("\n")}\n`);
  await writeFile(join(cwd, file), config);
  return cwd;
}

const calls = async (cwd: string) => (await readFile(join(cwd, "calls.log"), "utf8")).trim().split("\n");

describe("a function candidate", () => {
  it("judges a RAG bot's answers; the row that throws is a counted, listed failure and the run goes on", async () => {
    const cwd = await project("rag", RAG_CONFIG);
    const env = { OPENAI_BASE_URL: sim.openaiBaseURL, BOT_BASE_URL: sim.openaiBaseURL, REPORT_DIR: "rep" };
    const r = await critic(["run", "--quiet"], { cwd, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect((await calls(cwd)).sort()).toEqual(QUESTIONS.map((q) => q.id).sort());

    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    const cells = summary.cells.filter((c: { candidate: string }) => c.candidate === "app");
    expect(cells).toHaveLength(2);
    for (const c of cells) expect(c.n).toBe(4);
    // The failed generation leaves one failed judgment per rubric and critic.
    expect(summary.failed).toBe(2);

    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toContain("## Failed generations");
    expect(md).toMatch(/\| broken \| app \| 1 \| no document in the index for "broken" \|/);
    // The task's usage, cost and latency sit in the usage table beside the critic's.
    const usage = md.split("\n").find((l) => l.startsWith("| app | candidate |"));
    expect(usage).toBeDefined();
    const cols = usage!.split("|").map((x) => x.trim());
    expect(Number(cols[3])).toBe(5); // calls
    expect(Number(cols[6])).toBe(1); // failed
    expect(Number(cols[7]!.replace(/,/g, ""))).toBeGreaterThan(0); // input tokens from the bot's own client
    expect(cols[9]).toBe("$0.00040");
    expect(cols[10]).toMatch(/\d+ ms/);

    // The journal keeps the task's metadata with its output.
    const run = /Reports \(run ([\w-]+)\)/.exec(r.stdout)?.[1] ?? JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8")).run;
    const journal = await readFile(join(cwd, ".critic/runs", run, "journal.jsonl"), "utf8");
    const gen = journal.split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === "generation" && l.item === "refund");
    expect(gen.metadata).toEqual({ doc: "Refunds reach the card within 5 business days.", attempt: 1, candidate: "app" });

    // --resume calls the task again only for the row that failed: the others' outputs are journaled.
    await writeFile(join(cwd, "calls.log"), "");
    const again = await critic(["run", "--quiet", "--resume", run], { cwd, env });
    expect(again.code).toBe(0);
    expect(await calls(cwd)).toEqual(["broken"]);

    // Outputs are not cached across runs by default: a new run calls the task for every row.
    await writeFile(join(cwd, "calls.log"), "");
    expect((await critic(["run", "--quiet"], { cwd, env })).code).toBe(0);
    expect(await calls(cwd)).toHaveLength(5);
  });

  it("caches outputs across runs only when asked (version), and a task past its timeout is that row's failure", async () => {
    const config = `import { appendFileSync } from "node:fs";
export default {
  dataset: "questions.jsonl",
  rubrics: ["helpfulness"],
  critics: ["openai:sim-critic-strong"],
  timeoutMs: 400,
  candidates: [{
    id: "app",
    version: process.env.APP_VERSION,
    task: async (row) => {
      appendFileSync("calls.log", row.id + "\\n");
      // Ignores its signal on purpose, and leaves a timer running: neither the run nor the process may wait for it.
      if (row.id === "sync") await new Promise((r) => setTimeout(r, 120_000));
      return "Answer to " + row.input;
    },
  }],
  out: "rep",
};
`;
    const cwd = await project("cached", config, "critic.config.mjs");
    const env = { OPENAI_BASE_URL: sim.openaiBaseURL, APP_VERSION: "1" };
    const started = Date.now();
    const first = await critic(["run", "--quiet"], { cwd, env });
    expect(first.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(first.stderr).toMatch(/exiting with work still pending that critic did not start/);
    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toMatch(/\| sync \| app \| 1 \| TimeoutError: app: the task did not finish within 400 ms \|/);

    await writeFile(join(cwd, "calls.log"), "");
    expect((await critic(["run", "--quiet"], { cwd, env })).code).toBe(0);
    // Same version: every answered row comes from the cache; only the one that timed out is called again.
    expect(await calls(cwd)).toEqual(["sync"]);

    await writeFile(join(cwd, "calls.log"), "");
    expect((await critic(["run", "--quiet"], { cwd, env: { ...env, APP_VERSION: "2" } })).code).toBe(0);
    expect(await calls(cwd)).toHaveLength(5);
  });

  it("a task that returns something other than text or { output } fails its row with a message saying what to return", async () => {
    const config = `export default { dataset: "questions.jsonl", rubrics: ["helpfulness"], critics: ["openai:sim-critic-strong"], out: "rep",
  candidates: [{ id: "app", task: (row) => (row.id === "export" ? { text: "wrong field" } : "ok " + row.input) }] };\n`;
    const cwd = await project("shape", config, "critic.config.mjs");
    const r = await critic(["run", "--quiet"], { cwd, env: { OPENAI_BASE_URL: sim.openaiBaseURL } });
    expect(r.code).toBe(0);
    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toContain('TypeError: the task returned an object without a string "output"; return the output text, or { output, usage?, costUsd?, latencyMs?, metadata? }');
  });

  it("a candidate that is neither a model, a task nor a service names the field (exit 2)", async () => {
    const config = `export default { dataset: "questions.jsonl", rubrics: ["helpfulness"], critics: ["openai:sim-critic-strong"], candidates: [{ id: "app", task: "not a function" }] };\n`;
    const cwd = await project("bad", config, "critic.config.mjs");
    const r = await critic(["run", "--quiet"], { cwd, env: { OPENAI_BASE_URL: sim.openaiBaseURL } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/critic\.config\.mjs: candidates\[0\]\.task: must be a function \(row, ctx\) => output/);
  });
});
