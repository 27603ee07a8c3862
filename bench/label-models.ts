/**
 * Label-model benchmark: Dawid–Skene at scale (1,000,000 items × 5 labelers × 7 levels),
 * crowd-data accuracies against published figures, and the SummEval LLM-critic experiment
 * of methods.md §1.7 (aggregate vs best single critic vs mean of critics).
 */
import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { readGold, readLabels } from "../src/data/labels.js";
import { buildLabelMatrix, fromDense, goldIndex, type LabelRow } from "../src/stats/label-matrix.js";
import { auto } from "../src/stats/label-models/auto.js";
import { posteriorMean, scoreAgainstGold, spearman } from "../src/stats/label-models/evaluate.js";
import { dawidSkene, majorityVote, ordinal, scoreBlend } from "../src/stats/label-models/index.js";
import { createRng } from "../src/stats/rng.js";
import type { BenchRow } from "./row.js";

const SUMMEVAL = "../shared/data/judges/summeval-llm-critics";

export interface SummevalRow {
  dimension: string;
  /** Mean over draws of Spearman(aggregate posterior mean, expert mean) on non-gold items. */
  aggregate: number;
  bestSingle: number;
  bestSingleName: string;
  meanOfCritics: number;
  /** How often each method was picked across draws. */
  picked: Record<string, number>;
}

/**
 * SummEval experiment (methods.md §1.7): per dimension and draw, give the aggregator gold for
 * `nGold` random items (rounded expert mean) and score Spearman with the expert mean on the
 * other items. All nine critic columns go in unmerged: the score blend assumes no conditional
 * independence, and `auto`'s cross-validation judges the models that do. `aggregator` is
 * `auto` (the default pick, ~9 s per dimension) or `blend` (the score blend alone, < 1 s).
 */
export function summevalExperiment(dir = SUMMEVAL, draws = 20, nGold = 50, aggregator: "auto" | "blend" = "auto"): SummevalRow[] {
  const read = (f: string) => parse(readFileSync(`${dir}/${f}`), { columns: true }) as Record<string, string>[];
  const human = read("human_scores.csv");
  const llm = read("llm_critic_scores.csv");
  const key = (r: Record<string, string>) => `${r.doc_id}|${r.system_id}|${r.dimension}`;
  const expert = new Map(human.map((r) => [key(r), (Number(r.expert_1) + Number(r.expert_2) + Number(r.expert_3)) / 3]));
  const critics = Object.keys(llm[0]).filter((c) => c.includes("__"));
  const out: SummevalRow[] = [];
  for (const dimension of [...new Set(llm.map((r) => r.dimension))]) {
    const rowsD = llm.filter((r) => r.dimension === dimension);
    const truth = rowsD.map((r) => expert.get(key(r))!);
    const raw = critics.map((c) => rowsD.map((r) => (r[c] === "" ? null : Number(r[c]))));
    // Every critic column is its own labeler (gpt-4's rare half points rounded to the scale).
    const labelRows: LabelRow[] = rowsD.flatMap((r, i) =>
      critics.flatMap((c, ci) => (raw[ci][i] === null ? [] : [{ item: key(r), labeler: c, label: Math.round(raw[ci][i]!) }])),
    );
    const m = buildLabelMatrix(labelRows, { k: 5 });
    const pos = new Map(m.itemIds.map((id, i) => [id, i]));
    const order = rowsD.map((r) => pos.get(key(r))!);
    let agg = 0;
    let meanC = 0;
    const single = new Float64Array(critics.length);
    const picked: Record<string, number> = {};
    for (let d = 0; d < draws; d++) {
      const rng = createRng(`summeval-${dimension}-${d}`);
      const gold = new Int32Array(m.nItems).fill(-1);
      const isGold = new Uint8Array(rowsD.length);
      for (let c = 0; c < nGold; ) {
        const i = rng.int(rowsD.length);
        if (isGold[i]) continue;
        isGold[i] = 1;
        gold[order[i]] = Math.round(truth[i]) - 1;
        c++;
      }
      const fit = aggregator === "auto" ? auto(m, { gold, seed: d }) : scoreBlend(m, { gold, seed: d });
      picked[fit.method] = (picked[fit.method] ?? 0) + 1;
      const est = posteriorMean(m, fit.posterior);
      const test = rowsD.map((_, i) => i).filter((i) => !isGold[i]);
      const t = test.map((i) => truth[i]);
      agg += spearman(test.map((i) => est[order[i]]), t) ?? 0;
      raw.forEach((col, ci) => {
        const ok = test.filter((i) => col[i] !== null);
        single[ci] += spearman(ok.map((i) => col[i]!), ok.map((i) => truth[i])) ?? 0;
      });
      const mean = test.map((i) => {
        const vs = raw.map((col) => col[i]).filter((v): v is number => v !== null);
        return vs.reduce((a, b) => a + b, 0) / vs.length;
      });
      meanC += spearman(mean, t) ?? 0;
    }
    const best = single.reduce((b, v, ci) => (v > single[b] ? ci : b), 0);
    out.push({ dimension, aggregate: agg / draws, bestSingle: single[best] / draws, bestSingleName: critics[best], meanOfCritics: meanC / draws, picked });
  }
  return out;
}

