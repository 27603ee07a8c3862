import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { sample } from "../src/sampling/sample.js";
import { ppiMean } from "../src/stats/ppi.js";
import type { BenchRow } from "./row.js";

export const SUMMEVAL = "../shared/data/judges/summeval-llm-critics";

interface Pool {
  expert: number[];
  critic: number[];
}

/** Expert mean (gold) and gpt-4 rts score per summary, by dimension; the one unparsed gpt-4 reply is left out. */
function loadSummEval(dir: string): Map<string, Pool> {
  const read = (f: string) => parse(readFileSync(`${dir}/${f}`), { columns: true }) as Record<string, string>[];
  const key = (r: Record<string, string>) => `${r.doc_id}|${r.system_id}|${r.dimension}`;
  const critic = new Map(read("llm_critic_scores.csv").map((r) => [key(r), r["gpt-4-0314__rts"]]));
  const pools = new Map<string, Pool>();
  for (const r of read("human_scores.csv")) {
    const c = critic.get(key(r));
    if (c === undefined || c === "") continue;
    const pool = pools.get(r.dimension!) ?? { expert: [], critic: [] };
    pool.expert.push((Number(r.expert_1) + Number(r.expert_2) + Number(r.expert_3)) / 3);
    pool.critic.push(Number(c));
    pools.set(r.dimension!, pool);
  }
  return pools;
}

export interface PpiCoverage {
  dimension: string;
  coverage: number;
  widthPpi: number;
  widthClassical: number;
}

/**
 * PPI++ on SummEval (issue 4): gpt-4 scores as the cheap labels on every summary, the expert
 * mean as gold on `nGold` random summaries, 95% intervals; how often the interval covers the
 * full-data expert mean, and its mean width against the gold-only interval.
 */
export function summevalPpi(dir = SUMMEVAL, draws = 1000, nGold = 100): PpiCoverage[] {
  const out: PpiCoverage[] = [];
  for (const [dimension, { expert, critic }] of loadSummEval(dir)) {
    const target = expert.reduce((s, x) => s + x, 0) / expert.length;
    let covered = 0;
    let widthPpi = 0;
    let widthClassical = 0;
    for (let d = 0; d < draws; d++) {
      const gold = sample(expert.length, { size: nGold, seed: `summeval-${dimension}-${d}` });
      const isGold = new Uint8Array(expert.length);
      for (const i of gold) isGold[i] = 1;
      const unlabelled = critic.filter((_, i) => !isGold[i]);
      const y = gold.map((i) => expert[i]!);
      const yHat = gold.map((i) => critic[i]!);
      const ppi = ppiMean(y, yHat, unlabelled, { alpha: 0.05 })!;
      const classical = ppiMean(y, yHat, unlabelled, { alpha: 0.05, lambda: "classical" })!;
      if (ppi.ci.lo <= target && target <= ppi.ci.hi) covered++;
      widthPpi += ppi.ci.hi - ppi.ci.lo;
      widthClassical += classical.ci.hi - classical.ci.lo;
    }
    out.push({ dimension, coverage: covered / draws, widthPpi: widthPpi / draws, widthClassical: widthClassical / draws });
  }
  return out.sort((a, b) => a.dimension.localeCompare(b.dimension));
}

export async function rows(): Promise<BenchRow[]> {
  if (!existsSync(SUMMEVAL)) return [{ area: "ppi", metric: "SummEval PPI++", value: "skipped: ../shared/data absent", target: "", ok: null }];
  return summevalPpi().map((c) => ({
    area: "ppi",
    metric: `SummEval ${c.dimension}: PPI++ coverage / width vs gold-only (100 gold, 95% intervals, 1,000 draws)`,
    value: `${(c.coverage * 100).toFixed(1)}% / ${c.widthPpi.toFixed(3)} vs ${c.widthClassical.toFixed(3)}`,
    target: ">= 93%, narrower",
    ok: c.coverage >= 0.93 && c.widthPpi < c.widthClassical,
  }));
}
