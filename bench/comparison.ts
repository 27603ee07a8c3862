/**
 * Comparison statistics on real judge data and on simulations with known truth:
 * HANNA system-level Kendall tau, LLMBar accuracy from per-output scores, bootstrap
 * coverage, and the cost of a Bradley-Terry bootstrap at a realistic size.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { kendallTauB } from "../src/stats/agreement.js";
import { bootstrapPairedDiff, bradleyTerryBootstrap, bradleyTerryWithIntervals } from "../src/stats/bootstrap.js";
import { winProbability } from "../src/stats/bradley-terry.js";
import { buildLabelMatrix, type LabelRow } from "../src/stats/label-matrix.js";
import { auto } from "../src/stats/label-models/auto.js";
import { decide, type ItemWins, type Judgment, preference, preferenceFromDistributions } from "../src/stats/pairwise.js";
import { createRng, type Rng } from "../src/stats/rng.js";
import type { PairwiseResult, RunResult } from "../src/run-result.js";
import { decidePairs } from "../src/runner/pairwise-verdicts.js";
import { pairedDiff, twoSidedTP } from "../src/stats/intervals.js";
import type { BenchRow } from "./row.js";

const AREA = "comparison";
export const HANNA = "../shared/data/judges/hanna/hanna_metric_scores_llm.csv";
export const LLMBAR = "../shared/data/judges/llmbar/Dataset/LLMBar/Natural";

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const absent = (metric: string, target: string): BenchRow => ({ area: AREA, metric, value: "n/a (../shared/data absent)", target, ok: null });

const HANNA_CRITERIA = [
  ["RE", "Relevance"],
  ["CH", "Coherence"],
  ["EM", "Empathy"],
  ["SU", "Surprise"],
  ["EG", "Engagement"],
  ["CX", "Complexity"],
] as const;
const HANNA_LLMS = ["Beluga-13B", "OrcaPlatypus", "Mistral-7B", "Llama-13B", "ChatGPT"];

/** HANNA, one row per system; each cell a JSON list over that system's 96 stories (see SOURCE.md). */
export function loadHanna(file = HANNA): Map<string, Map<string, number[]>> {
  const rows: Record<string, string>[] = parse(readFileSync(file), { columns: true });
  const out = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    const cols = new Map<string, number[]>();
    for (const [k, v] of Object.entries(row)) if (k !== "Model") cols.set(k, JSON.parse(v) as number[]);
    out.set(row.Model!, cols);
  }
  return out;
}

export interface HannaTau {
  criterion: string;
  /** Kendall tau-b of the plain mean of the 20 critic columns against the human-mean ranking. */
  aggregate: number;
  best: { critic: string; tau: number };
  median: number;
}

/** System-level Kendall tau of the 10 generation systems (the human-written row dropped), per criterion. */
export function hannaSystemTaus(hanna = loadHanna()): HannaTau[] {
  const systems = [...hanna.keys()].filter((m) => m !== "Human");
  const sysMean = (s: string, c: string): number => {
    const v = hanna.get(s)?.get(c);
    if (!v) throw new Error(`HANNA has no column "${c}" for ${s}`);
    return mean(v);
  };
  return HANNA_CRITERIA.map(([abbr, criterion]) => {
    const human = systems.map((s) => sysMean(s, criterion));
    const critics = HANNA_LLMS.flatMap((l) => [1, 2, 3, 4].map((p) => `${l} ${abbr} ${p}`));
    const perCritic = critics.map((c) => ({ critic: c, tau: kendallTauB(systems.map((s) => sysMean(s, c)), human)! })).sort((a, b) => b.tau - a.tau);
    const aggregate = kendallTauB(systems.map((s) => mean(critics.map((c) => sysMean(s, c)))), human)!;
    return { criterion, aggregate, best: perCritic[0]!, median: (perCritic[9]!.tau + perCritic[10]!.tau) / 2 };
  });
}

function hannaRows(): BenchRow[] {
  if (!existsSync(HANNA)) return [absent("HANNA system-level Kendall tau", "")];
  return hannaSystemTaus().map((h) => ({
    area: AREA,
    metric: `HANNA ${h.criterion} system tau (10 systems): mean of 20 critics / best / median critic`,
    value: `${h.aggregate.toFixed(3)} / ${h.best.tau.toFixed(3)} / ${h.median.toFixed(3)}`,
    target: "mean of critics >= median critic",
    ok: h.aggregate >= h.median,
  }));
}

export interface LlmbarAccuracy {
  acc: number;
  ties: number;
  decisiveCorrect: number;
}

/** "92.0%" or "a / N = 92.0%" -> 92.0 */
export const percent = (s: string): number => Number(/([\d.]+)%/.exec(s)![1]);

