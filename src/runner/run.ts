import { setMaxListeners } from "node:events";
import { BudgetExhausted, CacheMissError, ConfigError, ProviderError } from "../errors.js";
import type { CandidateTarget, CriticTarget, Suite, SuiteCandidate } from "../config/load.js";
import { createCandidateRunner } from "../candidates/generate.js";
import type { Rubric } from "../config/rubric.js";
import { levelDistribution } from "../critic/logprobs.js";
import { parseScore } from "../critic/parse.js";
import { type ChatMessage, criticMessages, reask } from "../critic/prompt.js";
import type { DatasetRow } from "../data/dataset.js";
import { type Adaptation, ShapeBook, describeAdaptation, shapeFields } from "../providers/shapes.js";
import type { Generation, Judgment } from "../run-result.js";
import { needsEscalation } from "../sampling/cascade.js";
import { isAudited } from "./audit.js";
import { ResponseCache } from "../store/cache.js";
import { Journal, type JournalContents } from "../store/journal.js";
import { runHeader } from "./run-log.js";
import { Budget, type BudgetUsage } from "./budget.js";
import { type Caller, createCaller } from "./call.js";
import type { RunEventListener } from "./events.js";
import { buildLimiters, buildProviders, cacheScopes } from "./providers.js";
import { DEFAULT_RETRY } from "./retry.js";
import { forEachBounded, unitWindow } from "./window.js";

export interface ExecuteOptions {
  suite: Suite;
  /** The rows to judge: an array, or a stream read from disk as the run goes (a large dataset is never all in memory). */
  rows: Iterable<DatasetRow> | AsyncIterable<DatasetRow>;
  /** The (item, candidate) units the rows yield, for the progress total and the resume count. */
  units: { item: string; candidate: string }[];
  run: string;
  /** Previous journal when resuming: completed work is taken from it, never called again. */
  resume?: JournalContents;
  noCache?: boolean;
  replay?: boolean;
  /** Send calls through the providers' batch APIs (half price, minutes to hours of turnaround). */
  batch?: boolean;
  batchPollMs?: number;
  signal: AbortSignal;
  onEvent?: RunEventListener;
  /** The caps, shared by every executeRun of one session (a sequential comparison makes one per batch). */
  budget?: Budget;
  /** The run log, opened by the caller (runSuite) and left open; without one, a log of this call alone is written. */
  journal?: Journal;
}

export interface ExecutedRun {
  run: string;
  startedAt: string;
  finishedAt: string;
  judgments: Judgment[];
  generations: Generation[];
  /** Length and start of the output judged for each (item, candidate); the full text stays on disk and in the journal. */
  outputs: Map<string, OutputInfo>;
  stopReason: string | null;
  complete: boolean;
  calls: number;
  /** The caps this session ran under and what it used of them. */
  caps?: BudgetUsage;
  /** Calls went through the batch APIs. */
  batch: boolean;
  /** Request-shape changes learned from the servers, the resumed journal's included. */
  adaptations?: Adaptation[];
  /** What the report says about them, one line each. */
  shapeNotes?: string[];
}

export interface OutputInfo {
  chars: number;
  preview: string;
}

/** Characters of each output kept for reports. */
const PREVIEW_CHARS = 160;
export const outputInfo = (text: string): OutputInfo => ({ chars: text.length, preview: text.slice(0, PREVIEW_CHARS) });

const TOP_LOGPROBS = 10;
const RAW_KEEP = 500;

export function judgmentKey(item: string, candidate: string, rubric: string, critic: string): string {
  return JSON.stringify([item, candidate, rubric, critic]);
}

export function generationKey(item: string, candidate: string): string {
  return JSON.stringify([item, candidate]);
}

