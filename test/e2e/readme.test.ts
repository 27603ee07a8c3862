/**
 * The README is true: every command and config example in README.md runs against the simulator
 * on 127.0.0.1 and does what the text beside it says. Each fenced block, and each inline span that
 * is a command or a statement (`npx ...`, `import ...`, `const ...`), must match exactly one entry
 * of EXAMPLES below (by a snippet of its text): a new example without an expectation fails the
 * first test, and so does an expectation whose example is gone. What cannot run here (an install,
 * a real key, a server on another port) is rewritten to the simulator, or skipped with its reason.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { BIN, ROOT, tempDir } from "../helpers/cli.js";

const README = join(ROOT, "README.md");
const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");

interface Block {
  /** "sh", "ts", "json", "yaml", "" (plain), or "inline" for a span in running text. */
  lang: string;
  text: string;
  line: number;
}

/** Every fenced block, and every inline span that is a command or a statement. */
function runnableBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (open) {
      const start = i;
      while (++i < lines.length && !lines[i]!.startsWith("```"));
      out.push({ lang: open[1]!, text: lines.slice(start + 1, i).join("\n"), line: start + 1 });
      continue;
    }
    for (const m of lines[i]!.matchAll(/`([^`]+)`/g)) {
      if (/^(import |const |await )|\bnpx /.test(m[1]!)) out.push({ lang: "inline", text: m[1]!, line: i + 1 });
    }
  }
  return out;
}

interface Example {
  /** A snippet of the block's text that names it uniquely. */
  match: string;
  /** Only blocks of this kind ("inline" for a span in running text). */
  lang?: string;
  /** Why it does not run here (one line); absent when `run` checks it. */
  skip?: string;
  /** Covered by another example's run (named by its `match`). */
  coveredBy?: string;
  run?: (block: Block) => Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Running things as a user would, in a scratch project that has `critic` installed.

const sims: SimServer[] = [];
const servers: Server[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all([...sims.map((s) => s.close()), ...servers.map((s) => new Promise((r) => s.close(r))), ...cleanups.map((c) => c())]);
});

async function sim(seed = 1): Promise<SimServer> {
  const s = await startSimServer({ seed });
  sims.push(s);
  return s;
}

/** A project directory: `critic` and `vitest` resolvable from node_modules, the bundled datasets under datasets/. */
async function project(): Promise<string> {
  const d = await tempDir("critic-readme-");
  cleanups.push(d.cleanup);
  await mkdir(join(d.path, "node_modules"));
  await symlink(ROOT, join(d.path, "node_modules/critic"), "dir");
  await symlink(join(ROOT, "node_modules/vitest"), join(d.path, "node_modules/vitest"), "dir");
  await mkdir(join(d.path, "datasets"));
  for (const f of await readdir(join(ROOT, "datasets"))) await symlink(join(ROOT, "datasets", f), join(d.path, "datasets", f));
  return d.path;
}

/** Keys and base URLs that point both SDKs at the simulator. */
const simEnv = (s: SimServer): Record<string, string> => ({ OPENAI_BASE_URL: s.openaiBaseURL, ANTHROPIC_BASE_URL: s.anthropicBaseURL, OPENAI_API_KEY: "sk-readme", ANTHROPIC_API_KEY: "sk-ant-readme" });

interface ShResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One shell command line from the README, with `npx critic` / `npx vitest` run from this build. */
function sh(command: string, cwd: string, env: Record<string, string> = {}): Promise<ShResult> {
  const line = command.replace(/\bnpx critic\b/g, `"${process.execPath}" "${BIN}"`).replace(/\bnpx vitest\b/g, `"${process.execPath}" "${VITEST}"`);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && !["GITHUB_STEP_SUMMARY", "CRITIC_REPLAY", "NODE_OPTIONS", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"].includes(k)));
  return new Promise((done) => {
    execFile("bash", ["-c", line], { cwd, env: { ...clean, NO_COLOR: "1", ...env }, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The command lines of an sh block: comments dropped, `\` continuations joined. */
function commandsOf(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l && !l.startsWith("#"));
}

const json = async (file: string) => JSON.parse(await readFile(file, "utf8"));
const ok = (r: ShResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
/** The run id a `critic run` or `critic triage` printed. */
const runIdOf = (out: string) => /Run (\d{8}-\d{6}Z-[0-9a-f]+)/.exec(out)?.[1] ?? /reports\/(\d{8}-\d{6}Z-[0-9a-f]+)\//.exec(out)?.[1];

/** A fenced TypeScript fragment (`critics: [...], ...`) made into a config with what it needs around it. */
const fragmentConfig = (fragment: string, around: string) => `import { defineConfig } from "critic";\nexport default defineConfig({\n${around}\n${fragment}\n});\n`;

const readmeText = await readFile(README, "utf8");
const blocks = runnableBlocks(readmeText);
const matches = (b: Block, e: Pick<Example, "match" | "lang">) => b.text.includes(e.match) && (e.lang === undefined || e.lang === b.lang);
const blockWith = (match: string, lang?: string) => blocks.find((b) => matches(b, { match, lang }))!;
/** The big config of "Configuration" (the CI workflow and the "Evals as tests" file use it too), its local server pointed at the simulator. */
const bigConfigFor = (s: SimServer) => blockWith("// also record the probability-weighted score").text.replace("http://localhost:8000/v1", s.openaiBaseURL);

/** `critic run --dry-run` then `critic run` on the big config: what its comments promise. */
async function checkBigConfig(s: SimServer, cwd: string, env: Record<string, string>): Promise<ShResult> {
  // The dry run plans the cascade (the expensive critic's calls can fall to its audit share)
  // and the sequential comparison (it can stop after its first batch), prints every prompt as
  // it would be sent, and calls nothing.
  // "needs no API key": none in its environment.
  const plan = await sh("npx critic run --dry-run --show-prompts", cwd);
  expect(plan.code, ok(plan)).toBe(0);
  expect(plan.stdout).toContain("--- v2: generate for item s01\n[system]\nYou are a concise support agent.\n[user]\nHi, I was charged $9.99 twice");
  expect(plan.stdout).toMatch(/--- haiku: accuracy of item s01, candidate v1\n\[system\]\n[\s\S]+<the answer v1 generates>/);
  expect(plan.stdout).toMatch(/the cascade escalates/);
  expect(plan.stdout).toMatch(/first batch of \d+ items/);
  const m = /Planned: (\d+) calls, \$[\d.]+ \(range (\d+)-(\d+) calls/.exec(plan.stdout)!;
  expect(m, plan.stdout).not.toBeNull();
  expect(s.stats().total).toBe(0);

  // Gates are decided on intervals; `critic run` exits 1 when one fails.
  const r = await sh("npx critic run --quiet", cwd, env);
  expect(r.code, ok(r)).toBeLessThanOrEqual(1);
  const summary = await json(join(cwd, "reports/latest/summary.json"));
  expect(r.code).toBe(summary.gates.some((g: { pass: boolean }) => !g.pass) ? 1 : 0);
  // `compare` makes the run sequential, and every rubric keeps its scores: each gate has an interval.
  for (const g of summary.gates) expect(g.interval, g.message).not.toBeNull();
  for (const rubric of ["helpfulness", "politeness", "accuracy"]) {
    for (const c of ["v1", "v2"]) expect(summary.cells.find((x: { candidate: string; rubric: string }) => x.candidate === c && x.rubric === rubric)?.n).toBeGreaterThanOrEqual(5);
  }
  // The cascade escalates some, not all, of what the cheap critic judged.
  expect(summary.cascade.escalated).toBeGreaterThan(0);
  expect(summary.cascade.escalated).toBeLessThan(summary.cascade.units);
  // The run stays inside the plan's range and its caps.
  expect(summary.calls).toBeGreaterThanOrEqual(Number(m[2]));
  expect(summary.calls).toBeLessThanOrEqual(Number(m[3]));
  expect(summary.costUsd).toBeLessThan(5);
  expect(summary.caps.limits).toEqual({ usd: 5, calls: 10000, tokens: 5000000 });
  // "sample: 200, stratifyBy" (all 40 items: the set is smaller), and the logprobs critic's probability-weighted score.
  expect(summary.notes[0]).toMatch(/stratified by topic sample of 40 of 40 items/);
  const judgments = (await readFile(join(cwd, "reports/latest/judgments.csv"), "utf8")).split("\n").filter((l) => l.includes(",openai:gpt-4.1-mini,score,"));
  expect(judgments.length).toBeGreaterThan(0);
  for (const j of judgments) expect(Number(j.split(",")[6])).toBeGreaterThan(1);
  return r;
}

/** The CI workflow's `run:` steps, with the cache the run above recorded: no key, no server, no call. */
async function checkWorkflow(s: SimServer, cwd: string, recordedCode: number): Promise<void> {
  const paid = s.stats().total;
  const steps = (parseYaml(blockWith("# .github/workflows/evals.yml").text) as { jobs: { evals: { steps: { run?: string; env?: Record<string, string> }[] } } }).jobs.evals.steps;
  const runs = steps.filter((x) => x.run);
  // `npm ci` installs; this tree is installed and built.
  expect(runs.map((x) => x.run)).toEqual(["npm ci", "npx critic run --config critic.config.ts --junit reports/junit.xml --quiet"]);
  const replay = await sh(runs[1]!.run!, cwd, { ...runs[1]!.env });
  expect(s.stats().total).toBe(paid);
  // A failing gate fails the step (exit 1), and the JUnit file has one test case per gate.
  expect(replay.code, ok(replay)).toBe(recordedCode);
  const junit = await readFile(join(cwd, "reports/junit.xml"), "utf8");
  expect(junit.match(/<testcase /g)).toHaveLength(2);
}

/** The quick tour's eval file and the "Evals as tests" one, run by `npx vitest run evals/` as the README says. */
async function checkEvals(cwd: string, env: Record<string, string>): Promise<void> {
  await writeFile(join(cwd, "vitest.config.mjs"), 'export default { test: { include: ["evals/**/*.eval.ts"], testTimeout: 60000, hookTimeout: 60000 } };\n');
  await mkdir(join(cwd, "evals"));
  await mkdir(join(cwd, "src"));
  await writeFile(join(cwd, "src/bot.js"), 'export async function answer(input, { signal }) {\n  if (signal.aborted) throw new Error("aborted");\n  return "Thanks for asking. " + (input.includes("refund") ? "Refunds reach the card in 5-10 business days." : "Go to Account > Subscriptions > Cancel.");\n}\n');
  // "To try it without a key, add `simulate: true`"; the elided rows are filled in.
  const more = Array.from({ length: 6 }, (_, i) => `    { input: "Can I get a refund for order ${i}?", context: "Refunds reach the card in 5-10 business days." },`).join("\n");
  const tour = blockWith("evals/bot.eval.ts").text.replace(/^ *\/\/ \.\.\. rows.*$/m, more).replace(/^( *critics: \[[^\]]*\],)$/m, "$1\n  simulate: true,");
  expect(tour).toContain("simulate: true");
  await writeFile(join(cwd, "evals/bot.eval.ts"), tour);
  await writeFile(join(cwd, "evals/support.eval.ts"), blockWith('evals/support.eval.ts  (add "evals/**/*.eval.ts"').text);
  const out = join(cwd, "out.json");
  const r = await sh(`${blockWith("npx vitest run evals/", "inline").text} --reporter=default --reporter=json --outputFile.json=${out}`, cwd, env);
  const report = (await json(out)) as { testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[] };
  const tests = new Map(report.testResults.flatMap((f) => f.assertionResults.map((a) => [a.title, a] as const)));
  // Each gate is a test (the config's gates too); a failing one carries the estimate, its interval, the threshold and the worst items.
  const gates = ["gate: app vs baseline on grounded: not worse by 0.25", "gate: mean(app, helpfulness) ≥ 5", "gate: mean(v2, politeness) ≥ 5.5", "gate: v2 vs v1 on accuracy: not worse by 0.2", "gate: v2 vs v1 on helpfulness: not worse by 0.2"];
  expect([...tests.keys()].sort(), ok(r)).toEqual([...gates, "is clearly better than v1 on helpfulness"].sort());
  for (const [title, t] of tests) {
    if (title.startsWith("gate:") && t.status === "failed") expect(t.failureMessages[0]).toMatch(/GateFailed: FAIL[\s\S]*95% CI \[[\s\S]*Worst items/);
  }
  expect(r.code).toBe([...tests.values()].some((t) => t.status !== "passed") ? 1 : 0);
  // "prints one line per candidate (each rubric's mean with its 95% interval, failed rows, latency, dollars)"
  expect(r.stdout + r.stderr).toMatch(/ app +helpfulness \d\.\d+ \[\d\.\d+, \d\.\d+\] · grounded \d\.\d+ \[/);
  expect(r.stdout + r.stderr).toMatch(/ baseline +helpfulness \d\.\d+ \[\d\.\d+, \d\.\d+\] · grounded .*p50 [\d.]+ m?s, \$[\d.]+/);
}

// ---------------------------------------------------------------------------------------------

const EXAMPLES: Example[] = [
  // Both eval files run in one `npx vitest run evals/`, as the text says, with the "Evals as tests" file.
  { match: "evals/bot.eval.ts", coveredBy: "// also record the probability-weighted score" },
  { match: "npx vitest run evals/", lang: "inline", coveredBy: "// also record the probability-weighted score" },
  {
    match: "npm ci && npx critic demo",
    run: async (b) => {
      const [first, second] = commandsOf(b.text);
      expect(first).toBe("npm ci && npx critic demo");
      expect(second).toBe("npm test"); // skipped: it is the suite this test is part of
      const cwd = await project();
      // `npm ci` installs; this tree is installed and built.
      const r = await sh("npx critic demo", cwd);
      expect(r.code, ok(r)).toBe(0);
      // "prints a summary and the paths of the reports it wrote under reports/<run>/ ... the report says so"
      expect(r.stdout).toMatch(/Mean \[95% CI\]/);
      const run = runIdOf(r.stdout)!;
      const summary = await json(join(cwd, "reports", run, "summary.json"));
      expect(summary.simulated).toBe(true);
      expect(await readFile(join(cwd, "reports", run, "report.md"), "utf8")).toMatch(/every number in this report is simulated/);
      expect(summary.candidates).toHaveLength(3);
      expect(summary.rubrics).toHaveLength(2);
      expect(summary.critics).toHaveLength(2);
      expect(new Set(summary.cells.map((c: { item?: string; n: number }) => c.n))).toEqual(new Set([40]));
    },
  },
  {
    match: "export OPENAI_API_KEY=...",
    run: async (b) => {
      const [exportLine, command] = commandsOf(b.text);
      expect(exportLine).toMatch(/^export OPENAI_API_KEY=\.\.\. +ANTHROPIC_API_KEY=\.\.\.$/);
      const s = await sim();
      const cwd = await project();
      // The keys are the simulator's, and both SDKs are pointed at it.
      const r = await sh(command!, cwd, simEnv(s));
      expect(r.code, ok(r)).toBe(0);
      const summary = await json(join(cwd, "reports", runIdOf(r.stdout)!, "summary.json"));
      expect(summary.rubrics.map((x: { id: string }) => x.id)).toEqual(["politeness", "accuracy"]);
      expect(summary.critics).toEqual(["openai:gpt-4o-mini", "anthropic:claude-3-5-haiku-latest"]);
      expect(summary.failed).toBe(0);
      expect(s.stats().byModel).toEqual({ "gpt-4o-mini": 120, "claude-3-5-haiku-latest": 120 });
    },
  },
  {
    match: "--base-url http://localhost:11434/v1",
    run: async (b) => {
      const s = await sim();
      const cwd = await project();
      await writeFile(join(cwd, "my.csv"), `id,input,output\n${Array.from({ length: 6 }, (_, i) => `m${i},How do I export my data (${i})?,Open Settings > Privacy > Export.`).join("\n")}\n`);
      const commands = commandsOf(b.text);
      expect(commands).toHaveLength(2);
      // "No key is needed for a local server": no key in the environment, only the base URL (the simulator's).
      for (const command of commands) {
        const local = command.replace(/http:\/\/localhost:\d+\/v1/, s.openaiBaseURL);
        const r = await sh(local, cwd);
        expect(r.code, ok(r)).toBe(0);
      }
      expect(s.stats().byModel).toEqual({ "llama3.1:8b": 6, "Qwen/Qwen2.5-7B-Instruct": 6 });
    },
  },
  { match: "NODE_EXTRA_CA_CERTS=/path/to/ca.pem", skip: "needs a private CA; test/e2e/tls.test.ts runs it with one it makes" },
  {
    match: "ragBot(row.input",
    run: async (b) => {
      const s = await sim();
      const cwd = await project();
      // The team's own code and service: a function, and an HTTP server that checks its bearer token.
      await mkdir(join(cwd, "src"));
      await writeFile(join(cwd, "src/rag-bot.js"), 'export async function ragBot(input, { signal }) {\n  if (signal.aborted) throw new Error("aborted");\n  return "From the help centre: " + input + " is answered in Settings > Help.";\n}\n');
      await writeFile(join(cwd, "datasets/questions.jsonl"), `${Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `q${i}`, input: `How do I change my plan (${i})?`, reference: "Billing > Change plan." })).join("\n")}\n`);
      const seen: string[] = [];
      const staging = createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
          seen.push(`${req.headers.authorization} ${JSON.parse(body).question}`);
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ answer: { text: "Open Billing, choose Change plan, and confirm." } }));
        });
      });
      servers.push(staging);
      await new Promise<void>((r) => staging.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(staging.address() as AddressInfo).port}/answer`;
      await writeFile(join(cwd, "critic.config.ts"), b.text.replace("https://staging.example.com/answer", url));
      const r = await sh("npx critic run --quiet", cwd, { ...simEnv(s), STAGING_TOKEN: "tok-123" });
      expect(r.code, ok(r)).toBe(0);
      expect(seen).toHaveLength(5);
      expect(seen[0]).toMatch(/^Bearer tok-123 How do I change my plan/);
      const summary = await json(join(cwd, "reports", runIdOf(r.stdout)!, "summary.json"));
      expect(summary.candidates).toEqual(["app", "staging"]);
      expect(summary.failed).toBe(0);
      // The report's usage table lists each candidate's calls and latency.
      const md = await readFile(join(cwd, "reports", runIdOf(r.stdout)!, "report.md"), "utf8");
      expect(md).toMatch(/\| app \|/);
      expect(md).toMatch(/\| staging \|/);
      expect(md).not.toContain("tok-123");
    },
  },
  {
    // The big config, then what the README builds on it: the CI workflow replaying its cache and
    // the "Evals as tests" file (with the quick tour's) under Vitest. One project, one simulator.
    match: "// also record the probability-weighted score",
    run: async () => {
      const s = await sim();
      const cwd = await project();
      await writeFile(join(cwd, "critic.config.ts"), bigConfigFor(s));
      const env = { ...simEnv(s), OPENAI_BASE_URL: "", MY_KEY: "k-local" };
      const record = await checkBigConfig(s, cwd, env);
      await checkWorkflow(s, cwd, record.code);
      await checkEvals(cwd, env);
    },
  },
  { match: 'evals/support.eval.ts  (add "evals/**/*.eval.ts"', coveredBy: "// also record the probability-weighted score" },
  { match: "# .github/workflows/evals.yml", coveredBy: "// also record the probability-weighted score" },
  { match: "GateFailed: FAIL v2 vs v1 on accuracy", skip: "sample output of a failing gate, not a command (its form is checked with the evals file)" },
  {
    match: 'model: "local:qwen3-8b"',
    run: async (b) => {
      const s = await sim();
      const cwd = await project();
      const around = `dataset: "datasets/support.csv", sample: 6, rubrics: ["helpfulness"],\nproviders: { local: { type: "openai", baseURL: "${s.openaiBaseURL}" }, gateway: { type: "openai", baseURL: "${s.openaiBaseURL}" } },`;
      await writeFile(join(cwd, "critic.config.ts"), fragmentConfig(b.text, around));
      const r = await sh("npx critic run --quiet", cwd, simEnv(s));
      expect(r.code, ok(r)).toBe(0);
      const summary = await json(join(cwd, "reports", runIdOf(r.stdout)!, "summary.json"));
      expect(summary.failed).toBe(0);
      expect(summary.abstentions).toBe(0);
      expect(s.stats().byModel).toEqual({ "gpt-5-mini": 6, "qwen3-8b": 6, judge: 6, "gpt-5": 6 });
    },
  },
  {
    match: 'azure: { type: "azure-openai"',
    run: async (b) => {
      const s = await sim();
      const cwd = await project();
      const fragment = b.text.replace("http://localhost:8000/v1", s.openaiBaseURL).replace("https://llm.example.com/v1", s.openaiBaseURL).replace("https://my-resource.openai.azure.com", s.url);
      await writeFile(join(cwd, "critic.config.ts"), fragmentConfig(fragment, 'dataset: "datasets/support-judged.csv", sample: 2, rubrics: ["helpfulness"],'));
      const r = await sh("npx critic run --quiet", cwd, { ...simEnv(s), GATEWAY_KEY: "k-gw", AZURE_OPENAI_API_KEY: "k-az" });
      expect(r.code, ok(r)).toBe(0);
      const summary = await json(join(cwd, "reports", runIdOf(r.stdout)!, "summary.json"));
      expect(summary.failed).toBe(0);
      expect(s.stats().byModel).toEqual({ "gpt-4o-mini": 6, "qwen2.5-7b-instruct": 6, "my-gpt-4o-deployment": 6 });
    },
  },
  { match: '"triage": {', coveredBy: "npx critic triage --config triage.json --dry-run" },
  {
    match: "npx critic triage --config triage.json --dry-run",
    run: async (b) => {
      const s = await sim();
      const cwd = await project();
      await writeFile(join(cwd, "triage.json"), blockWith('"triage": {').text);
      const [dry, judge, resume] = commandsOf(b.text);
      // "no call": and so no key.
      const plan = await sh(dry!, cwd);
      expect(plan.code, ok(plan)).toBe(0);
      expect(s.stats().total).toBe(0);
      const r = await sh(judge!, cwd, simEnv(s));
      expect(r.code, ok(r)).toBe(0);
      const run = runIdOf(r.stdout + r.stderr)!;
      const summary = await json(join(cwd, "reports", run, "summary.json"));
      expect(summary.failureRate.ci95.lo).toBeLessThanOrEqual(summary.failureRate.estimate);
      expect(summary.costUsd).toBeLessThanOrEqual(2);
      const paid = s.stats().total;
      expect(paid).toBeGreaterThan(0);
      // "after a kill or a budget stop: the same lines, nothing paid twice"
      const again = await sh(resume!.replace("RUN", run), cwd, simEnv(s));
      expect(again.code, ok(again)).toBe(0);
      expect(s.stats().total).toBe(paid);
    },
  },
  {
    match: "const t = await loadTriage(",
    run: async (b) => {
      const s = await sim();
      const cwd = await project();
      const config = JSON.parse(blockWith('"triage": {').text) as { triage: { maxJudgments: number } };
      config.triage.maxJudgments = 40;
      const code = b.text.replace("defineTriageConfig({...})", `defineTriageConfig(${JSON.stringify(config)})`);
      await writeFile(join(cwd, "triage.mjs"), `import { defineTriageConfig, loadTriage, runTriage } from "critic";\n${code}\nconsole.log(JSON.stringify({ judged: result.judged, estimate: result.failureRate?.estimate ?? result.summary?.failureRate?.estimate }));\n`);
      const r = await sh("node triage.mjs", cwd, simEnv(s));
      expect(r.code, ok(r)).toBe(0);
      expect(s.stats().total).toBeGreaterThan(0);
    },
  },
  {
    match: "import { defineConfig, loadSuite, runSuite, writeReports }",
    run: async (b) => {
      const cwd = await project();
      await writeFile(join(cwd, "lib.mjs"), `${b.text};\nconsole.log([defineConfig, loadSuite, runSuite, writeReports].map((f) => typeof f).join(","));\n`);
      const r = await sh("node lib.mjs", cwd);
      expect(r.code, ok(r)).toBe(0);
      expect(r.stdout.trim()).toBe("function,function,function,function");
    },
  },
  { match: "npm run bench     # one table", skip: "npm test is the suite this test is part of; the bench takes minutes and runs on its own; npm run demo is `critic demo`, run above" },
];

