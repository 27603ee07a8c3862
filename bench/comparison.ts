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
import { type ItemWins, type Judgment, preference } from "../src/stats/pairwise.js";
import { createRng, type Rng } from "../src/stats/rng.js";
import type { BenchRow } from "./row.js";

const AREA = "comparison";
const HANNA = "../shared/data/judges/hanna/hanna_metric_scores_llm.csv";
const LLMBAR = "../shared/data/judges/llmbar/Dataset/LLMBar/Natural/evaluators/GPT-4/Rating";

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const absent = (metric: string, target: string): BenchRow => ({ area: AREA, metric, value: "n/a (../shared/data absent)", target, ok: null });

function hannaRows(): BenchRow[] {
  if (!existsSync(HANNA)) return [absent("HANNA system-level Kendall tau", "")];
  const rows: Record<string, string>[] = parse(readFileSync(HANNA), { columns: true });
  const table = new Map(rows.map((r) => [r.Model!, r] as const));
  const systems = [...table.keys()].filter((m) => m !== "Human");
  const sysMean = (s: string, c: string): number => mean(JSON.parse(table.get(s)![c]!) as number[]);
  const out: BenchRow[] = [];
  const criteria = [
    ["RE", "Relevance"],
    ["CH", "Coherence"],
    ["EM", "Empathy"],
    ["SU", "Surprise"],
    ["EG", "Engagement"],
    ["CX", "Complexity"],
  ];
  for (const [abbr, name] of criteria) {
    const human = systems.map((s) => sysMean(s, name!));
    const critics = ["Beluga-13B", "OrcaPlatypus", "Mistral-7B", "Llama-13B", "ChatGPT"].flatMap((l) => [1, 2, 3, 4].map((p) => `${l} ${abbr} ${p}`));
    const perCritic = critics.map((c) => systems.map((s) => sysMean(s, c)));
    const taus = perCritic.map((v) => kendallTauB(v, human)!);
    const best = Math.max(...taus);
    const sorted = [...taus].sort((x, y) => x - y);
    const median = (sorted[9]! + sorted[10]!) / 2;
    const agg = kendallTauB(
      systems.map((_, i) => mean(perCritic.map((v) => v[i]!))),
      human,
    )!;
    out.push({
      area: AREA,
      metric: `HANNA ${name} system tau (10 systems): mean of 20 critics / best / median critic`,
      value: `${agg.toFixed(3)} / ${best.toFixed(3)} / ${median.toFixed(3)}`,
      target: "mean of critics >= median critic",
      ok: agg >= median,
    });
  }
  return out;
}

function llmbarRow(): BenchRow {
  const metric = "LLMBar Natural GPT-4 Rating Acc from per-output scores (both orders)";
  if (!existsSync(LLMBAR)) return absent(metric, "92.0");
  const items: { label: number; results: Record<string, [string, string]>[] }[] = JSON.parse(readFileSync(`${LLMBAR}/result.json`, "utf8"));
  const published = Number(/([\d.]+)%/.exec(JSON.parse(readFileSync(`${LLMBAR}/statistics.json`, "utf8")).correct_average)![1]);
  const acc = (swap: boolean): number => {
    let credit = 0;
    for (const it of items) {
      const v = it.results[it.results.length - 1]!;
      const s = [v.score_1![0].trim(), v.score_2![0].trim()].map((x): Judgment => (x === "" ? null : Number(x)));
      const [first, second] = swap ? [1, 0] : [0, 1];
      const p = preference(s[first]!, s[second]!) ?? { aWins: 0, tie: 1, bWins: 0 };
      credit += (it.label - 1 === first ? p.aWins : p.bWins) + p.tie / 2;
    }
    return (100 * credit) / items.length;
  };
  const [a, b] = [acc(false), acc(true)];
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
  return [...hannaRows(), llmbarRow(), meanDiffCoverage(), btCoverage(), btTiming()];
}