/** Render a candidate prompt template: {{input}}, {{reference}} and any metadata column. */
export function renderTemplate(template: string, row: DatasetRow): string {
  return template.replace(/\{\{\s*([\w:-]+)\s*\}\}/g, (_, name: string) => {
    if (name === "input") return row.input;
    if (name === "reference") return row.reference ?? "";
    if (name === "id") return row.id;
    return row.meta[name] ?? "";
  });
}

function reasonOf(e: unknown): string {
  if (e instanceof ProviderError) return e.kind === "http" ? `http_${e.status}` : e.kind;
  return "error";
}

/**
 * plan -> cache -> provider -> journal. Candidates generate first (when the suite lists them),
 * each (item, candidate) output is then judged by every critic on every rubric. The runner is
 * the only place that schedules calls.
 */
export async function executeRun(opts: ExecuteOptions): Promise<ExecutedRun> {
  const { suite, rows, run } = opts;
  const own = opts.journal ? null : await Journal.open(suite.cacheDir, runHeader(run, new Date().toISOString(), suite, { file: suite.dataset, goldRubrics: [], candidates: [] }, false, null));
  const journal = (opts.journal ?? own)!;
  // Everything the log holds counts as done: earlier sessions and, in a sequential comparison, earlier batches.
  const resume = opts.journal ? journal.log : opts.resume;
  const startedAt = journal.log.header.startedAt;
  const limiters = buildLimiters(suite);
  const budget = opts.budget ?? new Budget(suite.budget);
  const internal = new AbortController();
  const signal = AbortSignal.any([opts.signal, internal.signal]);
  // Every unit in the window and each request's own signal listen on this one.
  setMaxListeners(0, signal);
  const adaptations: Adaptation[] = [...(resume?.adaptations ?? [])];
  const shapeNotes = adaptations.map(describeAdaptation);
  const cascadeCheap = suite.cascade ? suite.critics.find((c) => c.id === suite.cascade?.critics[0]) : undefined;
  let adaptFailure: ConfigError | null = null;
  const onAdapt = (a: Adaptation) => {
    const line = describeAdaptation(a);
    adaptations.push(a);
    shapeNotes.push(line);
    opts.onEvent?.({ type: "adapted", message: line });
    void journal.adaptation(a).catch(() => undefined);
    // The cascade's threshold rule read these logprobs: fall back to its band, or stop.
    if (a.change === "drop_logprobs" && cascadeCheap && cascadeCheap.provider === a.provider && cascadeCheap.model === a.model) {
      if (suite.cascade?.band) shapeNotes.push(`The cascade fell back to its band [${suite.cascade.band.join(", ")}]: its cheap critic ${cascadeCheap.id} returns no logprobs.`);
      else adaptFailure ??= new ConfigError(`the cascade's threshold needs logprobs from ${cascadeCheap.id}, and its server returns none; give the cascade a band, e.g. band: [3, 5]`, { field: "cascade" });
    }
  };
  const cache = new ResponseCache(suite.cacheDir, !opts.noCache);
  const call = createCaller({
    shapes: new ShapeBook(resume?.adaptations),
    cacheScopes: cacheScopes(suite),
    onAdapt,
    providers: buildProviders(suite),
    limiters,
    cache,
    budget,
    retry: { ...DEFAULT_RETRY, maxRetries: suite.maxRetries },
    prices: suite.prices,
    signal,
    onEvent: opts.onEvent,
    replay: opts.replay,
    journal,
    batcher: opts.batch
      ? (await import("./batcher.js")).createBatcher(suite, {
          known: resume?.batches,
          record: (r) => journal.batch(r),
          signal,
          pollMs: opts.batchPollMs,
          onProgress: (p) => opts.onEvent?.({ type: "batch", phase: p.phase, batchId: p.batchId, status: p.status, open: p.open }),
        })
      : undefined,
  });

  // Function and HTTP candidates: their own limits and deadlines, the same run signal and cache.
  const candidates = createCandidateRunner({ signal, cache: new ResponseCache(suite.cacheDir, !opts.noCache), retry: { ...DEFAULT_RETRY, maxRetries: suite.maxRetries }, onEvent: opts.onEvent });
  const judgments: Judgment[] = [];
  const generations: Generation[] = [];
  const outputs = new Map<string, OutputInfo>();
  let fatalError: Error | null = null;
  const stopAll = () => {
    for (const l of Object.values(limiters)) l.clear();
  };
  const onAbort = () => stopAll();
  opts.signal.addEventListener("abort", onAbort, { once: true });

  const total = opts.units.length * suite.rubrics.length * suite.critics.length;
  let done = 0;
  for (const u of opts.units) for (const r of suite.rubrics) for (const c of suite.critics) if (resume?.judgments.has(judgmentKey(u.item, u.candidate, r.id, c.id))) done++;
  opts.onEvent?.({ type: "started", run, total, alreadyDone: done });

  const handleStop = (e: unknown): boolean => {
    if (e instanceof BudgetExhausted) {
      opts.onEvent?.({ type: "budget", which: e.which });
      stopAll();
      return true;
    }
    if ((e as Error)?.name === "AbortError" || signal.aborted) return true;
    // Bad configuration (key, model, base URL) or a replay cache miss: every other call would fail the same way.
    if (e instanceof ConfigError || e instanceof CacheMissError) {
      // The journal is intact: say which run to resume once the cause is fixed.
      fatalError ??= e instanceof ConfigError ? new ConfigError(`${e.message}\nRun ${run} stopped; its journal keeps everything already judged. After the fix, continue with: critic run --resume ${run}`) : e;
      internal.abort(e);
      stopAll();
      return true;
    }
    return false;
  };

  /** One critic on one output and rubric: from the resumed journal, or judged and journaled now. */
  const judgeWith = async (u: Unit, output: string, rubric: Rubric, critic: CriticTarget): Promise<Judgment | null> => {
    const key = judgmentKey(u.row.id, u.candidate, rubric.id, critic.id);
    const prior = resume?.judgments.get(key);
    if (prior) {
      judgments.push(prior);
      return prior;
    }
    // Interrupted: units still in the window only collect what the journal already holds.
    if (signal.aborted) return null;
    let j: Judgment;
    try {
      if (adaptFailure) throw adaptFailure;
      j = critic.samples && critic.samples > 1 ? await judgeSampled(call, critic, rubric, u.row, u.candidate, output, suite.maxOutputChars, key) : await judgeOne(call, critic, rubric, u.row, u.candidate, output, suite.maxOutputChars, key);
      if (j.kind === "abstain") opts.onEvent?.({ type: "abstained", critic: critic.id, reason: j.reason ?? "" });
    } catch (e) {
      if (handleStop(e)) return null;
      j = failedJudgment(u.row.id, u.candidate, rubric.id, critic.id, e);
    }
    await journal.judgment(key, j);
    judgments.push(j);
    done++;
    opts.onEvent?.({ type: "judged", done, total, cached: j.cached, costUsd: j.kind === "failed" ? null : j.costUsd, failed: j.kind === "failed" });
    return j;
  };

  /** The output about to be judged, in the log once: every view lists and previews outputs from it. */
  const noteUnit = (u: Unit, output: string) => {
    const key = generationKey(u.row.id, u.candidate);
    const info = outputInfo(output);
    outputs.set(key, info);
    // Not awaited: the unit's judgment lines are written after it, so they can only be on disk with it.
    if (!journal.log.units.has(key)) void journal.unit({ item: u.row.id, candidate: u.candidate, line: u.row.line, ...info, gold: u.target ? {} : u.row.gold }).catch(() => undefined);
  };

  const cascade = suite.cascade;
  const judgeUnit = async (u: Unit, output: string) => {
    await Promise.all(
      suite.rubrics.flatMap((rubric) =>
        suite.critics.map(async (critic) => {
          if (!cascade?.critics.includes(critic.id)) return judgeWith(u, output, rubric, critic);
          if (critic.id === cascade.critics[1]) return; // the expensive critic is called by the cheap one's branch
          const cheap = await judgeWith(u, output, rubric, critic);
          if (!cheap || signal.aborted) return;
          const audited = isAudited(suite.seed, u.row.id, u.candidate, rubric.id, cascade.audit);
          const escalate = needsEscalation({ cheapLevel: cheap.level, cheapDistribution: cheap.distribution, threshold: cascade.threshold, band: cascade.band });
          if (escalate || audited) await judgeWith(u, output, rubric, suite.critics.find((c) => c.id === cascade.critics[1])!);
        }),
      ),
    );
  };

  // A bounded window of units, not all of them at once: memory stays flat on a 100,000-row dataset.
  // Batch mode takes every unit at once: a round goes out when requests stop arriving, and a
  // window would split one batch into many rounds, each hours long.
  const width = opts.batch ? Math.max(1, opts.units.length) : unitWindow(Object.values(limiters).map((l) => l.max));
  await forEachBounded(unitsOf(rows, suite), width, async (u) => {
    if (!u.target) {
      const output = u.row.output ?? "";
      noteUnit(u, output);
      return judgeUnit(u, output);
    }
    const gkey = generationKey(u.row.id, u.candidate);
    let gen = resume?.generations.get(gkey);
    if (!gen) {
      try {
        gen = u.target.kind === "task" || u.target.kind === "http" ? await candidates.generate(u.target, u.row) : await generate(call, u.target, u.row, `${gkey}|gen`);
      } catch (e) {
        if (handleStop(e)) return;
        gen = failedGeneration(u.row.id, u.candidate, e);
      }
      await journal.generation(gkey, gen);
      opts.onEvent?.({ type: "generated", candidate: u.candidate, cached: gen.cached, costUsd: gen.costUsd });
    }
    generations.push(gen);
    if (gen.failed) {
      // Nothing to judge: every judgment of this output is reported failed, never silently missing.
      for (const r of suite.rubrics) for (const c of suite.critics) judgments.push(failedJudgment(u.row.id, u.candidate, r.id, c.id, new Error(`generation failed: ${gen.failed}`)));
      return;
    }
    noteUnit(u, gen.output);
    return judgeUnit(u, gen.output);
  });
  opts.signal.removeEventListener("abort", onAbort);
  await cache.close(run);
  await own?.close();
  if (fatalError) throw fatalError;
  const stopReason = opts.signal.aborted ? "interrupted" : budget.stopReason;
  opts.onEvent?.({ type: "finished", complete: stopReason === null });
  return { run, startedAt, finishedAt: new Date().toISOString(), judgments, generations, outputs, stopReason, complete: stopReason === null, calls: budget.calls, caps: budget.usage(), batch: Boolean(opts.batch), adaptations, shapeNotes };
}

