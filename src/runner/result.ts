import type { Suite } from "../config/load.js";
import type { RowRef } from "../data/dataset.js";
import type { CallAccounting, CalibrationRow, CellSummary, LabelModelSummary, Generation, LatencySummary, PairwiseResult, RankingEntry, RunResult, ScoreRow, UsageSummary } from "../run-result.js";
import { bradleyTerryBootstrap } from "../stats/bootstrap.js";
import { itemWins, type MissingRule, missingCount, winRatesFromItemWins } from "../stats/pairwise.js";
import { meanCi, pairedDiff, percentiles, twoSidedTP, widenedTo } from "../stats/intervals.js";
import { type LabelModelSe, labelModelSe } from "../stats/label-bootstrap.js";
import { type AggregatedLevels, aggregateLevels } from "./aggregate.js";
import { cascadeSummary, cascadeUnits } from "./cascade-summary.js";
import { costBreakdown } from "./costs.js";
import { ppiMean } from "../stats/ppi.js";
import type { ExecutedRun, OutputInfo } from "./run.js";
import { groupBy } from "./group.js";
import { generationKey } from "./run.js";
import { createRng } from "../stats/rng.js";
import { fmtInt } from "../report/format.js";
import { calibrate, criticAlpha, maeSentence } from "../stats/calibration.js";
import { addLengthControlled, familiesOf, lengthRows, sampleRows, selfPreferenceRows } from "./diagnostics.js";
import type { LengthDiagnostic, SampleDiagnostic, SelfPreferenceDiagnostic } from "../run-result.js";

const SCALE = 7;

function latency(values: (number | null)[]): LatencySummary {
  const xs = values.filter((v): v is number => v != null);
  if (!xs.length) return { p50: null, p95: null, p99: null, max: null };
  const [p50, p95, p99] = percentiles(xs, [0.5, 0.95, 0.99]);
  // A loop, not Math.max(...xs): spreading half a million latencies overflows the call stack.
  return { p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null, max: xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY) };
}

/** Sum dollars; null only when nothing had a known price (a partial sum is flagged in the notes). */
function sumCost(values: (number | null)[]): { usd: number | null; unknown: number } {
  let usd = 0;
  let known = 0;
  let unknown = 0;
  for (const v of values) {
    if (v == null) unknown++;
    else {
      usd += v;
      known++;
    }
  }
  return { usd: known ? usd : unknown ? null : 0, unknown };
}

function usageFor(id: string, role: UsageSummary["role"], rows: CallAccounting[], abstentions: number, failed: number): UsageSummary {
  const fresh = rows.filter((r) => !r.cached);
  return {
    id,
    role,
    calls: rows.reduce((t, r) => t + r.attempts, 0),
    cacheHits: rows.length - fresh.length,
    abstentions,
    failed,
    inputTokens: fresh.reduce((t, r) => t + (r.inputTokens ?? 0), 0),
    outputTokens: fresh.reduce((t, r) => t + (r.outputTokens ?? 0), 0),
    reasoningTokens: fresh.reduce((t, r) => t + (r.reasoningTokens ?? 0), 0),
    costUsd: sumCost(fresh.map((r) => r.costUsd)).usd,
    latencyMs: latency(fresh.map((r) => r.latencyMs)),
  };
}

/** Time to first token and tokens per second, where the candidate streamed (or a task reported them). */
function streamingOf(gs: readonly Generation[]): Pick<UsageSummary, "firstTokenMs" | "tokensPerSecond"> {
  const first = gs.filter((g) => !g.cached && g.firstTokenMs != null);
  if (!first.length) return {};
  return { firstTokenMs: latency(first.map((g) => g.firstTokenMs ?? null)), tokensPerSecond: latency(first.map((g) => g.tokensPerSecond ?? null)) };
}

