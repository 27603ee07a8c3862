/**
 * Judge diagnostics against seeded simulations with planted effects (issue 14): how often each
 * diagnostic's 95% interval covers the effect that was planted, over many seeds. A figure far
 * from 95% means the interval is wrong (too narrow or biased), so every row can come out wrong.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { type SampleNoise, type SampledOutput, sampleNoise } from "../src/diagnostics/samples.js";
import { type LengthObservation, lengthControlledComparison, withinLengthSlope } from "../src/diagnostics/length.js";
import { type SelfPreferenceUnit, selfPreference } from "../src/diagnostics/self-preference.js";
import { createRng, type Rng } from "../src/stats/rng.js";
import type { BenchRow } from "./row.js";

const clamp = (x: number) => Math.min(7, Math.max(1, Math.round(x)));

export interface PlantedLength {
  obs: LengthObservation[];
  /** Score difference A − B per item, and length difference in thousands of characters. */
  pairs: { item: number; scoreA: number; scoreB: number; dKchars: number }[];
}

/**
 * Two candidates of equal true quality; A mostly terse, B mostly verbose (each output is the
 * other kind with probability `mix`). The critic reports round(truth + bias(length) + noise):
 * `bias` is either a slope in levels per 1,000 characters or a step of one level above 1,000.
 */
export function plantedLength(rng: Rng, items: number, opts: { slope?: number; step?: boolean; mix?: number; noise?: number } = {}): PlantedLength {
  const mix = opts.mix ?? 0.2;
  const noise = opts.noise ?? 0.7;
  const obs: LengthObservation[] = [];
  const pairs: PlantedLength["pairs"] = [];
  const length = (verbose: boolean) => (verbose ? 1200 + 800 * rng.next() : 150 + 350 * rng.next());
  const bias = (chars: number) => (opts.step ? (chars > 1000 ? 1 : 0) : ((opts.slope ?? 0) * chars) / 1000);
  for (let i = 0; i < items; i++) {
    const difficulty = 0.8 * rng.normal();
    const lenA = length(rng.next() < mix);
    const lenB = length(rng.next() >= mix);
    // Centred low enough that the clamp at 7 rarely binds: a clamped score would attenuate the
    // effect on the observed level below the one planted.
    const truthA = 3.8 - difficulty + 0.4 * rng.normal();
    const truthB = 3.8 - difficulty + 0.4 * rng.normal();
    const sA = clamp(truthA + bias(lenA) + noise * rng.normal());
    const sB = clamp(truthB + bias(lenB) + noise * rng.normal());
    obs.push({ item: i, candidate: 0, kchars: lenA / 1000, score: sA }, { item: i, candidate: 1, kchars: lenB / 1000, score: sB });
    pairs.push({ item: i, scoreA: sA, scoreB: sB, dKchars: (lenA - lenB) / 1000 });
  }
  return { obs, pairs };
}

const covers = (ci: { lo: number; hi: number } | null | undefined, x: number) => Boolean(ci && ci.lo <= x && x <= ci.hi);

/** Coverage of the planted length slope, and of the true (zero) difference by the length-controlled interval. */
export function lengthCoverage(seeds = 400, items = 200, slope = 0.5): { slopeCoverage: number; lcCoverage: number; rawCoverage: number; meanSlope: number } {
  let slopeHits = 0;
  let lcHits = 0;
  let rawHits = 0;
  let slopeSum = 0;
  let fitted = 0;
  for (let s = 0; s < seeds; s++) {
    const w = plantedLength(createRng(`length-${s}`), items, { slope, noise: 0.7 });
    const fit = withinLengthSlope(w.obs);
    if (!fit) continue;
    fitted++;
    slopeSum += fit.slope;
    // Rounding to whole levels attenuates a slope a little; the planted effect on the expected level is what is covered.
    if (covers(fit.ci95, slope)) slopeHits++;
    const lc = lengthControlledComparison(w.pairs, fit);
    if (covers(lc?.diffCi95, 0)) lcHits++;
    const d = w.pairs.map((p) => p.scoreA - p.scoreB);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    const half = (1.972 * sd) / Math.sqrt(d.length);
    if (Math.abs(mean) <= half) rawHits++;
  }
  return { slopeCoverage: slopeHits / fitted, lcCoverage: lcHits / fitted, rawCoverage: rawHits / fitted, meanSlope: slopeSum / fitted };
}