/** One output to judge: a dataset row's own output, or what a candidate generates for the row. */
interface Unit {
  row: DatasetRow;
  candidate: string;
  target?: SuiteCandidate;
}

async function* unitsOf(rows: Iterable<DatasetRow> | AsyncIterable<DatasetRow>, suite: Suite): AsyncGenerator<Unit> {
  for await (const row of rows) {
    if (suite.candidates.length) for (const t of suite.candidates) yield { row, candidate: t.id, target: t };
    else yield { row, candidate: row.candidate };
  }
}

/** The units a set of rows yields, without their texts. */
export function plannedUnits(rows: readonly { id: string; candidate: string }[], suite: Suite): { item: string; candidate: string }[] {
  return suite.candidates.length ? rows.flatMap((r) => suite.candidates.map((t) => ({ item: r.id, candidate: t.id }))) : rows.map((r) => ({ item: r.id, candidate: r.candidate }));
}

/** What a model candidate is sent for a row (the dry run shows and prices the same). */
export function generationMessages(t: Pick<CandidateTarget, "system" | "prompt">, row: DatasetRow): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (t.system && !row.messages?.some((m) => m.role === "system")) messages.push({ role: "system", content: t.system });
  // A conversation is continued as it stands; a single prompt is the candidate's template filled in.
  if (row.messages) messages.push(...row.messages);
  else messages.push({ role: "user", content: renderTemplate(t.prompt, row) });
  return messages;
}