/**
 * LLMBar Natural: preferences derived from GPT-4 `Rating` scores (each output judged alone),
 * credited as the paper does (ties split; an unparseable score counts as a tie), in the
 * presented order and swapped, next to the published accuracy.
 */
export function llmbarRatingAccuracy(dir = LLMBAR): { forward: LlmbarAccuracy; swapped: LlmbarAccuracy; published: number } {
  const rating = `${dir}/evaluators/GPT-4/Rating`;
  const items: { label: number; results: Record<string, unknown>[] }[] = JSON.parse(readFileSync(`${rating}/result.json`, "utf8"));
  // score_k is ["<0-9>", finish_reason]; an empty string is an unparseable score (missing).
  const level = (v: unknown): Judgment => {
    const s = (v as [string, string])[0].trim();
    return s === "" ? null : Number(s);
  };
  const scores = items.map((it) => {
    const v = it.results[it.results.length - 1]!;
    return [level(v.score_1), level(v.score_2)];
  });
  const accuracy = ([first, second]: [number, number]): LlmbarAccuracy => {
    let credit = 0;
    let ties = 0;
    let decisiveCorrect = 0;
    items.forEach((it, i) => {
      const p = preference(scores[i]![first]!, scores[i]![second]!) ?? { aWins: 0, tie: 1, bWins: 0 };
      const right = it.label - 1 === first ? p.aWins : p.bWins;
      credit += right + p.tie / 2;
      ties += p.tie;
      decisiveCorrect += right;
    });
    return { acc: (100 * credit) / items.length, ties, decisiveCorrect };
  };
  const published = percent(JSON.parse(readFileSync(`${rating}/statistics.json`, "utf8")).correct_average);
  return { forward: accuracy([0, 1]), swapped: accuracy([1, 0]), published };
}

export const LLMBAR_GPT4_RATINGS = ["Rating", "Rating_NoRules", "Rating_Metrics", "Rating_Reference", "Rating_Metrics_Reference"].map((s) => `GPT-4/${s}`);
export const LLMBAR_CHATGPT_RATINGS = ["ChatGPT/Rating", "ChatGPT/Rating_NoRules"];

export interface DecisionAccuracy {
  items: number;
  /** Mean expected win probability of the gold side, P(gold ≻ other) + ½P(tie), in %. */
  expected: number;
  /** Accuracy of the per-item decision (the more probable side; a tie earns half, as in the paper), in %. */
  decision: number;
  /** Items the decision calls a tie. */
  ties: number;
}

/**
 * LLMBar Natural with several rating prompts per output (each scores the output alone, 0–9):
 * each output's scores across the prompts form a distribution over levels, and each pair gets
 * the expected win probability of the gold side and the decision (methods.md 4.2; `decide`).
 * Unparseable scores are left out of that output's distribution.
 */
export function llmbarDecisionAccuracy(runs: readonly string[], dir = LLMBAR): DecisionAccuracy {
  const files = runs.map((r) => JSON.parse(readFileSync(`${dir}/evaluators/${r}/result.json`, "utf8")) as { label: number; results: Record<string, unknown>[] }[]);
  const items = files[0]!.length;
  // 0–9 asked for; a judge that answers 10 keeps its 10 rather than being clipped.
  const levels = 11;
  let expected = 0;
  let decision = 0;
  let ties = 0;
  for (let i = 0; i < items; i++) {
    const [pA, pB] = (["score_1", "score_2"] as const).map((k) => {
      const p = new Array<number>(levels).fill(0);
      let n = 0;
      for (const f of files) {
        const s = (f[i]!.results.at(-1)![k] as [string, string])[0].trim();
        if (s === "") continue;
        p[Number(s)]!++;
        n++;
      }
      return p.map((x) => x / n);
    });
    const pr = preferenceFromDistributions(pA!, pB!);
    const gold = files[0]![i]!.label === 1 ? "a" : "b";
    expected += (gold === "a" ? pr.aWins : pr.bWins) + pr.tie / 2;
    const d = decide(pr);
    if (d === "tie") ties++;
    decision += d === gold ? 1 : d === "tie" ? 0.5 : 0;
  }
  return { items, expected: (100 * expected) / items, decision: (100 * decision) / items, ties };
}

/**
 * The same check through the product's own path: each rating prompt is a critic, `auto` fits a
 * label model over the 200 outputs (levels 0–9 as 1–10; a 10 is read as 9), and each pair is
 * judged from the two outputs' posteriors.
 */
