/**
 * From each line's signal pattern to the sample a critic judges: score every line with the
 * label model, turn scores into inclusion probabilities with a floor, draw. Pure; memory is a
 * few bytes per line (the pattern array and one probability per line), never the lines.
 */
import { createRng } from "../stats/rng.js";
import { paretoSample, targetInclusion } from "./design.js";
import { type DependentPair, type SignalModelFit, badProbability, dependentSignals, fitSignalModel } from "./signal-model.js";

export interface Draw {
  fit: SignalModelFit;
  /** Line indices drawn, in a random order. */
  lines: number[];
  /** Inclusion probability of each drawn line (same order). */
  pi: number[];
  /** Smallest inclusion probability of any line: the floor. */
  floor: number;
  /** Signal pairs the model's independence assumption does not hold for. */
  dependent: DependentPair[];
  /** Each distinct pattern: its lines, P(bad) and the inclusion probability of a line not forced in. */
  patterns: { pattern: number; lines: number; pBad: number; pi: number }[];
}

export interface DrawOptions {
  /** Lines to draw. */
  size: number;
  /** Share of the draws spread uniformly over all lines (default 0.2). */
  floorShare?: number;
  /** Lines drawn for certain (the slowest, say), inside `size`. */
  forced?: readonly number[];
  seed: number | string;
}

/** Count the distinct patterns. */
export function patternCounts(patterns: ArrayLike<number>): { patterns: number[]; counts: number[] } {
  const m = new Map<number, number>();
  for (let i = 0; i < patterns.length; i++) m.set(patterns[i]!, (m.get(patterns[i]!) ?? 0) + 1);
  return { patterns: [...m.keys()], counts: [...m.values()] };
}

/**
 * @example drawSample(new Uint32Array([0, 0, 1, 0]), 2, { size: 2, seed: 1 }).lines
 */
export function drawSample(patterns: ArrayLike<number>, signals: number, opts: DrawOptions): Draw {
  const pc = patternCounts(patterns);
  const fit = fitSignalModel(pc, signals);
  const forced = new Set(opts.forced ?? []);
  const size = Math.min(opts.size, patterns.length);
  const free = Math.max(0, size - forced.size);
  // Per pattern over the lines not forced in; then spread back per line.
  const counts = pc.patterns.map(() => 0);
  const at = new Map(pc.patterns.map((p, k) => [p, k]));
  for (let i = 0; i < patterns.length; i++) if (!forced.has(i)) counts[at.get(patterns[i]!)!]!++;
  const scores = pc.patterns.map((p) => badProbability(fit, p));
  const lamByPattern = targetInclusion(scores, free, opts.floorShare ?? 0.2, counts);
  const lambda = new Float64Array(patterns.length);
  for (let i = 0; i < patterns.length; i++) lambda[i] = forced.has(i) ? 1 : lamByPattern[at.get(patterns[i]!)!]!;
  const lines = paretoSample(lambda, size, createRng(`${opts.seed}:triage-draw`));
  let floor = 1;
  for (let k = 0; k < counts.length; k++) if (counts[k]! > 0) floor = Math.min(floor, lamByPattern[k]!);
  const byPattern = pc.patterns.map((p, k) => ({ pattern: p, lines: pc.counts[k]!, pBad: scores[k]!, pi: lamByPattern[k]! })).sort((x, y) => y.lines - x.lines);
  return { fit, lines, pi: lines.map((i) => lambda[i]!), floor, dependent: dependentSignals(fit, pc), patterns: byPattern };
}