async function generate(call: Caller, t: CandidateTarget, row: DatasetRow, callId: string): Promise<Generation> {
  const messages = generationMessages(t, row);
  const r = await call(t, { model: t.model, messages, ...shapeFields(t.shape), ...(t.stream ? { stream: true } : {}) }, callId);
  const first = r.cached ? null : (r.reply.firstTokenMs ?? null);
  // Tokens after the first, over the time after the first token: the pace a reader sees the answer arrive at.
  const streamedMs = first == null ? 0 : r.reply.latencyMs - first;
  const pace = first != null && streamedMs > 0 && r.reply.outputTokens ? (r.reply.outputTokens - 1) / (streamedMs / 1000) : null;
  return {
    item: row.id,
    candidate: t.id,
    output: r.reply.text,
    cached: r.cached,
    attempts: r.attempts,
    latencyMs: r.cached ? null : r.reply.latencyMs,
    inputTokens: r.reply.inputTokens,
    outputTokens: r.reply.outputTokens,
    ...(r.reply.reasoningTokens ? { reasoningTokens: r.reply.reasoningTokens } : {}),
    costUsd: r.costUsd,
    failed: null,
    ...(first != null ? { firstTokenMs: first, tokensPerSecond: pace } : {}),
  };
}

/** One output, one rubric, one critic: ask, parse strictly, re-ask once, else abstain. */
/**
 * `samples: k`: k calls of the same prompt (a sample index keeps them apart in the cache), at
 * temperature 1 unless the config sets one (a model that takes none samples at its fixed one);
 * the level is the mean of the samples that parsed, rounded, and the samples are kept.
 */
