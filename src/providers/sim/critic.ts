import { draws, unit } from "./hash.js";
import type { SimModel } from "./models.js";

/** Replies that parseScore must reject: no digits, no bare number. */
const GARBAGE = [
  "The output is fairly reasonable overall.",
  "I would call this good, though it depends on the reader.",
  "Score: somewhere between good and very good.",
  "It addresses the question, partially.",
  "Hard to say without more context.",
  "N/A",
];

export interface TopToken {
  token: string;
  logprob: number;
}

export interface CriticRating {
  level: number;
  /** Probabilities of levels 1..7 behind the logprobs; argmax is `level`. */
  dist: number[];
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/**
 * How simulated critic `c` rates a text whose true level is `truth`. Pure in (seed, critic,
 * promptKey, sample): a retry gets the same answer; `sample` > 0 gives the extra draws of n > 1.
 * shift = leniency + lengthBias * chars / 1000, rounded at random so its mean is exact;
 * with probability `accuracy` the reply is truth + shift, otherwise off by 1 (85%) or 2 (15%).
 */
export function rate(
  seed: number | string,
  c: SimModel,
  promptKey: string,
  truth: number,
  outputChars: number,
  sample = 0,
  /** Further shift in levels for this output (the self-preference bonus). */
  extraShift = 0,
): CriticRating {
  const r = draws(seed, "rate", c.name, promptKey, sample);
  const s = c.leniency + (c.lengthBias * outputChars) / 1000 + extraShift;
  const fl = Math.floor(s);
  const shift = fl + (r() < s - fl ? 1 : 0);
  let err = 0;
  if (r() >= c.accuracy) {
    const mag = r() < 0.85 ? 1 : 2;
    err = r() < 0.5 ? -mag : mag;
  }
  const level = clamp(truth + shift + err, 1, 7);
  // The critic's belief is centred on truth + mean shift; its sampled answer carries `confidence`.
  const centre = clamp(truth + s, 1, 7);
  const conf = clamp(c.confidence + 0.1 * (r() - 0.5), 0.51, 0.97);
  const w = new Array<number>(7);
  let sum = 0;
  for (let k = 0; k < 7; k++) {
    const d = k + 1 - centre;
    w[k] = Math.exp(-(d * d) / 0.98);
    sum += w[k]!;
  }
  const dist = w.map((x, k) => (1 - conf) * (x / sum) + (k + 1 === level ? conf : 0));
  return { level, dist };
}

/** Whether the critic's reply to this prompt is not a number (decided per prompt, so stable across retries). */
export function isUnparseable(seed: number | string, c: SimModel, promptKey: string, rateOverride?: number): boolean {
  return unit(seed, "unparseable", c.name, promptKey) < (rateOverride ?? c.unparseableRate);
}

export function garbageText(seed: number | string, key: string): string {
  return GARBAGE[Math.floor(unit(seed, "garbage", key) * GARBAGE.length)]!;
}

/** Share of probability mass left to a non-digit token, as real models leave some. */
const OFF_SCALE = 0.012;

/** Top-n tokens for the score position: digits by probability, plus one non-digit token. */
export function scoreTopLogprobs(dist: readonly number[], n: number): TopToken[] {
  const all: TopToken[] = dist.map((p, k) => ({ token: String(k + 1), logprob: Math.log(Math.max(p * (1 - OFF_SCALE), 1e-9)) }));
  all.push({ token: "The", logprob: Math.log(OFF_SCALE) });
  all.sort((a, b) => b.logprob - a.logprob);
  return all.slice(0, Math.max(0, n));
}
