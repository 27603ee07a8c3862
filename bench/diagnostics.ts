/**
 * Judge diagnostics against seeded simulations with planted effects (issue 14): how often each
 * diagnostic's 95% interval covers the effect that was planted, over many seeds. A figure far
 * from 95% means the interval is wrong (too narrow or biased), so every row can come out wrong.
 */
import { type LengthObservation, lengthControlledComparison, withinLengthSlope } from "../src/diagnostics/length.js";
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
    const truthA = 4.5 - difficulty + 0.4 * rng.normal();
    const truthB = 4.5 - difficulty + 0.4 * rng.normal();
    const sA = clamp(truthA + bias(lenA) + noise * rng.normal());
    const sB = clamp(truthB + bias(lenB) + noise * rng.normal());
    obs.push({ item: i, candidate: 0, kchars: lenA / 1000, score: sA }, { item: i, candidate: 1, kchars: lenB / 1000, score: sB });
    pairs.push({ item: i, scoreA: sA, scoreB: sB, dKchars: (lenA - lenB) / 1000 });
  }
  return { obs, pairs };
}

const covers = (ci: { lo: number; hi: number } | null | undefined, x: number) => Boolean(ci && ci.lo <= x && x <= ci.hi);

/** Coverage of the planted length slope, and of the true (zero) difference by the length-controlled interval. */
export function lengthCoverage(seeds = 400, items = 200, slope = 0.8): { slopeCoverage: number; lcCoverage: number; rawCoverage: number; meanSlope: number } {
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
  return [
    { area: "diagnostics", metric: `length slope: 95% CI covers planted +0.8/1k chars (${seeds} seeds, 200 items x 2)`, value: `${pct(len.slopeCoverage)} (mean ${len.meanSlope.toFixed(2)})`, target: "92.5-97.5%", ok: inBand(len.slopeCoverage) },
    { area: "diagnostics", metric: "length-controlled A-B: 95% CI covers true 0 (equal quality, A terse, B verbose)", value: pct(len.lcCoverage), target: "92.5-97.5%", ok: inBand(len.lcCoverage) },
    { area: "diagnostics", metric: "raw A-B: 95% CI covers true 0 (same seeds; the bias it should miss)", value: pct(len.rawCoverage), target: "< 50%", ok: len.rawCoverage < 0.5 },
    {
      area: "diagnostics",
      metric: "step bias (+1 level above 1,000 chars): raw A-B vs length-controlled",
      value: `${step.raw.toFixed(2)} vs ${step.lc.toFixed(2)} [${step.lcCi?.lo.toFixed(2)}, ${step.lcCi?.hi.toFixed(2)}]`,
      target: "LC CI covers 0",
      ok: covers(step.lcCi, 0),
    },
  ];
}