async function judgeSampled(call: Caller, critic: CriticTarget, rubric: Rubric, row: DatasetRow, candidate: string, output: string, maxChars: number, key: string): Promise<Judgment> {
  const temperature = critic.overrides.temperature !== undefined || critic.shape.temperature === null ? critic.shape.temperature : 1;
  const js = await Promise.all(Array.from({ length: critic.samples ?? 1 }, (_, s) => judgeOne(call, critic, rubric, row, candidate, output, maxChars, `${key}|sample${s}`, { sample: s, temperature })));
  const scored = js.filter((j) => j.kind === "score");
  const base = scored[0] ?? js.find((j) => j.kind === "abstain") ?? js[0]!;
  const add = (f: (j: Judgment) => number | null) => js.reduce<number | null>((t, j) => (t == null || f(j) == null ? null : t + f(j)!), 0);
  const samples = scored.map((j) => j.level!);
  const mean = samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : null;
  return {
    ...base,
    level: mean == null ? null : Math.round(mean),
    ...(mean == null ? {} : { samples, sampleMean: mean }),
    cached: js.every((j) => j.cached),
    attempts: js.reduce((t, j) => t + j.attempts, 0),
    latencyMs: add((j) => j.latencyMs ?? 0),
    inputTokens: add((j) => j.inputTokens),
    outputTokens: add((j) => j.outputTokens),
    costUsd: add((j) => j.costUsd),
  };
}

