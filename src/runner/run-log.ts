import { applySequential } from "./sequential.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION as ANTHROPIC_VERSION } from "@anthropic-ai/sdk/version";
import { VERSION as OPENAI_VERSION } from "openai/version";
import { type ProviderKind, type Suite, type SuiteCandidate, isModelCandidate } from "../config/load.js";
import type { RowRef } from "../data/dataset.js";
import { InputError } from "../errors.js";
import { packageRoot } from "../paths.js";
import { priceFor } from "../providers/prices.js";
import { describeAdaptation } from "../providers/shapes.js";
import type { Judgment, RunResult } from "../run-result.js";
import type { JournalContents, JournalHeader, LogVersions } from "../store/journal.js";
import { JOURNAL_VERSION } from "../store/journal.js";
import { decidePairs } from "./pairwise-verdicts.js";
import { buildRunResult } from "./result.js";
import type { ExecutedRun, OutputInfo } from "./run.js";

let versions: LogVersions | null = null;

/** Versions of critic, the SDKs and Node, as recorded in every run log. */
export function logVersions(): LogVersions {
  versions ??= {
    critic: (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version,
    node: process.versions.node,
    openai: OPENAI_VERSION,
    anthropic: ANTHROPIC_VERSION,
  };
  return versions;
}

/**
 * The suite as resolved, for the log: rubric texts, targets, caps, cascade, comparison, gates,
 * and the price of every model it calls (the table's and the config's, so a later price-table
 * change does not rewrite an old run's dollars). API keys are never in it.
 */
export function loggedSuite(suite: Suite): Record<string, unknown> {
  const prices = { ...suite.prices };
  for (const t of [...suite.critics, ...suite.candidates.filter(isModelCandidate)]) {
    const p = priceFor(t.model, suite.prices);
    if (p) prices[t.model] = p;
  }
  // Everything but the key, and headers that may carry a credential.
  const providers = Object.fromEntries(
    Object.entries(suite.providers).map(([k, p]) => {
      const headers = p.headers ? Object.fromEntries(Object.entries(p.headers).filter(([h]) => !CREDENTIAL_HEADER.test(h))) : undefined;
      return [k, { type: p.type, baseURL: p.baseURL, apiKeyEnv: p.apiKeyEnv, concurrency: p.concurrency, ...(headers ? { headers } : {}), ...(p.apiVersion ? { apiVersion: p.apiVersion } : {}) }];
    }),
  );
  return { ...suite, providers, prices, candidates: suite.candidates.map(loggedCandidate) };
}

/** A service's header values may be secrets (read from the environment): the log keeps their names only. A function is not data. */
function loggedCandidate(c: SuiteCandidate): unknown {
  if (c.kind === "http") return { ...c, headers: Object.fromEntries(Object.keys(c.headers).map((k) => [k, "***"])), secrets: [] };
  if (c.kind === "task") return { ...c, task: null };
  return c;
}

/** Header names whose values are secrets: never written to the log. */
const CREDENTIAL_HEADER = /authorization|cookie|key|token|secret|password/i;

/**
 * The suite a log recorded; keys (for a resume) come from `keys` (by provider name) or from the
 * environment variable each provider names, never from the log. Logs from before named
 * providers have only openai and anthropic, whose type is their name.
 */
export function suiteOfLog(header: JournalHeader, keys: Partial<Record<ProviderKind, string>> = {}, env: NodeJS.ProcessEnv = {}): Suite {
  const s = header.suite as unknown as Suite;
  const providers: Suite["providers"] = {};
  for (const [k, p] of Object.entries(s.providers)) {
    providers[k] = { ...p, type: p.type ?? (k === "anthropic" ? "anthropic" : "openai"), apiKey: keys[k] ?? (p.apiKeyEnv ? env[p.apiKeyEnv] || undefined : undefined) };
  }
  return { ...s, providers };
}

export function runHeader(run: string, startedAt: string, suite: Suite, dataset: { file: string; goldRubrics: string[]; candidates: string[] }, simulated: boolean, sampleNote: string | null, git: string | null = null): JournalHeader {
  return { type: "run", version: JOURNAL_VERSION, run, startedAt, versions: logVersions(), simulated, suite: loggedSuite(suite), dataset, sampleNote, git };
}

/** Critic and rubric ids of the suite a log recorded (version 1 kept ids, version 2 the targets). */
export function suiteIds(header: JournalHeader): { critics: string[]; rubrics: string[] } {
  const s = header.suite as { critics?: (string | { id: string })[]; rubrics?: (string | { id: string })[] };
  const ids = (xs: (string | { id: string })[] | undefined) => (xs ?? []).map((x) => (typeof x === "string" ? x : x.id));
  return { critics: ids(s.critics), rubrics: ids(s.rubrics) };
}

/** What the report says about request shapes: logprobs a model family cannot give, and each change learned from a server. */
function shapeNotes(suite: Suite, log: JournalContents): string[] {
  const notes: string[] = [];
  for (const c of suite.critics) if (c.logprobsUnavailable) notes.push(`${c.id}: logprobs were asked for, but ${c.shape.family === "anthropic" ? "Anthropic's API" : `its model family (${c.shape.family})`} returns none, so its probability-weighted score is unavailable (not estimated).`);
  const cheap = suite.cascade ? suite.critics.find((c) => c.id === suite.cascade?.critics[0]) : undefined;
  for (const a of log.adaptations) {
    notes.push(describeAdaptation(a));
    if (a.change === "drop_logprobs" && cheap && suite.cascade?.band && cheap.provider === a.provider && cheap.model === a.model) {
      notes.push(`The cascade fell back to its band [${suite.cascade.band.join(", ")}]: its cheap critic ${cheap.id} returns no logprobs.`);
    }
  }
  return notes;
}

export type LogDataset = { file: string; goldRubrics: string[]; rows: RowRef[] };

function failedOf(item: string, candidate: string, rubric: string, critic: string, why: string): Judgment {
  return { item, candidate, rubric, critic, kind: "failed", level: null, expected: null, reason: "generation_failed", raw: `generation failed: ${why}`, cached: false, attempts: 0, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null, at: "" };
}

/**
 * The RunResult of a run log, and nothing else: `critic run` (on the log it has just written)
 * and `critic report RUN` (on the log read back) both call this, so they agree. `withGold` may
 * replace gold labels before the statistics are computed (`critic calibrate`).
 */
export function resultFromLog(log: JournalContents, withGold?: (d: LogDataset, suite: Suite) => LogDataset): { suite: Suite; result: RunResult } {
  const h = log.header;
  if (log.version < 2) {
    throw new InputError(
      { file: join("runs", h.run, "journal.jsonl"), line: 1 },
      `this run log is version ${log.version}, written by critic 0.1, which did not record the rubric texts, the outputs judged or the gold labels, so no report can be rebuilt from it; run the suite again (or finish it with --resume and read the report that run writes)`,
    );
  }
  const suite = suiteOfLog(h);
  const units = [...log.units.values()].sort((a, b) => a.line - b.line);
  const outputs = new Map<string, OutputInfo>();
  const rows: RowRef[] = [];
  const seen = new Set<string>();
  for (const u of units) {
    const key = JSON.stringify([u.item, u.candidate]);
    outputs.set(key, { chars: u.chars, preview: u.preview });
    // Generated outputs share their item's row; only dataset outputs carry gold.
    const generated = suite.candidates.length > 0;
    const rowKey = generated ? u.item : key;
    if (seen.has(rowKey)) continue;
    seen.add(rowKey);
    rows.push({ id: u.item, candidate: generated ? "default" : u.candidate, gold: u.gold, meta: {}, line: u.line });
  }
  let dataset: LogDataset = { file: h.dataset.file, goldRubrics: h.dataset.goldRubrics, rows };
  if (withGold) dataset = withGold(dataset, suite);
  const judgments = [...log.judgments.values(), ...log.failedJudgments.values()];
  const generations = [...log.generations.values(), ...log.failedGenerations.values()];
  // Nothing to judge where a generation failed: each of its judgments is reported failed, never silently missing.
  for (const g of log.failedGenerations.values()) for (const r of suite.rubrics) for (const c of suite.critics) judgments.push(failedOf(g.item, g.candidate, r.id, c.id, g.failed ?? "error"));
  const end = log.end;
  // ISO timestamps sort as strings: the last judgment's is the latest.
  const lastAt = judgments.map((j) => j.at).sort().at(-1) ?? h.startedAt;
  const stopReason = end ? end.stopReason : `the run was killed before it finished (continue it with critic run --resume ${h.run})`;
  const executed: ExecutedRun = {
    run: h.run,
    startedAt: h.startedAt,
    finishedAt: end?.at ?? lastAt,
    judgments,
    generations,
    outputs,
    stopReason,
    complete: stopReason === null,
    calls: 0,
    caps: end?.caps,
    batch: log.batches.length > 0,
  };
  const result = buildRunResult(executed, suite, dataset, { simulated: h.simulated });
  if (h.sampleNote) result.notes.unshift(h.sampleNote);
  result.notes.push(...shapeNotes(suite, log));
  if (log.sequential) {
    result.sequential = log.sequential;
    applySequential(result, log.sequential);
  }
  decidePairs(result, suite.pairwiseCorrection ?? "holm");
  if (log.gates) result.gates = log.gates;
  // `explain: N` answers, recorded after scoring (the last record wins after a resume).
  const explained = [...log.other].reverse().find((o) => o.type === "explanations") as { explanations?: RunResult["explanations"] } | undefined;
  if (explained?.explanations) result.explanations = explained.explanations;
  return { suite, result };
}
