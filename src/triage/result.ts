/**
 * TriageResult: the one record of a triage that every triage report renders. Built from the
 * sample design and the judged run; every figure about the whole log is weighted back with the
 * inclusion probabilities (estimate.ts). `null` means "no data", never 0.
 */
import type { RunResult } from "../run-result.js";
import { percentiles } from "../stats/intervals.js";
import { type CauseGroup, groupCauses, type JudgedLine } from "./causes.js";
import { failureRate, hajekRatio, type Interval } from "./estimate.js";
import type { SkippedLines } from "./log.js";

/** One drawn line, as the design recorded it before judging. */
export interface DrawnLine {
  id: string;
  /** Position in the log (0-based) and physical line of the file. */
  index: number;
  line: number;
  pi: number;
  /** The label model's P(bad) for this line. */
  pBad: number;
  /** Drawn for certain because it is among the slowest. */
  forced: boolean;
  signals: string[];
  facets: Record<string, string>;
  latencyMs: number | null;
  input: string;
  output: string;
}

/** Everything about the log and the draw that judging does not change (saved for --resume). */
export interface TriageDesign {
  version: 1;
  log: string;
  format: string;
  lines: number;
  skipped: SkippedLines;
  signals: { name: string; coverage: number; fired: number; precision: number; sensitivity: number; falseAlarm: number }[];
  /** P(bad) the label model puts on the log. */
  prior: number;
  /** Signal pairs that fire together far more than the label model explains. */
  dependent: { a: string; b: string; ratio: number }[];
  /** Signals the label model treats as one joint signal (they depend on each other beyond quality). */
  joint: string[][];
  /** Every signal pattern in the log: its lines, the label model's P(bad) and the inclusion probability of each of its lines. */
  patterns: { signals: string[]; lines: number; pBad: number; pi: number }[];
  facets: Record<string, Record<string, number>>;
  droppedFacets: string[];
  latency: { lines: number; p50: number | null; p95: number | null; p99: number | null; max: number | null };
  slowest: { id: string; latencyMs: number }[];
  sampleSize: number;
  maxJudgments: number;
  floorShare: number;
  /** Smallest inclusion probability of any line. */
  floor: number;
  failAtMost: number;
  seed: number;
  drawn: DrawnLine[];
}

export interface EstimateWithInterval {
  estimate: number | null;
  ci95: Interval | null;
}

export interface TriageLineResult {
  id: string;
  line: number;
  pi: number;
  pBad: number;
  forced: boolean;
  signals: string[];
  facets: Record<string, string>;
  latencyMs: number | null;
  /** Aggregate score per rubric (null: no usable judgment). */
  scores: Record<string, number | null>;
  failedRubrics: string[];
  worst: number | null;
  inputPreview: string;
  outputPreview: string;
}

export interface TriageResult {
  version: 1;
  kind: "triage";
  run: string;
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  stopReason: string | null;
  simulated: boolean;
  log: string;
  format: string;
  lines: number;
  skipped: SkippedLines;
  rubrics: string[];
  critics: string[];
  failAtMost: number;
  failureRate: EstimateWithInterval & { method: string };
  /** failureRate x lines: how many lines of the log fail. */
  estimatedFailures: EstimateWithInterval;
  /** Lines drawn, and lines with a usable verdict. */
  sampled: number;
  judged: number;
  /** Judged lines that failed. */
  failing: number;
  calls: number;
  cacheHits: number;
  costUsd: number | null;
  design: { method: string; maxJudgments: number; floorShare: number; floor: number; forcedSlowest: number; seed: number; prior: number; joint: string[][]; patterns: TriageDesign["patterns"] };
  signals: { name: string; coverage: number; fired: number; modelPrecision: number; modelRecall: number; judgedFired: number; precision: number | null; recall: number | null }[];
  facets: { column: string; values: { value: string; lines: number; judged: number; failing: number; rate: EstimateWithInterval; shareOfFailures: number | null }[] }[];
  droppedFacets: string[];
  causes: CauseGroup[];
  latency: TriageDesign["latency"] & {
    slowest: { id: string; latencyMs: number; judged: boolean; failed: boolean | null; worst: number | null }[];
    /** Failure rate of lines at or above the log's p95 latency, and below it. */
    tail: EstimateWithInterval;
    rest: EstimateWithInterval;
  };
  /** Judged lines that failed, worst first. */
  failures: TriageLineResult[];
  notes: string[];
}