async function judgeOne(call: Caller, critic: CriticTarget, rubric: Rubric, row: DatasetRow, candidate: string, output: string, maxChars: number, key: string, sampling?: { sample: number; temperature: number | null }): Promise<Judgment> {
  const messages = criticMessages(rubric, { input: row.input, output, reference: row.reference, conversation: row.messages, columns: row.meta }, maxChars);
  const req = { model: critic.model, messages, ...shapeFields(critic.shape), ...(critic.logprobs ? { topLogprobs: TOP_LOGPROBS } : {}), ...(sampling ? { temperature: sampling.temperature, sample: sampling.sample } : {}) };
  let r = await call(critic, req, `${key}|ask`);
  const K = rubric.levels.length;
  let parsed = parseScore(r.reply.text, K);
  let attempts = r.attempts;
  let cost = r.costUsd;
  let latency = r.cached ? null : r.reply.latencyMs;
  let allCached = r.cached;
  const sum = (a: number | null, b: number | null) => (a == null || b == null ? null : a + b);
  let inTok = r.reply.inputTokens;
  let outTok = r.reply.outputTokens;
  let reasoningTok = r.reply.reasoningTokens ?? 0;
  if (parsed.kind === "abstain") {
    const again = await call(critic, { ...req, messages: [...messages, { role: "assistant", content: r.reply.text }, { role: "user", content: reask(K) }] }, `${key}|reask`);
    attempts += again.attempts;
    cost = sum(cost, again.costUsd);
    latency = again.cached ? latency : sum(latency ?? 0, again.reply.latencyMs);
    inTok = sum(inTok, again.reply.inputTokens);
    outTok = sum(outTok, again.reply.outputTokens);
    reasoningTok += again.reply.reasoningTokens ?? 0;
    allCached &&= again.cached;
    r = again;
    parsed = parseScore(again.reply.text, K);
  }
  const dist = parsed.kind === "score" && r.reply.firstTokenTop ? levelDistribution(r.reply.firstTokenTop, K) : null;
  const distribution = dist ? dist.p.map((v) => Math.round(v * 1e4) / 1e4) : null;
  return {
    item: row.id,
    candidate,
    rubric: rubric.id,
    critic: critic.id,
    kind: parsed.kind,
    level: parsed.kind === "score" ? parsed.level : null,
    expected: dist ? dist.expected : null,
    distribution,
    reason: parsed.kind === "abstain" ? parsed.reason : null,
    raw: r.reply.text.slice(0, RAW_KEEP),
    cached: allCached,
    attempts,
    latencyMs: latency,
    inputTokens: inTok,
    outputTokens: outTok,
    ...(reasoningTok ? { reasoningTokens: reasoningTok } : {}),
    costUsd: cost,
    at: new Date().toISOString(),
  };
}

/** What a call that ended in failure still cost: an empty reply cut at its allowance was generated and billed. */
function spentOn(e: unknown): Pick<Judgment, "inputTokens" | "outputTokens" | "costUsd" | "reasoningTokens"> {
  const s = (e as { spent?: { reply: { inputTokens: number | null; outputTokens: number | null; reasoningTokens?: number | null }; costUsd: number | null } })?.spent;
  if (!s) return { inputTokens: null, outputTokens: null, costUsd: null };
  return { inputTokens: s.reply.inputTokens, outputTokens: s.reply.outputTokens, costUsd: s.costUsd, ...(s.reply.reasoningTokens ? { reasoningTokens: s.reply.reasoningTokens } : {}) };
}

function failedJudgment(item: string, candidate: string, rubric: string, critic: string, e: unknown): Judgment {
  return {
    item,
    candidate,
    rubric,
    critic,
    kind: "failed",
    level: null,
    expected: null,
    reason: reasonOf(e),
    raw: (e instanceof Error ? e.message : String(e)).slice(0, RAW_KEEP),
    cached: false,
    attempts: (e as { attempts?: number })?.attempts ?? 1,
    latencyMs: null,
    ...spentOn(e),
    at: new Date().toISOString(),
  };
}

function failedGeneration(item: string, candidate: string, e: unknown): Generation {
  return { item, candidate, output: "", cached: false, attempts: (e as { attempts?: number })?.attempts ?? 1, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null, failed: reasonOf(e) };
}
