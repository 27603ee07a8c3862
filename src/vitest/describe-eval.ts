/**
 * describeEval: a suite as a Vitest `describe`. The suite runs once in beforeAll (response
 * cache on, so an unchanged rerun costs nothing), then every gate is one `it`.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Suite, loadSuite } from "../config/load.js";
import type { SuiteConfigInput } from "../config/schema.js";
import { describeOutcome, evaluateGates, gateName } from "../gates/evaluate.js";
import type { Gate, GateOutcome } from "../gates/types.js";
import { type SimServer, type SimServerOptions, startSimServer } from "../providers/sim/server.js";
import { appendStepSummary } from "../report/write.js";
import type { RunResult } from "../run-result.js";
import { type SuiteRun, runSuite } from "../runner/run-suite.js";
import type { TaskFn } from "../candidates/types.js";
import { compactSummary } from "./summary.js";

export interface DescribeEvalOptions {
  /** Path of a critic.config.* file (relative to `cwd`). */
  config?: string;
  /** An inline suite config (the object `defineConfig` takes); paths resolve against `cwd`. */
  suite?: SuiteConfigInput;
  /** The rows to evaluate, inline: objects with `input` (or `messages`), optional `id`, `reference` and any column. Or a dataset file path. */
  data?: Record<string, unknown>[] | string;
  /** Your system under test: one function candidate, named "task" (or give `candidates`). */
  task?: TaskFn;
  /** Candidates: `{ id, task }`, `{ id, http }` or `{ id, model, prompt }`, side by side. */
  candidates?: SuiteConfigInput["candidates"];
  /** Rubric ids, paths, or rubric objects ({ id, title, question, inputs?, scale }). */
  rubrics?: SuiteConfigInput["rubrics"];
  /** Critic models, `provider:model` (default with `simulate`: the simulator's strong critic). */
  critics?: SuiteConfigInput["critics"];
  /** Quality gates, as in a config's `gates:`; each becomes a test. */
  gates?: SuiteConfigInput["gates"];
  /** Start the built-in simulator and point both providers at it (no key, no network). */
  simulate?: boolean | SimServerOptions;
  /** Working directory: config lookup, relative paths and the `.critic/` cache (default process.cwd()). */
  cwd?: string;
  /** Write the reports to this directory (default: none). */
  out?: string;
  noCache?: boolean;
  /** A cache miss is an error instead of an API call (default: CRITIC_REPLAY=1 in the environment). */
  replay?: boolean;
  /** Timeout of the run in beforeAll (default 10 minutes). */
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  /** Do not print the per-candidate summary after the run. */
  quiet?: boolean;
}

export interface MeanGateBuilder {
  /** Passes when the lower bound of the mean's 95% interval is at least `x`. */
  atLeast(x: number, name?: string): void;
  /** Passes when the upper bound of the mean's 95% interval is at most `x`. */
  atMost(x: number, name?: string): void;
}

export interface CompareGateBuilder {
  /** Non-inferiority: passes when the lower bound of candidate − baseline is above −margin. */
  notWorseBy(margin: number, name?: string): void;
  /** Superiority: passes when the lower bound of candidate − baseline is above `margin` (default 0). */
  betterBy(margin?: number, name?: string): void;
}

export interface GateBuilder {
  mean(candidate: string, rubric: string): MeanGateBuilder;
  compare(candidate: string, baseline: string, rubric: string): CompareGateBuilder;
  /** A gate as written in a config's `gates:`. */
  add(gate: Gate): void;
}

export interface EvalContext {
  gate: GateBuilder;
  /** The run's result; available inside tests (after beforeAll), not while collecting. */
  readonly result: RunResult;
  readonly run: SuiteRun;
}

/** Vitest prints the stack's first frame as a code frame: point it at the line that declared the gate. */
function failure(o: GateOutcome, site: Error): Error {
  const e = new Error(describeOutcome(o));
  e.name = "GateFailed";
  const frames = (site.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l) && !l.includes("/vitest/describe-eval."));
  e.stack = `GateFailed: ${e.message}\n${frames.join("\n")}`;
  return e;
}

/** The inline options (`data`, `task`, `rubrics`, ...) over `suite`: the whole suite can sit in the test file. */
function inlineSuite(name: string, opts: DescribeEvalOptions): SuiteConfigInput | undefined {
  const given = opts.data !== undefined || opts.task || opts.candidates || opts.rubrics || opts.critics || opts.gates;
  if (!given) return opts.suite;
  const base: Partial<SuiteConfigInput> = opts.suite ?? {};
  const data = typeof opts.data === "string" ? { dataset: opts.data } : opts.data ? { data: opts.data } : {};
  const candidates = opts.task ? [{ id: "task", task: opts.task }, ...(opts.candidates ?? [])] : (opts.candidates ?? base.candidates);
  const critics = opts.critics ?? base.critics ?? (opts.simulate ? [DEFAULT_SIM_CRITIC] : undefined);
  return { name, ...base, ...data, rubrics: opts.rubrics ?? base.rubrics, critics, candidates, gates: opts.gates ?? base.gates } as SuiteConfigInput;
}

