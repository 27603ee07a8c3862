import { relative, resolve } from "node:path";
import { type Suite, type SuiteFlags, findConfig, isModelCandidate, loadSuite } from "../config/load.js";
import { suiteOfLog } from "../runner/run-log.js";
import { readJournal } from "../store/journal.js";
import { ConfigError } from "../errors.js";
import { describeOutcome } from "../gates/evaluate.js";
import { renderConsole } from "../report/console.js";
import { appendStepSummary, writeJunit } from "../report/write.js";
import { runSuite } from "../runner/run-suite.js";
import { type Command, type CommandIO, type FlagValues, bool, str, strs } from "./command.js";
import { createProgress } from "./progress.js";
import { dryRun } from "./dry-run.js";

function num(values: FlagValues, name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(`--${name} must be a number, got "${v}"`);
  return n;
}

export function suiteFlags(values: FlagValues): SuiteFlags {
  return {
    config: str(values, "config"),
    dataset: str(values, "dataset"),
    rubrics: strs(values, "rubric"),
    critics: strs(values, "critic"),
    baseURL: str(values, "base-url"),
    concurrency: num(values, "concurrency"),
    budgetUsd: num(values, "budget-usd"),
    maxCalls: num(values, "max-calls"),
    maxTokens: num(values, "max-tokens"),
    sample: num(values, "sample"),
    stratifyBy: str(values, "stratify-by"),
    compare: str(values, "compare"),
    untilDecided: bool(values, "until-decided") || undefined,
    delta: num(values, "delta"),
    out: str(values, "out"),
    timeoutMs: num(values, "timeout-ms"),
    maxRetries: num(values, "max-retries"),
    logprobs: bool(values, "logprobs") || undefined,
    seed: num(values, "seed"),
  };
}

export const SUITE_FLAGS = {
  config: { type: "string" },
  dataset: { type: "string" },
  rubric: { type: "string", multiple: true },
  critic: { type: "string", multiple: true },
  "base-url": { type: "string" },
  concurrency: { type: "string" },
  "budget-usd": { type: "string" },
  "max-calls": { type: "string" },
  "max-tokens": { type: "string" },
  sample: { type: "string" },
  "stratify-by": { type: "string" },
  compare: { type: "string" },
  "until-decided": { type: "boolean" },
  delta: { type: "string" },
  out: { type: "string" },
  "timeout-ms": { type: "string" },
  "max-retries": { type: "string" },
  logprobs: { type: "boolean" },
  seed: { type: "string" },
} as const;

export const SUITE_FLAG_HELP: Record<string, string> = {
  config: "suite config (default: critic.config.{ts,js,json,yaml} in the current directory)",
  dataset: "CSV or JSONL dataset (overrides the config)",
  rubric: "rubric id (bundled or rubrics/<id>.yaml) or path to a rubric YAML",
  critic: "critic model, provider:model, e.g. openai:gpt-4o-mini or anthropic:claude-3-5-haiku-latest",
  "base-url": "OpenAI-compatible base URL, e.g. http://localhost:11434/v1 (default: OPENAI_BASE_URL)",
  concurrency: "parallel calls per provider (default 8)",
  "budget-usd": "stop cleanly once this many dollars are spent",
  "max-calls": "stop cleanly after this many API calls",
  "max-tokens": "stop cleanly after this many tokens (input + output)",
  sample: "judge a seeded random sample of the items: a count, or a fraction below 1",
  "stratify-by": "stratify the sample by this metadata column",
  compare: "A,B: compare two candidates sequentially (with --until-decided)",
  "until-decided": "judge items in random batches and stop as soon as the comparison is decided",
  delta: "equivalence margin in levels for --until-decided (default 0.25)",
  "batch-poll-ms": "first wait between polls of a batch (default 5000; it backs off to 60 s)",
  batch: "send calls through the OpenAI Batch / Anthropic Message Batches APIs at half price (turnaround up to 24 h; resumable)",
  "dry-run": "print the planned calls, tokens, dollars and time, and make no call",
  "show-prompts": "with --dry-run: print every prompt as it would be sent",
  "assume-latency-ms": "latency per call the dry run assumes for its time estimate (default 1000)",
  out: "report directory (default reports/<run>)",
  "timeout-ms": "per-call timeout (default 60000)",
  "max-retries": "retries per call on 429, 5xx, timeouts (default 6)",
  logprobs: "ask OpenAI-compatible critics for top logprobs and record the probability-weighted score",
  seed: "seed for sampling and bootstrap (default 1)",
  resume: "continue run RUN without repeating a completed call",
  "no-cache": "do not read or write the response cache",
  quiet: "no progress display",
  junit: "also write JUnit XML to FILE (one test case per gate)",
};