/** One seed of the step bias (a level added above 1,000 characters): raw against length-controlled. */
export function stepExample(items = 200): { raw: number; lc: number; lcCi: { lo: number; hi: number } | null } {
  const w = plantedLength(createRng("step"), items, { step: true });
  const fit = withinLengthSlope(w.obs)!;
  const lc = lengthControlledComparison(w.pairs, fit)!;
  const raw = w.pairs.reduce((a, p) => a + p.scoreA - p.scoreB, 0) / w.pairs.length;
  return { raw, lc: lc.meanDiff, lcCi: lc.diffCi95 };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const inBand = (x: number) => x >= 0.925 && x <= 0.975;

export async function rows(): Promise<BenchRow[]> {
  const seeds = 400;
  const len = lengthCoverage(seeds);
  const step = stepExample();
  const self = selfPreferenceCoverage(seeds);
  const noise = sampleNoiseCoverage(seeds);
  return [
    { area: "diagnostics", metric: `length slope: 95% CI covers planted +0.5/1k chars (${seeds} seeds, 200 items x 2)`, value: `${pct(len.slopeCoverage)} (mean ${len.meanSlope.toFixed(2)})`, target: "92.5-97.5%", ok: inBand(len.slopeCoverage) },
    { area: "diagnostics", metric: "length-controlled A-B: 95% CI covers true 0 (equal quality, A terse, B verbose)", value: pct(len.lcCoverage), target: "92.5-97.5%", ok: inBand(len.lcCoverage) },
    { area: "diagnostics", metric: "raw A-B: 95% CI covers true 0 (same seeds; the bias it should miss)", value: pct(len.rawCoverage), target: "< 50%", ok: len.rawCoverage < 0.5 },
    {
      area: "diagnostics",
      metric: "step bias (+1 level above 1,000 chars): raw A-B vs length-controlled",
      value: `${step.raw.toFixed(2)} vs ${step.lc.toFixed(2)} [${step.lcCi?.lo.toFixed(2)}, ${step.lcCi?.hi.toFixed(2)}]`,
      target: "LC CI covers 0",
      ok: covers(step.lcCi, 0),
    },
    { area: "diagnostics", metric: `self-preference: 95% CI covers planted +0.7 levels (${seeds} seeds, 150 items x 3 candidates x 3 critics)`, value: `${pct(self.coverage)} (mean ${self.mean.toFixed(2)})`, target: "92.5-97.5%", ok: inBand(self.coverage) },
    { area: "diagnostics", metric: "self-preference: 95% CI covers 0 when none is planted", value: pct(self.nullCoverage), target: "92.5-97.5%", ok: inBand(self.nullCoverage) },
    { area: "diagnostics", metric: `sample noise: 95% CI covers planted sd 0.71 (${seeds} seeds, 150 outputs x 3 samples)`, value: `${pct(noise.coverage)} (mean ${noise.mean.toFixed(3)})`, target: "92.5-97.5%", ok: inBand(noise.coverage) },
    ...realSampleRows(),
  ];
}

/**
 * Three critics score three candidates on `items` items; critic 0 shares candidate 0's family
 * and adds `bonus` levels to its outputs; critic 2 belongs to no candidate's family (the
 * reference). Critics have their own leniency and noise, scores are rounded to whole levels.
 */
export function plantedSelfPreference(rng: Rng, items: number, bonus: number): SelfPreferenceUnit[] {
  const units: SelfPreferenceUnit[] = [];
  const leniency = [0.4, -0.3, 0.2];
  const noise = [0.8, 0.9, 0.7];
  for (let i = 0; i < items; i++) {
    const difficulty = 0.8 * rng.normal();
    for (let c = 0; c < 3; c++) {
      const truth = 4.3 + 0.3 * c - difficulty + 0.4 * rng.normal();
      const level = (k: number) => clamp(truth + leniency[k]! + (k === 0 && c === 0 ? bonus : 0) + noise[k]! * rng.normal());
      units.push({ item: i, own: c === 0, level: level(0), reference: [level(2)] });
    }
  }
  return units;
}

export function selfPreferenceCoverage(seeds = 400, items = 150, bonus = 0.7): { coverage: number; mean: number; nullCoverage: number } {
  let hits = 0;
  let nullHits = 0;
  let sum = 0;
  for (let s = 0; s < seeds; s++) {
    const est = selfPreference(plantedSelfPreference(createRng(`self-${s}`), items, bonus));
    sum += est.bonus ?? Number.NaN;
    if (covers(est.ci95, bonus)) hits++;
    if (covers(selfPreference(plantedSelfPreference(createRng(`self0-${s}`), items, 0)).ci95, 0)) nullHits++;
  }
  return { coverage: hits / seeds, mean: sum / seeds, nullCoverage: nullHits / seeds };
}

export const SUMMEVAL = "../shared/data/judges/summeval-llm-critics";
export const HANNA = "../shared/data/judges/hanna/hanna_metric_scores_llm.csv";
const GPT35 = ["rts", "mcq", "stareval", "altrts", "altmcq"].map((p) => `gpt-3.5-turbo-0301__${p}`);

/**
 * SummEval: the five gpt-3.5 prompt variants as five "samples" of one critic (the only data here
 * with several readings of the same output by the same model), against the expert mean: the
 * sample curve per dimension. Outputs missing a reading are left out.
 */
export function summevalSampleCurves(dir = SUMMEVAL): { dimension: string; noise: SampleNoise }[] {
  const read = (f: string) => parse(readFileSync(`${dir}/${f}`), { columns: true }) as Record<string, string>[];
  const key = (r: Record<string, string>) => `${r.doc_id}|${r.system_id}|${r.dimension}`;
  const expert = new Map(read("human_scores.csv").map((r) => [key(r), (Number(r.expert_1) + Number(r.expert_2) + Number(r.expert_3)) / 3]));
  const byDim = new Map<string, SampledOutput[]>();
  const systems = new Map<string, number>();
  for (const r of read("llm_critic_scores.csv")) {
    const samples = GPT35.map((c) => r[c]);
    if (samples.some((v) => v === undefined || v === "")) continue;
    if (!systems.has(r.system_id!)) systems.set(r.system_id!, systems.size);
    const list = byDim.get(r.dimension!) ?? [];
    list.push({ group: systems.get(r.system_id!)!, samples: samples.map(Number), reference: expert.get(key(r)) ?? null });
    byDim.set(r.dimension!, list);
  }
  return [...byDim].map(([dimension, outputs]) => ({ dimension, noise: sampleNoise(outputs) }));
}

/** HANNA: ChatGPT's four Eval-Prompts (each already the mean of 3 samples) per story, against the human mean, per criterion. */
export function hannaSampleCurves(file = HANNA): { criterion: string; noise: SampleNoise }[] {
  const rows = parse(readFileSync(file), { columns: true, relax_quotes: true }) as Record<string, string>[];
  const criteria: [string, string][] = [["RE", "Relevance"], ["CH", "Coherence"], ["EM", "Empathy"], ["SU", "Surprise"], ["EG", "Engagement"], ["CX", "Complexity"]];
  return criteria.map(([abbr, name]) => {
    const outputs: SampledOutput[] = [];
    rows.forEach((row, system) => {
      const human = JSON.parse(row[name]!) as number[];
      const prompts = [1, 2, 3, 4].map((p) => JSON.parse(row[`ChatGPT ${abbr} ${p}`]!) as number[]);
      human.forEach((h, s) => {
        outputs.push({ group: system, samples: prompts.map((p) => p[s]!), reference: h });
      });
    });
    return { criterion: name, noise: sampleNoise(outputs) };
  });
}

const curveText = (n: SampleNoise) => `${n.curve.map((c) => (c.agreement ?? Number.NaN).toFixed(3)).join(" → ")} (sd ${n.withinSd?.toFixed(2)})`;

/**
 * The 1..k curve on real judge data. Neither set has repeated samples of one prompt, so the
 * readings averaged are prompt variants of one model (HANNA's are each already a mean of 3
 * samples): informational, since a weaker variant can lower the curve where a true sample could not.
 */
function realSampleRows(): BenchRow[] {
  const out: BenchRow[] = [];
  if (existsSync(SUMMEVAL)) {
    for (const { dimension, noise } of summevalSampleCurves()) {
      out.push({ area: "diagnostics", metric: `SummEval ${dimension}: gpt-3.5, Spearman with experts, mean of 1..5 prompt variants`, value: curveText(noise), target: "informational", ok: null });
    }
  } else out.push({ area: "diagnostics", metric: "SummEval sample curve", value: "skipped: ../shared/data/judges/summeval-llm-critics absent", target: "", ok: null });
  if (existsSync(HANNA)) {
    for (const { criterion, noise } of hannaSampleCurves()) {
      out.push({ area: "diagnostics", metric: `HANNA ${criterion}: ChatGPT, Spearman with human mean, mean of 1..4 Eval-Prompts`, value: curveText(noise), target: "informational", ok: null });
    }
  } else out.push({ area: "diagnostics", metric: "HANNA sample curve", value: "skipped: ../shared/data/judges/hanna absent", target: "", ok: null });
  return out;
}

/**
 * Planted sample noise: each output has a whole true level in 2..6 and each of k samples is
 * that level moved by -1 or +1 with probability p/2 each, so the noise sd on the observed scale
 * is exactly sqrt(p) (no rounding or clamping in the way).
 */
export function sampleNoiseCoverage(seeds = 400, outputs = 150, k = 3, p = 0.5): { coverage: number; mean: number } {
  let hits = 0;
  let sum = 0;
  for (let s = 0; s < seeds; s++) {
    const rng = createRng(`noise-${s}`);
    const data: SampledOutput[] = [];
    for (let i = 0; i < outputs; i++) {
      const truth = 2 + rng.int(5);
      const samples = Array.from({ length: k }, () => {
        const u = rng.next();
        return truth + (u < p / 2 ? -1 : u < p ? 1 : 0);
      });
      data.push({ group: i % 2, samples, reference: truth });
    }
    const est = sampleNoise(data);
    sum += est.withinSd ?? Number.NaN;
    if (covers(est.withinSdCi95, Math.sqrt(p))) hits++;
  }
  return { coverage: hits / seeds, mean: sum / seeds };
}