const DEFAULT_SIM_CRITIC = "openai:sim-critic-strong";

/**
 * Every provider, named endpoints included, at the simulator by its wire type (Azure's URL shape
 * is served at the root). Answers stay filed under the configured endpoint, not the simulator's
 * port of the day, so CRITIC_REPLAY finds them in the next process.
 */
function simulatedProviders(providers: Suite["providers"], sim: SimServer): Suite["providers"] {
  const base = (type: string) => (type === "anthropic" ? sim.anthropicBaseURL : type === "azure-openai" ? sim.url : sim.openaiBaseURL);
  return Object.fromEntries(
    Object.entries(providers).map(([name, p]) => [name, { ...p, baseURL: base(p.type), apiKey: "sim-key", cacheScope: name === "openai" || name === "anthropic" ? name : `${name}@${p.baseURL ?? ""}` }]),
  );
}

async function prepare(name: string, opts: DescribeEvalOptions, cwd: string, env: Record<string, string | undefined>): Promise<Suite> {
  // Simulated, no provider needs a key: each is pointed at the simulator before the run. Replaying
  // a committed cache calls no API either.
  return loadSuite({ config: opts.config }, cwd, env, inlineSuite(name, opts), { offline: Boolean(opts.simulate) || (opts.replay ?? env.CRITIC_REPLAY === "1") });
}

/**
 * Run a critic suite inside Vitest; each gate is one test.
 * @example
 *   describeEval("support replies", { config: "critic.config.ts" }, ({ gate }) => {
 *     gate.mean("v2", "politeness").atLeast(5.5);
 *     gate.compare("v2", "v1", "accuracy").notWorseBy(0.2);
 *   });
 */
export function describeEval(name: string, opts: DescribeEvalOptions, body?: (ctx: EvalContext) => void): void {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const env = opts.env ?? process.env;
  let run: SuiteRun | null = null;
  let outcomes: GateOutcome[] = [];
  const gates: { gate: Gate; site: Error }[] = [];
  let sim: SimServer | null = null;

  describe(name, async () => {
    // Loading while collecting: config errors surface at once, and config `gates:` become tests too.
    const suite = await prepare(name, opts, cwd, env);
    const declare = (gate: Gate, site: Error) => {
      const index = gates.push({ gate, site }) - 1;
      it(`gate: ${gateName(gate)}`, () => {
        const o = outcomes[index];
        if (!o) throw new Error("the suite did not run (see the error in beforeAll)");
        if (!o.pass) throw failure(o, site);
      });
    };
    for (const g of suite.gates) declare(g, new Error());
    const gate: GateBuilder = {
      mean: (candidate, rubric) => ({
        atLeast: (x, n) => declare({ type: "mean", candidate, rubric, atLeast: x, name: n }, new Error()),
        atMost: (x, n) => declare({ type: "mean", candidate, rubric, atMost: x, name: n }, new Error()),
      }),
      compare: (candidate, baseline, rubric) => ({
        notWorseBy: (m, n) => declare({ type: "compare", candidate, baseline, rubric, notWorseBy: m, name: n }, new Error()),
        betterBy: (m = 0, n) => declare({ type: "compare", candidate, baseline, rubric, betterBy: m, name: n }, new Error()),
      }),
      add: (g) => declare(g, new Error()),
    };
    const ctx: EvalContext = {
      gate,
      get result() {
        if (!run) throw new Error("ctx.result is available inside tests, after the suite has run");
        return run.result;
      },
      get run() {
        if (!run) throw new Error("ctx.run is available inside tests, after the suite has run");
        return run;
      },
    };
    body?.(ctx);

    beforeAll(async () => {
      let s = suite;
      if (opts.simulate) {
        // The same simulated world as `critic demo` (seed 7), without its artificial latency.
        sim = await startSimServer(typeof opts.simulate === "object" ? opts.simulate : { seed: 7, latencyMs: 0 });
        s = { ...s, providers: simulatedProviders(s.providers, sim) };
      }
      const all = gates.map((g) => g.gate);
      run = await runSuite({ ...s, gates: all }, { cwd, out: opts.out, write: opts.out !== undefined, noCache: opts.noCache, replay: opts.replay ?? env.CRITIC_REPLAY === "1", simulated: Boolean(opts.simulate) });
      outcomes = run.result.gates ?? evaluateGates(run.result, all);
      if (!opts.quiet) console.log(compactSummary(name, run));
      if (env.GITHUB_STEP_SUMMARY) await appendStepSummary(run.result, env.GITHUB_STEP_SUMMARY);
    }, opts.timeoutMs ?? 600_000);

    afterAll(async () => {
      await sim?.close();
    });
  });
}