/** Simulated ordinal labels: labeler j is exact with probability acc[j], else off by ±1..2. */
export function simulateOrdinal(n: number, acc: number[], k: number, seed: number | string) {
  const rng = createRng(seed);
  const w = acc.length;
  const truth = new Int32Array(n);
  const labels = new Int32Array(n * w);
  for (let i = 0; i < n; i++) {
    const z = rng.int(k);
    truth[i] = z;
    for (let j = 0; j < w; j++) {
      let y = z;
      if (rng.next() >= acc[j]) {
        do y = z + (rng.next() < 0.5 ? -1 : 1) * (1 + rng.int(2));
        while (y < 0 || y >= k);
      }
      labels[i * w + j] = y;
    }
  }
  return { truth, matrix: fromDense(labels, n, w, k) };
}

function scaleRow(): BenchRow[] {
  const sim = simulateOrdinal(1_000_000, [0.8, 0.7, 0.6, 0.5, 0.4], 7, "bench-scale");
  const t0 = performance.now();
  const fit = dawidSkene(sim.matrix);
  const seconds = (performance.now() - t0) / 1000;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  return [
    { area: "label-models", metric: `DS 1e6x5x7 seconds (${fit.iterations} it.)`, value: seconds.toFixed(2), target: "<= 10", ok: seconds <= 10 },
    { area: "label-models", metric: "DS 1e6x5x7 peak RSS MB", value: rssMb.toFixed(0), target: "<= 1536", ok: rssMb <= 1536 },
  ];
}

async function crowdRows(): Promise<BenchRow[]> {
  const D = "../shared/data/crowd";
  const sets: Array<[string, string, string, number, number]> = [
    ["product", `${D}/product-zheng2017/answer.csv`, `${D}/product-zheng2017/truth.csv`, 0.897, 0.94],
    ["possent", `${D}/possent-zheng2017/label.csv`, `${D}/possent-zheng2017/truth.csv`, 0.932, 0.96],
    ["rel", `${D}/rel-zheng2017/label.csv`, `${D}/rel-zheng2017/truth.csv`, 0.536, 0.615],
  ];
  const rows: BenchRow[] = [];
  for (const [name, labels, truth, mvT, dsT] of sets) {
    if (!existsSync(labels)) continue;
    const gold = await readGold(truth);
    const m = buildLabelMatrix((await readLabels(labels)).rows, { extraValues: [...gold.values()] });
    const g = goldIndex(m, gold);
    const mv = scoreAgainstGold(m, majorityVote(m), g).accuracy!;
    const ds = scoreAgainstGold(m, dawidSkene(m), g).accuracy!;
    rows.push({ area: "label-models", metric: `${name} MV accuracy`, value: mv.toFixed(4), target: `${mvT} ± 0.005`, ok: Math.abs(mv - mvT) <= 0.005 });
    rows.push({ area: "label-models", metric: `${name} DS accuracy`, value: ds.toFixed(4), target: `${dsT} ± 0.005`, ok: Math.abs(ds - dsT) <= 0.005 });
  }
  return rows;
}

/** A crowd label file with its gold, as the tests read it (ActiveCrowdToolkit files have no header). */
export async function loadCrowd(labels: string, truth?: string) {
  const t = await readLabels(labels, { columns: labels.includes("activecrowd") ? { labeler: 0, item: 1, label: 2, gold: 3 } : undefined, goldMissing: ["-1"] });
  const gold = truth ? await readGold(truth) : t.gold;
  const m = buildLabelMatrix(t.rows, { extraValues: [...gold.values()] });
  return { m, gold: goldIndex(m, gold) };
}

/**
 * Five critics on 1..7; critics 0-2 (three prompts of one model) see the truth plus one shared
 * per-output error (sd 1.2) and little noise of their own (0.5), critics 3 and 4 are independent
 * (noise 0.9 and 1.0). With `shared` false nobody shares anything: the false-alarm case.
 */
export function fiveCritics(seed: string, shared: boolean, n = 400): { truth: number[]; levels: number[][] } {
  const r = createRng(seed);
  const own = [0.5, 0.5, 0.5, 0.9, 1.0];
  const truth: number[] = [];
  const levels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z = 1 + 5 * r.next();
    truth.push(z);
    const e = shared ? 1.2 * r.normal() : 0;
    levels.push(own.map((sd, j) => Math.max(1, Math.min(7, Math.round(z + (j < 3 ? e : 0) + sd * r.normal() + 1)))));
  }
  return { truth, levels };
}