export function llmbarLabelModelDecision(runs: readonly string[], dir = LLMBAR): DecisionAccuracy & { picked: string } {
  const files = runs.map((r) => JSON.parse(readFileSync(`${dir}/evaluators/${r}/result.json`, "utf8")) as { label: number; results: Record<string, unknown>[] }[]);
  const rows: LabelRow[] = [];
  files.forEach((f, j) => {
    f.forEach((it, i) => {
      for (const k of [1, 2] as const) {
        const s = (it.results.at(-1)![`score_${k}`] as [string, string])[0].trim();
        rows.push({ item: `${i}:${k}`, labeler: runs[j]!, label: s === "" ? null : Math.min(9, Number(s)) + 1 });
      }
    });
  });
  const m = buildLabelMatrix(rows, { k: 10 });
  const fit = auto(m, { seed: 1 });
  const at = new Map(m.itemIds.map((id, i) => [id, i]));
  const post = (id: string) => fit.posterior.subarray(at.get(id)! * m.k, (at.get(id)! + 1) * m.k);
  const items = files[0]!.length;
  let expected = 0;
  let decision = 0;
  let ties = 0;
  for (let i = 0; i < items; i++) {
    const pr = preferenceFromDistributions(post(`${i}:1`), post(`${i}:2`));
    const gold = files[0]![i]!.label === 1 ? "a" : "b";
    expected += (gold === "a" ? pr.aWins : pr.bWins) + pr.tie / 2;
    const d = decide(pr);
    if (d === "tie") ties++;
    decision += d === gold ? 1 : d === "tie" ? 0.5 : 0;
  }
  return { items, expected: (100 * expected) / items, decision: (100 * decision) / items, ties, picked: fit.picked };
}

function llmbarDecisionRows(): BenchRow[] {
  const metric = (who: string) => `LLMBar Natural, ${who}: gold-side expected win prob. / decision accuracy`;
  if (!existsSync(LLMBAR)) return [absent(metric("GPT-4 5 rating prompts"), "decision > expected")];
  return [
    ["GPT-4 5 rating prompts", LLMBAR_GPT4_RATINGS],
    ["GPT-4 5 + ChatGPT 2 rating prompts", [...LLMBAR_GPT4_RATINGS, ...LLMBAR_CHATGPT_RATINGS]],
  ].map(([who, runs]) => {
    const r = llmbarDecisionAccuracy(runs as string[]);
    return { area: AREA, metric: metric(who as string), value: `${r.expected.toFixed(1)}% / ${r.decision.toFixed(1)}% (${r.ties} ties)`, target: "decision > expected", ok: r.decision > r.expected };
  }).concat(
    [
      ["auto label model over GPT-4 Rating + ChatGPT Rating", ["GPT-4/Rating", "ChatGPT/Rating"]],
      ["auto label model over the 5 GPT-4 rating prompts", LLMBAR_GPT4_RATINGS],
    ].map(([who, runs]) => {
      const r = llmbarLabelModelDecision(runs as string[]);
      return { area: AREA, metric: metric(`${who} (picked ${r.picked})`), value: `${r.expected.toFixed(1)}% / ${r.decision.toFixed(1)}% (${r.ties} ties)`, target: "decision > expected", ok: r.decision > r.expected };
    }),
  );
}

/** The pairs of one rubric as a run computes them: the paired t interval and its p-value. */
function nullPairs(scores: number[][], names: readonly string[]): PairwiseResult[] {
  const out: PairwiseResult[] = [];
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      const d = pairedDiff(scores.map((r) => r[a]!), scores.map((r) => r[b]!))!;
      out.push({ a: names[a]!, b: names[b]!, rubric: "r", winRate: 0.5, meanDiff: d.meanDiff, diffCi95: { lo: d.ci95[0], hi: d.ci95[1] }, n: d.n, p: twoSidedTP(d.meanDiff, d.se, d.n - 1) });
    }
  }
  return out;
}

/**
 * Family-wise error of the pairwise verdicts: C equal candidates (every pair null), n items on
 * a 1..7 scale (a shared item difficulty plus per-output noise, rounded like a critic's
 * levels), the verdicts decided as a run decides them; the share of runs with any "better".
 */
export function pairwiseFamilywiseError(runs: number, candidates = 5, items = 30, seed = "holm-fwer"): { holm: number; none: number; pairs: number } {
  const rng = createRng(seed);
  const names = Array.from({ length: candidates }, (_, k) => `c${k}`);
  const anyBetter = (r: RunResult) => r.pairwise.some((p) => p.verdict === "A better" || p.verdict === "B better");
  let holm = 0;
  let none = 0;
  for (let s = 0; s < runs; s++) {
    const scores = Array.from({ length: items }, () => {
      const item = rng.normal();
      return names.map(() => Math.min(7, Math.max(1, Math.round(4 + item + 1.2 * rng.normal()))));
    });
    const h = { pairwise: nullPairs(scores, names) } as RunResult;
    decidePairs(h, "holm");
    const n = { pairwise: nullPairs(scores, names) } as RunResult;
    decidePairs(n, "none");
    if (anyBetter(h)) holm++;
    if (anyBetter(n)) none++;
  }
  return { holm: holm / runs, none: none / runs, pairs: (candidates * (candidates - 1)) / 2 };
}