function row(rubric: string, who: string, est: (number | null)[], gold: (number | null)[], scale = SCALE): CalibrationRow {
  const c = calibrate(est, gold, { scale });
  return { rubric, who, ...c, confusion: c.confusion.counts, sentence: maeSentence(c.mae, scale, who) };
}

/** Each critic, the plain mean of critics and the label-model aggregate (fitted without gold) against the human labels. */
function calibrationRows(rubric: string, critics: string[], byCritic: (number | null)[][], levels: (number | null)[][], aggregate: (number | null)[], gold: (number | null)[], scale = SCALE): CalibrationRow[] {
  const rows = critics.map((c, j) => row(rubric, c, byCritic[j]!, gold, scale));
  if (critics.length > 1) {
    const round = (v: number | null) => (v == null ? null : Math.min(scale, Math.max(1, Math.round(v))));
    const mean = levels.map((r) => {
      const xs = r.filter((v): v is number => v != null);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    });
    rows.push(row(rubric, "mean of critics", mean.map(round), gold, scale), row(rubric, "aggregate", aggregate.map(round), gold, scale));
  }
  return rows;
}

/**
 * PPI++ (methods.md 5.1): the critics' estimate, fitted without gold, on every output, rectified
 * by the outputs that carry gold. Needs at least 10 gold labels; 95% intervals like every other
 * interval in the report (ppi_py's default is 90%).
 */
function ppiCell(gold: (number | null)[], f: (number | null)[]): CellSummary["ppi"] {
  const labelled = gold.map((g, i) => (g != null ? i : -1)).filter((i) => i >= 0);
  if (labelled.length < 10) return null;
  const unlabelled = f.filter((_, i) => gold[i] == null);
  const tuned = ppiMean(labelled.map((i) => gold[i]!), labelled.map((i) => f[i] ?? null), unlabelled, { alpha: 0.05 });
  const classical = ppiMean(labelled.map((i) => gold[i]!), labelled.map((i) => f[i] ?? null), unlabelled, { alpha: 0.05, lambda: "classical" });
  if (!tuned) return null;
  return { estimate: tuned.estimate, ci95: tuned.ci, lambda: tuned.lambda, nGold: tuned.n, classicalCi95: classical?.ci ?? null, scale: "human" };
}

/**
 * Bradley-Terry from the posteriors (so a tie is a half-win and presentation order cannot
 * matter), with item-bootstrap intervals, and the paired mean difference of every pair.
 */
function rankAndCompare(rubric: string, candidates: string[], at: (number | undefined)[][], agg: AggregatedLevels, seed: number, missing: MissingRule = "drop", labelSe: LabelModelSe | null = null): { ranking: RankingEntry[]; pairwise: PairwiseResult[] } {
  // undefined: no output to compare; null: an output judged without a usable score (per `missing`).
  const table = at.map((row) => row.map((i) => (i === undefined ? undefined : agg.posteriors[i] ? Array.from(agg.posteriors[i]!) : null)));
  const point = at.map((row) => row.map((i) => (i === undefined ? null : agg.scores[i] ?? null)));
  const w = itemWins(table, { missing });
  const bt = { ...bradleyTerryBootstrap(w, { rng: createRng(`${seed}:${rubric}`), rounds: 500 }), winRates: winRatesFromItemWins(w) };
  const ranking = candidates.map((c, a) => ({ candidate: c, rubric, theta: bt.theta[a]!, ci95: { lo: bt.lo[a]!, hi: bt.hi[a]! }, rank: bt.rank[a]! }));
  const pairwise: PairwiseResult[] = [];
  candidates.forEach((c, a) => {
    for (let b = a + 1; b < candidates.length; b++) {
      const bootSe = labelSe?.diff[a]?.[b] ?? null;
      const diff = widenedTo(pairedDiff(point.map((r) => r[a]!), point.map((r) => r[b]!)), bootSe);
      pairwise.push({
        a: c,
        b: candidates[b]!,
        rubric,
        scale: agg.summary.scale ?? "critic",
        ...(labelSe ? { labelModelSe: bootSe === null ? null : { se: bootSe, rounds: labelSe.rounds } } : {}),
        winRate: bt.winRates.winRate[a]![b] ?? Number.NaN,
        meanDiff: diff ? diff.meanDiff : null,
        diffCi95: diff?.ci95 ? { lo: diff.ci95[0], hi: diff.ci95[1] } : null,
        n: bt.winRates.n[a]![b]!,
        decisionWinRate: bt.winRates.decisionRate[a]![b] ?? Number.NaN,
        p: diff ? twoSidedTP(diff.meanDiff, diff.se, diff.n - 1) : null,
        missing: { count: missingCount(w, a, b), rule: missing },
      });
    }
  });
  return { ranking, pairwise };
}