describe("README.md", () => {
  it("has an expectation for every runnable example, and every expectation has its example", () => {
    const unmatched = blocks.filter((b) => !EXAMPLES.some((e) => matches(b, e)));
    expect(unmatched.map((b) => `README.md:${b.line} (${b.lang || "plain"}): ${b.text.split("\n")[0]}`), "add each to EXAMPLES in test/e2e/readme.test.ts").toEqual([]);
    for (const e of EXAMPLES) expect(blocks.filter((b) => matches(b, e)).length, `EXAMPLES entry "${e.match}"`).toBe(1);
    for (const e of EXAMPLES) expect(Boolean(e.run) || Boolean(e.skip) || Boolean(e.coveredBy), e.match).toBe(true);
    for (const e of EXAMPLES.filter((x) => x.coveredBy)) expect(EXAMPLES.find((x) => x.match === e.coveredBy)?.run, `"${e.match}" is covered by "${e.coveredBy}"`).toBeDefined();
    expect(existsSync(VITEST)).toBe(true);
  });

  describe.concurrent("examples", () => {
    for (const e of EXAMPLES.filter((x) => x.run)) {
      it(`README.md:${blockWith(e.match, e.lang).line}: ${e.match}`, async () => {
        await e.run!(blockWith(e.match, e.lang));
      }, 120_000);
    }
  });
});