const PREVIEW = 200;
export const ESTIMATOR = "Hájek ratio over a Pareto πps sample; Hájek variance approximation; Wilson interval at the Kish effective sample size";

function judgedLines(design: TriageDesign, run: RunResult): TriageLineResult[] {
  const byItem = new Map<string, Record<string, number | null>>();
  for (const s of run.scores) {
    const rec = byItem.get(s.item) ?? {};
    rec[s.rubric] = s.score;
    byItem.set(s.item, rec);
  }
  return design.drawn.map((d) => {
    const scores = byItem.get(d.id) ?? Object.fromEntries(run.rubrics.map((r) => [r.id, null]));
    const present = Object.values(scores).filter((v): v is number => v != null);
    return {
      id: d.id,
      line: d.line,
      pi: d.pi,
      pBad: d.pBad,
      forced: d.forced,
      signals: d.signals,
      facets: d.facets,
      latencyMs: d.latencyMs,
      scores,
      failedRubrics: Object.entries(scores).filter(([, v]) => v != null && v <= design.failAtMost).map(([k]) => k),
      worst: present.length ? Math.min(...present) : null,
      inputPreview: d.input.slice(0, PREVIEW),
      outputPreview: d.output.slice(0, PREVIEW),
    };
  });
}

/** A verdict: failed on some rubric, or scored on every rubric without failing; otherwise unknown. */
function verdict(l: TriageLineResult): boolean | null {
  if (l.failedRubrics.length) return true;
  return Object.values(l.scores).every((v) => v != null) ? false : null;
}

const est = (r: { estimate: number | null; ci95: Interval | null }): EstimateWithInterval => ({ estimate: r.estimate, ci95: r.ci95 });