const hasCaps = (l: { calls?: number; tokens?: number; usd?: number } | undefined) => l !== undefined && (l.calls !== undefined || l.tokens !== undefined || l.usd !== undefined);

/** Executed run + suite + dataset -> the one RunResult every report renders. */
export function buildRunResult(ex: ExecutedRun, suite: Suite, dataset: { file: string; goldRubrics: string[]; rows: readonly RowRef[] }, opts: { simulated: boolean }): RunResult {
  const critics = suite.critics.map((c) => c.id);
  const candidates = suite.candidates.length ? suite.candidates.map((c) => c.id) : [...new Set(dataset.rows.map((r) => r.candidate))];
  const rowsByUnit = new Map(dataset.rows.map((r) => [generationKey(r.id, r.candidate), r]));
  const notes: string[] = [];
  if (opts.simulated) notes.push("All critics and candidates in this run are simulated by critic's built-in simulator: the numbers demonstrate the tool, not any real model.");

  const byRubric = groupBy(ex.judgments, (j) => j.rubric);
  const failedUnjudged = new Map<string, number>();
  for (const j of ex.judgments) {
    if (j.kind !== "failed" || ex.outputs.has(generationKey(j.item, j.candidate))) continue;
    const k = `${j.candidate}\u0000${j.rubric}`;
    failedUnjudged.set(k, (failedUnjudged.get(k) ?? 0) + 1);
  }

  const scores: ScoreRow[] = [];
  const cells: CellSummary[] = [];
  const pairwise: PairwiseResult[] = [];
  const ranking: RankingEntry[] = [];
  const labelModels: LabelModelSummary[] = [];
  const calibration: CalibrationRow[] = [];
  const criticAgreement: RunResult["criticAgreement"] = [];
  const lengthDiagnostics: LengthDiagnostic[] = [];
  const selfPreference: SelfPreferenceDiagnostic[] = [];
  const sampleDiagnostics: SampleDiagnostic[] = [];
  const families = familiesOf(suite, candidates);
  const items = [...new Set(dataset.rows.map((r) => r.id))];
  // The outputs judged, in a stable order: item-major, then candidate.
  // `at[item][candidate]` is the unit's index, and `ofCandidate` each candidate's units: the same for every rubric.
  const units: { item: string; candidate: string; key: string; output: OutputInfo }[] = [];
  const at = items.map(() => new Array<number | undefined>(candidates.length).fill(undefined));
  const ofCandidate = candidates.map((): number[] => []);
  items.forEach((item, i) => {
    candidates.forEach((candidate, c) => {
      const key = generationKey(item, candidate);
      const output = ex.outputs.get(key);
      if (!output) return;
      at[i]![c] = units.length;
      ofCandidate[c]!.push(units.length);
      units.push({ item, candidate, key, output });
    });
  });
  const byCriticOf = (row: (number | null)[]): Record<string, number | null> => {
    const o: Record<string, number | null> = {};
    for (let j = 0; j < critics.length; j++) o[critics[j]!] = row[j] ?? null;
    return o;
  };

  for (const rubric of suite.rubrics) {
    const byUnit = groupBy(byRubric.get(rubric.id) ?? [], (j) => generationKey(j.item, j.candidate));
    const unitJudgments = units.map((u) => byUnit.get(u.key) ?? []);
    const levels = unitJudgments.map((js) => critics.map((c) => js.find((j) => j.critic === c)?.level ?? null));
    // Gold labels a specific output, so only dataset outputs (not generated ones) can carry it.
    const gold = units.map((u) => rowsByUnit.get(u.key)?.gold[rubric.id] ?? null);
    // K levels: 7 unless the rubric describes another number (3 to 10).
    const K = rubric.levels.length;
    const agg = aggregateLevels(rubric.id, levels, critics, K, gold, cascadeUnits(suite, critics, rubric.id, units, unitJudgments));
    // Only a fitted label model pays for this: the critics' mean has no parameters to refit.
    const labelSe = agg.refit ? labelModelSe(agg.refit, at, createRng(`${suite.seed}:${rubric.id}:label-model`)) : null;
    if (critics.length > 1 || gold.some((g) => g != null)) labelModels.push(agg.summary);
    const byCritic = critics.map((_, j) => levels.map((row) => row[j] ?? null));
    criticAgreement.push({ rubric: rubric.id, alpha: critics.length > 1 ? criticAlpha(byCritic) : null });
    if (gold.some((g) => g != null)) calibration.push(...calibrationRows(rubric.id, critics, byCritic, levels, agg.unsupervisedScores, gold, K));

    units.forEach((u, i) => {
      scores.push({
        item: u.item,
        candidate: u.candidate,
        rubric: rubric.id,
        outputChars: u.output.chars,
        outputPreview: u.output.preview,
        byCritic: byCriticOf(levels[i]!),
        score: agg.scores[i]!,
        posterior: agg.posteriors[i] ? Array.from(agg.posteriors[i]!) : null,
        gold: gold[i]!,
      });
    });

    candidates.forEach((cand, k) => {
      const idx = ofCandidate[k]!;
      if (!idx.length) return;
      const s = idx.map((i) => agg.scores[i]!);
      const ci = widenedTo(meanCi(s), labelSe?.mean[k]);
      const present = s.filter((v): v is number => v != null);
      const js = idx.flatMap((i) => unitJudgments[i]!);
      const distribution = new Array<number>(K).fill(0);
      for (const v of present) distribution[Math.min(K, Math.max(1, Math.round(v))) - 1]!++;
      cells.push({
        candidate: cand,
        rubric: rubric.id,
        n: present.length,
        mean: present.length ? present.reduce((a, b) => a + b, 0) / present.length : null,
        ci95: ci ? { lo: ci.ci95[0], hi: ci.ci95[1] } : null,
        distribution,
        abstentions: js.filter((j) => j.kind === "abstain").length,
        // A failed generation has no output to judge; its judgments are failed too, and counted here.
        failed: js.filter((j) => j.kind === "failed").length + (failedUnjudged.get(`${cand}\u0000${rubric.id}`) ?? 0),
        criticMeans: Object.fromEntries(
          critics.map((c, j) => {
            const v = idx.map((i) => levels[i]![j]).filter((x): x is number => x != null);
            return [c, v.length ? v.reduce((a, b) => a + b, 0) / v.length : null];
          }),
        ),
        method: agg.summary.method,
        scale: agg.summary.scale ?? "critic",
        ...(labelSe ? { labelModelSe: labelSe.mean[k] == null ? null : { se: labelSe.mean[k]!, rounds: labelSe.rounds } } : {}),
        ppi: ppiCell(idx.map((i) => gold[i]!), idx.map((i) => agg.unsupervisedScores[i]!)),
      });
    });

    const length = lengthRows(rubric.id, critics, candidates, units, levels, agg.scores);
    lengthDiagnostics.push(...length.rows);
    selfPreference.push(...selfPreferenceRows(rubric.id, critics, families, units, levels));
    sampleDiagnostics.push(...sampleRows(rubric.id, critics, candidates, units, unitJudgments, levels, gold));
    if (candidates.length >= 2) {
      const r = rankAndCompare(rubric.id, candidates, at, agg, suite.seed, suite.pairwiseMissing, labelSe);
      addLengthControlled(r.pairwise, length.combinedFit, candidates, at, units, agg.scores, agg.posteriors);
      ranking.push(...r.ranking);
      pairwise.push(...r.pairwise);
    }
  }

  const usage: UsageSummary[] = [
    ...critics.map((c) => {
      const js = ex.judgments.filter((j) => j.critic === c);
      return usageFor(c, "critic", js, js.filter((j) => j.kind === "abstain").length, js.filter((j) => j.kind === "failed").length);
    }),
    ...suite.candidates.map((t) => {
      const gs: Generation[] = ex.generations.filter((g) => g.candidate === t.id);
      return { ...usageFor(t.id, "candidate", gs, 0, gs.filter((g) => g.failed).length), ...streamingOf(gs) };
    }),
  ];
  const fresh = [...ex.judgments, ...ex.generations].filter((r) => !r.cached);
  const cost = sumCost(fresh.map((r) => r.costUsd));
  if (cost.unknown) notes.push(`${cost.unknown} calls have no known price (model missing from the price table): dollar figures are lower bounds. Add prices in the config's \`prices\`.`);
  const long = [...ex.outputs].filter(([, o]) => o.chars > suite.maxOutputChars);
  if (long.length) {
    const longest = long.reduce((a, [, o]) => Math.max(a, o.chars), 0);
    const where = long.slice(0, 5).map(([k]) => (JSON.parse(k) as string[]).join("/")).join(", ");
    const max = fmtInt(suite.maxOutputChars);
    notes.push(`Truncated for the critic: ${long.length} ${long.length === 1 ? "output" : "outputs"} longer than ${max} characters (longest ${fmtInt(longest)} characters: ${where}${long.length > 5 ? ", ..." : ""}); the critic saw the first ${max} and a note saying how much was cut. Raise maxOutputChars in the config to show critics more.`);
  }
  const abstentions = ex.judgments.filter((j) => j.kind === "abstain").length;
  if (abstentions) notes.push(`${abstentions} judgments were abstentions (a reply that was not a score, even after one re-ask); they are left out of every statistic.`);

  return {
    version: 1,
    run: ex.run,
    startedAt: ex.startedAt,
    finishedAt: ex.finishedAt,
    complete: ex.complete,
    stopReason: ex.stopReason,
    simulated: opts.simulated,
    dataset: dataset.file,
    rubrics: suite.rubrics.map((r) => ({ id: r.id, title: r.title, scale: r.levels.length })),
    critics,
    candidates,
    goldRubrics: dataset.goldRubrics.filter((g) => suite.rubrics.some((r) => r.id === g)),
    totals: {
      judgments: ex.judgments.length,
      calls: [...ex.judgments, ...ex.generations].reduce((t, r) => t + r.attempts, 0),
      cacheHits: ex.judgments.filter((j) => j.cached).length,
      abstentions,
      failed: ex.judgments.filter((j) => j.kind === "failed").length,
      costUsd: cost.usd,
      latencyMs: latency(ex.judgments.filter((j) => !j.cached).map((j) => j.latencyMs)),
    },
    cells,
    usage,
    pairwise,
    ranking,
    scores,
    judgments: ex.judgments,
    generations: ex.generations,
    labelModels,
    calibration,
    criticAgreement,
    cascade: cascadeSummary(suite, ex.judgments),
    cost: costBreakdown(suite, ex.judgments, ex.generations, ex.batch),
    sequential: null,
    notes,
    diagnostics: { length: lengthDiagnostics, selfPreference, ...(sampleDiagnostics.length ? { samples: sampleDiagnostics } : {}) },
    ...(hasCaps(ex.caps?.limits) ? { caps: ex.caps } : {}),
  };
}