function familywiseRow(): BenchRow {
  const r = pairwiseFamilywiseError(2000);
  return {
    area: AREA,
    metric: `pairwise verdicts, 5 equal candidates (${r.pairs} null pairs), 2,000 seeded runs of 30 items: runs with any wrong "better", Holm / uncorrected`,
    value: `${(100 * r.holm).toFixed(1)}% / ${(100 * r.none).toFixed(1)}%`,
    target: "Holm <= 5%",
    ok: r.holm <= 0.05,
  };
}

function llmbarRow(): BenchRow {
  const metric = "LLMBar Natural GPT-4 Rating Acc from per-output scores (both orders)";
  if (!existsSync(LLMBAR)) return absent(metric, "92.0");
  const { forward, swapped, published } = llmbarRatingAccuracy();
  const [a, b] = [forward.acc, swapped.acc];
  return { area: AREA, metric, value: `${a.toFixed(1)} / ${b.toFixed(1)}`, target: `${published.toFixed(1)} (published)`, ok: a === b && Math.abs(a - published) < 1e-9 };
}

function meanDiffCoverage(): BenchRow {
  const rng = createRng("bench-coverage");
  const runs = 1000;
  let hit = 0;
  for (let r = 0; r < runs; r++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 200; i++) {
      const item = 2 * rng.normal();
      a.push(item + 0.3 + rng.normal());
      b.push(item + rng.normal());
    }
    const d = bootstrapPairedDiff(a, b, { rng, rounds: 1000 })!;
    if (d.ci95[0] <= 0.3 && 0.3 <= d.ci95[1]) hit++;
  }
  const c = (100 * hit) / runs;
  return { area: AREA, metric: "bootstrap 95% CI coverage, paired mean diff (1,000 runs, n=200)", value: `${c.toFixed(1)}%`, target: "93-97%", ok: c >= 93 && c <= 97 };
}

/** Per-item BT comparisons: every pair meets once per item, outcome drawn from the true θ. */
function simulateBtItems(rng: Rng, theta: number[], items: number): ItemWins {
  const C = theta.length;
  const wins = new Float64Array(items * C * C);
  const compared = new Uint8Array(items * C * C).fill(1);
  for (let i = 0; i < items; i++) {
    for (let a = 0; a < C; a++) {
      for (let b = a + 1; b < C; b++) {
        const aWon = rng.next() < winProbability(theta, a, b) ? 1 : 0;
        wins[(i * C + a) * C + b] = aWon;
        wins[(i * C + b) * C + a] = 1 - aWon;
      }
    }
  }
  return { items, candidates: C, wins, ties: new Float64Array(items * C * C), compared };
}

function btCoverage(): BenchRow {
  const rng = createRng("bench-bt-coverage");
  const theta = [0.6, 0.2, 0, -0.3, -0.5];
  const shift = mean(theta);
  const truth = theta.map((t) => t - shift);
  const runs = 200;
  let hit = 0;
  for (let r = 0; r < runs; r++) {
    const fit = bradleyTerryBootstrap(simulateBtItems(rng, theta, 300), { rng, rounds: 500 });
    truth.forEach((t, c) => {
      if (fit.lo[c]! <= t && t <= fit.hi[c]!) hit++;
    });
  }
  const c = (100 * hit) / (runs * truth.length);
  return { area: AREA, metric: `BT theta bootstrap 95% CI coverage (${runs} runs x 5 candidates, 300 items)`, value: `${c.toFixed(1)}%`, target: "93-97%", ok: c >= 93 && c <= 97 };
}

function btTiming(): BenchRow {
  const rng = createRng("bench-bt-time");
  const quality = [0.6, 0.3, 0, -0.2, -0.5];
  const scores: Judgment[][] = Array.from({ length: 2000 }, () => {
    const d = 0.8 * rng.normal();
    return quality.map((q) => Math.min(7, Math.max(1, Math.round(4 + q + d + rng.normal()))));
  });
  const t0 = performance.now();
  const r = bradleyTerryWithIntervals(scores, { rng, rounds: 1000 });
  const ms = performance.now() - t0;
  const ordered = r.rank.every((rank, c) => rank === c + 1);
  return { area: AREA, metric: "BT + 1,000-round item bootstrap, 5 candidates x 2,000 items", value: `${(ms / 1000).toFixed(2)} s${ordered ? "" : " (order wrong)"}`, target: "< 1 s", ok: ms < 1000 && ordered };
}

export async function rows(): Promise<BenchRow[]> {
  return [...hannaRows(), llmbarRow(), ...llmbarDecisionRows(), familywiseRow(), meanDiffCoverage(), btCoverage(), btTiming()];
}