export function buildTriageResult(design: TriageDesign, run: RunResult): TriageResult {
  const all = judgedLines(design, run);
  const judged = all.filter((l) => verdict(l) !== null);
  const failedOf = judged.map((l) => verdict(l) === true);
  // Lines without a verdict (abstained, failed calls, a run stopped early) are left out; the
  // rest stand for them with weights scaled up evenly (a uniform response model).
  const free = design.drawn.filter((d) => !d.forced).length;
  const scale = free ? judged.filter((l) => !l.forced).length / free : 1;
  const pi = judged.map((l) => (l.forced ? 1 : l.pi * scale));
  const overall = failureRate(failedOf, pi);
  const notes: string[] = [];
  if (run.simulated) notes.push("The critics in this triage are simulated by critic's built-in simulator: the numbers demonstrate the tool, not any real model.");
  if (judged.length < all.length) notes.push(`${all.length - judged.length} of ${all.length} drawn lines have no verdict (abstentions, failed calls or a run stopped early); the judged lines stand for them.`);
  if (design.skipped.count) notes.push(`${design.skipped.count} log lines could not be read and are not part of the estimates (${design.skipped.examples.join("; ")}).`);
  for (const d of design.dependent ?? []) notes.push(`Signals ${d.a} and ${d.b} fire together ${d.ratio.toFixed(1)} times as often as the label model explains: the model's assumption that signals are independent given a line's quality does not hold for them, so its precision and recall are unreliable (the judged columns are not). The estimates stay unbiased whatever the model gets wrong; only how well the budget finds failures suffers.`);
  if (!run.complete) notes.push(`The judging stopped early (${run.stopReason}); the estimates use the lines judged so far, a random part of the sample. Continue with critic triage --resume ${run.run}.`);

  const judgedWithFail: JudgedLine[] = judged.map((l, i) => ({ id: l.id, pi: pi[i]!, failed: failedOf[i]!, worst: l.worst ?? 7, failedRubrics: l.failedRubrics, signals: l.signals, facets: l.facets }));
  const totalFailWeight = judgedWithFail.reduce((s, l) => s + (l.failed ? 1 / l.pi : 0), 0);

  const signals = design.signals.map((s) => {
    const fired = judged.map((l) => l.signals.includes(s.name));
    const p = hajekRatio(fired.map((f, i) => (f && failedOf[i] ? 1 : 0)), fired.map((f) => (f ? 1 : 0)), pi);
    const firedFailWeight = judged.reduce((t, _, i) => t + (fired[i] && failedOf[i] ? 1 / pi[i]! : 0), 0);
    return {
      name: s.name,
      coverage: s.coverage,
      fired: s.fired,
      modelPrecision: s.precision,
      modelRecall: s.sensitivity,
      judgedFired: fired.filter(Boolean).length,
      precision: p.estimate,
      recall: totalFailWeight > 0 ? firedFailWeight / totalFailWeight : null,
    };
  });

  const facets = Object.entries(design.facets).map(([column, counts]) => ({
    column,
    values: Object.entries(counts)
      .map(([value, lines]) => {
        const inD = judged.map((l) => l.facets[column] === value);
        const r = failureRate(failedOf, pi, inD);
        const w = judged.reduce((t, _, i) => t + (inD[i] && failedOf[i] ? 1 / pi[i]! : 0), 0);
        return { value, lines, judged: inD.filter(Boolean).length, failing: judged.filter((_, i) => inD[i] && failedOf[i]).length, rate: est(r), shareOfFailures: totalFailWeight > 0 ? w / totalFailWeight : null };
      })
      .sort((a, b) => (b.shareOfFailures ?? 0) - (a.shareOfFailures ?? 0) || b.lines - a.lines),
  }));

  const p95 = design.latency.p95;
  const inTail = judged.map((l) => p95 != null && l.latencyMs != null && l.latencyMs >= p95);
  const hasLatency = judged.map((l) => l.latencyMs != null);
  const status = new Map(judged.map((l, i) => [l.id, { failed: failedOf[i]!, worst: l.worst }]));

  const failures = judged.filter((_, i) => failedOf[i]).sort((a, b) => (a.worst ?? 7) - (b.worst ?? 7) || sumScores(a) - sumScores(b) || a.id.localeCompare(b.id));
  const failing = failures.length;
  return {
    version: 1,
    kind: "triage",
    run: run.run,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    complete: run.complete,
    stopReason: run.stopReason,
    simulated: run.simulated,
    log: design.log,
    format: design.format,
    lines: design.lines,
    skipped: design.skipped,
    rubrics: run.rubrics.map((r) => r.id),
    critics: run.critics,
    failAtMost: design.failAtMost,
    failureRate: { ...est(overall), method: ESTIMATOR },
    estimatedFailures: {
      estimate: overall.estimate == null ? null : overall.estimate * design.lines,
      ci95: overall.ci95 ? { lo: overall.ci95.lo * design.lines, hi: overall.ci95.hi * design.lines } : null,
    },
    sampled: design.drawn.length,
    judged: judged.length,
    failing,
    calls: run.totals.calls,
    cacheHits: run.totals.cacheHits,
    costUsd: run.totals.costUsd,
    design: { method: "Pareto πps (Rosén 1997): inclusion probability rising with the label model's P(bad), with a uniform floor", maxJudgments: design.maxJudgments, floorShare: design.floorShare, floor: design.floor, forcedSlowest: design.drawn.filter((d) => d.forced).length, seed: design.seed, prior: design.prior, joint: design.joint ?? [], patterns: design.patterns ?? [] },
    signals,
    facets,
    droppedFacets: design.droppedFacets,
    causes: groupCauses(judgedWithFail, Object.keys(design.facets)),
    latency: {
      ...design.latency,
      slowest: design.slowest.map((s) => ({ id: s.id, latencyMs: s.latencyMs, judged: status.has(s.id), failed: status.get(s.id)?.failed ?? null, worst: status.get(s.id)?.worst ?? null })),
      tail: est(failureRate(failedOf, pi, inTail)),
      rest: est(failureRate(failedOf, pi, inTail.map((t, i) => hasLatency[i]! && !t))),
    },
    failures,
    notes,
  };
}

function sumScores(l: TriageLineResult): number {
  return Object.values(l.scores).reduce<number>((s, v) => s + (v ?? 7), 0);
}

/** p50/p95/p99/max of the latencies that are present. */
export function latencySummary(latency: Float64Array): TriageDesign["latency"] {
  const xs: number[] = [];
  for (const v of latency) if (!Number.isNaN(v)) xs.push(v);
  if (!xs.length) return { lines: 0, p50: null, p95: null, p99: null, max: null };
  const [p50, p95, p99] = percentiles(xs, [0.5, 0.95, 0.99]);
  return { lines: xs.length, p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null, max: xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY) };
}