/** Shared by `run` and `demo`: run the suite with a progress display, print the summary and the report paths. */
export async function runAndReport(io: CommandIO, suite: Awaited<ReturnType<typeof loadSuite>>, opts: { resume?: string; noCache?: boolean; quiet?: boolean; simulated?: boolean; batch?: boolean; batchPollMs?: number; junit?: string }): Promise<number> {
  const progress = opts.quiet ? undefined : createProgress(io.progress, { tty: io.isTTY });
  const { result, files } = await runSuite(suite, {
    cwd: io.cwd,
    resume: opts.resume,
    noCache: opts.noCache,
    replay: io.env.CRITIC_REPLAY === "1",
    batch: opts.batch,
    batchPollMs: opts.batchPollMs,
    signal: io.signal,
    onEvent: progress?.onEvent,
    simulated: opts.simulated,
  });
  io.stdout(renderConsole(result, { color: io.isTTY }));
  io.stdout(`\nReports (run ${result.run}):`);
  if (opts.junit) files.push(await writeJunit(result, resolve(io.cwd, opts.junit)));
  for (const f of files) io.stdout(`  ${relative(io.cwd, f) || f}`);
  if (io.env.GITHUB_STEP_SUMMARY) await appendStepSummary(result, io.env.GITHUB_STEP_SUMMARY);
  if (!result.complete) io.stdout(`\nThe run stopped early (${result.stopReason}); the reports are marked incomplete. Continue with: critic run --resume ${result.run}`);
  if (result.stopReason === "interrupted") return 130;
  const failed = (result.gates ?? []).filter((g) => !g.pass);
  if (failed.length) {
    io.stdout(`\n${failed.length} of ${result.gates?.length} quality gates failed:`);
    for (const o of failed) io.stdout(describeOutcome(o).replace(/^/gm, "  "));
    return 1;
  }
  return 0;
}

/**
 * The suite a run recorded in its log, with keys from the environment and the flags that may
 * change between sessions (server, concurrency, caps, timeouts) applied.
 */
async function suiteOfRun(run: string, cwd: string, env: NodeJS.ProcessEnv, flags: SuiteFlags): Promise<Suite> {
  const log = await readJournal(resolve(cwd, ".critic"), run);
  if (log.version < 2) throw new ConfigError(`run ${run} was started by critic 0.1, whose log does not record its suite; resume it with the flags or config that started it`);
  const s = suiteOfLog(log.header, { openai: env.OPENAI_API_KEY || undefined, anthropic: env.ANTHROPIC_API_KEY || undefined }, env);
  const providers = { ...s.providers };
  if (flags.baseURL) providers.openai = { ...providers.openai, baseURL: flags.baseURL };
  if (flags.concurrency) for (const k of Object.keys(providers)) providers[k] = { ...providers[k]!, concurrency: flags.concurrency };
  const suite: Suite = {
    ...s,
    providers,
    budget: { usd: flags.budgetUsd, calls: flags.maxCalls, tokens: flags.maxTokens },
    timeoutMs: flags.timeoutMs ?? s.timeoutMs,
    maxRetries: flags.maxRetries ?? s.maxRetries,
    out: flags.out ? resolve(cwd, flags.out) : s.out,
  };
  // A function is not in the log, nor a service's header values: those come only from the config.
  const own = suite.candidates.find((c) => !isModelCandidate(c));
  if (own) throw new ConfigError(`run ${run} has the ${own.kind} candidate "${own.id}", which its log cannot hold; resume it with its config: critic run --config FILE --resume ${run}`);
  for (const t of [...suite.critics, ...suite.candidates.filter(isModelCandidate)]) {
    const p = suite.providers[t.provider];
    if (!p.apiKey && (!p.baseURL || (p.apiKeyEnv && t.provider !== "openai" && t.provider !== "anthropic"))) throw new ConfigError(`${t.id} needs ${p.apiKeyEnv ?? "an API key"} in the environment (or a base URL for a local server)`, { field: "critics" });
  }
  return suite;
}

export const runCommand: Command = {
  name: "run",
  summary: "judge a dataset with one or more critics and write the reports",
  usage: "[--config FILE] [--dataset F] [--rubric R]... [--critic provider:model]... [flags]",
  flags: { ...SUITE_FLAGS, resume: { type: "string" }, "no-cache": { type: "boolean" }, quiet: { type: "boolean" }, "dry-run": { type: "boolean" }, "show-prompts": { type: "boolean" }, "assume-latency-ms": { type: "string" }, batch: { type: "boolean" }, "batch-poll-ms": { type: "string" }, junit: { type: "string" } },
  flagHelp: SUITE_FLAG_HELP,
  async run({ values }, io) {
    const flags = suiteFlags(values);
    const resume = str(values, "resume");
    // `critic run --resume RUN` alone: the run's log holds its suite, whatever flags or config started it.
    const fromLog = resume && !flags.config && !flags.dataset && !findConfig(io.cwd);
    // A dry run and a replay of a committed cache call no API: they need no key.
    const offline = bool(values, "dry-run") || io.env.CRITIC_REPLAY === "1";
    const suite = fromLog ? await suiteOfRun(resume, io.cwd, io.env, flags) : await loadSuite(flags, io.cwd, io.env, undefined, { offline });
    if (bool(values, "dry-run")) return dryRun(io, suite, num(values, "assume-latency-ms") ?? 1000, bool(values, "show-prompts"), bool(values, "batch"));
    return runAndReport(io, suite, { resume, noCache: bool(values, "no-cache"), quiet: bool(values, "quiet"), batch: bool(values, "batch"), batchPollMs: num(values, "batch-poll-ms"), junit: str(values, "junit") });
  },
};