/**
 * The shared-error guard (dependence.ts) on 10 seeds of each case: Spearman with the truth of the
 * best critic, of the ordinal model that counts the three as independent, and of auto; and how
 * often the guard fires when nobody shares errors (its false-alarm rate).
 */
export function sharedErrorRows(): BenchRow[] {
  const seeds = Array.from({ length: 10 }, (_, s) => `shared-${s}`);
  let best = 0;
  let ord = 0;
  let picked = 0;
  let falseAlarms = 0;
  for (const seed of seeds) {
    const { truth, levels } = fiveCritics(seed, true);
    const m = fromDense(Int32Array.from(levels.flat(), (v) => v - 1), levels.length, 5, 7);
    const rho = (x: ArrayLike<number>) => spearman(x, truth)!;
    best += Math.max(...[0, 1, 2, 3, 4].map((j) => rho(levels.map((row) => row[j]!)))) / seeds.length;
    ord += rho(posteriorMean(m, ordinal(m).posterior)) / seeds.length;
    picked += rho(posteriorMean(m, auto(m).posterior)) / seeds.length;
    const indep = fiveCritics(`${seed}-indep`, false);
    const mi = fromDense(Int32Array.from(indep.levels.flat(), (v) => v - 1), indep.levels.length, 5, 7);
    if (auto(mi).dependentLabelers) falseAlarms++;
  }
  return [
    {
      area: "label-models",
      metric: "3 of 5 critics share errors (simulated, 10 seeds): Spearman best critic / ordinal / auto",
      value: `${best.toFixed(3)} / ${ord.toFixed(3)} / ${picked.toFixed(3)}`,
      target: "auto >= best critic",
      ok: picked >= best,
    },
    {
      area: "label-models",
      metric: "5 independent critics (simulated, 10 seeds): shared-error guard fired",
      value: `${falseAlarms} / ${seeds.length}`,
      target: "<= 1",
      ok: falseAlarms <= 1,
    },
  ];
}

/** snow2008-rte exactness, the sets where plain DS falls below MV, and planted accuracies recovered. */
async function failureModeRows(): Promise<BenchRow[]> {
  const D = "../shared/data/crowd";
  const out: BenchRow[] = [];
  const rte = `${D}/snow2008-rte/rte.standardized.tsv`;
  if (existsSync(rte)) {
    const { m, gold } = await loadCrowd(rte);
    const acc = scoreAgainstGold(m, dawidSkene(m), gold).accuracy!;
    out.push({ area: "label-models", metric: "snow2008-rte DS accuracy", value: acc.toFixed(4), target: "0.9275 exactly", ok: acc === 0.9275 });
  }
  for (const name of ["ZenCrowd_all", "ZenCrowd_in", "ZenCrowd_us", "CF", "CF_amt"]) {
    const path = `${D}/activecrowdtoolkit/${name}.csv`;
    if (!existsSync(path)) continue;
    const { m, gold } = await loadCrowd(path);
    const mv = scoreAgainstGold(m, majorityVote(m), gold).accuracy!;
    const ds = scoreAgainstGold(m, dawidSkene(m), gold).accuracy!;
    const fit = auto(m);
    const a = scoreAgainstGold(m, fit, gold).accuracy!;
    out.push({ area: "label-models", metric: `${name}: auto (${fit.picked}) / MV / plain DS accuracy`, value: `${a.toFixed(4)} / ${mv.toFixed(4)} / ${ds.toFixed(4)}`, target: "auto >= MV", ok: a >= mv });
  }
  const acc = [0.85, 0.7, 0.55, 0.4, 0.3];
  const fit = dawidSkene(simulateOrdinal(4000, acc, 5, "planted").matrix);
  const err = Math.max(...fit.labelerQuality.map((q, j) => Math.abs(q.accuracy! - acc[j]!)));
  out.push({ area: "label-models", metric: "planted labeler accuracies (0.85..0.30, 4,000 items): largest error", value: err.toFixed(3), target: "< 0.05", ok: err < 0.05 });
  return out;
}

export async function rows(): Promise<BenchRow[]> {
  const out = [...scaleRow(), ...(await crowdRows()), ...(await failureModeRows()), ...sharedErrorRows()];
  if (existsSync(SUMMEVAL)) {
    for (const aggregator of ["auto", "blend"] as const) {
      for (const r of summevalExperiment(SUMMEVAL, 20, 50, aggregator)) {
        const target = Math.max(r.bestSingle, r.meanOfCritics);
        out.push({
          area: "label-models",
          metric: `summeval ${r.dimension}: ${aggregator} Spearman, 50 gold (best single ${r.bestSingle.toFixed(3)} ${r.bestSingleName}, mean ${r.meanOfCritics.toFixed(3)})`,
          value: r.aggregate.toFixed(3),
          target: `>= ${target.toFixed(3)}`,
          ok: r.aggregate >= target,
        });
      }
    }
  }
  return out;
}
