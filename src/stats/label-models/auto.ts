/**
 * `auto`: pick a label model per dataset and say why (methods.md §1.3, §1.7).
 * - With gold: k-fold cross-validation over the gold items (fit with the other folds' gold
 *   clamped, score the held-out fold; pooled accuracy, or Spearman of E[z] on ordinal scales),
 *   candidates include "select the best labeler on gold" so combining must earn its place, and on
 *   ordinal scales the score blend (score-blend.ts), which stands unless another model beats it
 *   by more than one standard error.
 * - Without gold: penalised log-likelihood (AIC; BIC over-penalises the 2K²-parameter DS on
 *   D_Product and throws away its +3 pp), then two guards from §1.3: labelers too sparse to
 *   estimate → majority vote; a winner that overturns majority vote on > 10 % of items while
 *   another model stays closer → the closer model (the ZenCrowd failure of two-coin DS).
 */
import type { LabelMatrix } from "../label-matrix.js";
import { createRng } from "../rng.js";
import { observations } from "./em.js";
import { percentileRanks, posteriorMean, spearman } from "./evaluate.js";
import { argmaxLabels } from "./finalize.js";
import { labelModels, type LabelModelName } from "./index.js";
import { bestLabeler, selectLabeler } from "./select-best.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

export interface AutoOptions extends CommonOptions {
  /** Seed for the fold assignment. */
  seed?: number | string;
  folds?: number;
}

export interface CandidateScore {
  method: string;
  /** Higher is better; null when the candidate could not be scored. */
  score: number | null;
  criterion: "cv-accuracy" | "cv-spearman" | "aic";
}

export interface AutoFit extends LabelModelFit {
  picked: string;
  reason: string;
  candidates: CandidateScore[];
}

function candidateNames(m: LabelMatrix, withGold: boolean): LabelModelName[] {
  const names: LabelModelName[] = withGold ? ["mv", "ds", "ds-prior", "one-coin"] : ["ds", "one-coin"];
  // Banded DS has DS's parameter count and a lower likelihood, so only gold can choose it.
  if (m.ordinal && m.k >= 3) names.push(...(withGold ? (["ds-banded", "ordinal", "blend"] as const) : (["ordinal"] as const)));
  return names;
}

function hasGold(gold?: Int32Array): gold is Int32Array {
  return !!gold && gold.some((g) => g >= 0);
}

/** @example auto(m, { gold }).reason // "ds-prior had the best 5-fold accuracy on 200 gold items (…)" */
export function auto(m: LabelMatrix, opts: AutoOptions = {}): AutoFit {
  return hasGold(opts.gold) ? autoWithGold(m, opts.gold, opts) : autoWithoutGold(m, opts);
}

function fitByName(name: string, m: LabelMatrix, opts: CommonOptions): LabelModelFit {
  if (name === "select") {
    const j = bestLabeler(m, opts.gold!);
    const mv = labelModels.mv(m, opts);
    return j < 0 ? mv : selectLabeler(m, j, mv);
  }
  return labelModels[name as LabelModelName](m, opts);
}

function autoWithGold(m: LabelMatrix, gold: Int32Array, opts: AutoOptions): AutoFit {
  const goldItems: number[] = [];
  for (let i = 0; i < m.nItems; i++) if (gold[i] >= 0) goldItems.push(i);
  const rng = createRng(opts.seed ?? 1);
  for (let a = goldItems.length - 1; a > 0; a--) {
    const b = rng.int(a + 1);
    [goldItems[a], goldItems[b]] = [goldItems[b], goldItems[a]];
  }
  const nFolds = Math.max(2, Math.min(opts.folds ?? 5, goldItems.length));
  const useSpearman = m.ordinal && m.k >= 3;
  const names = [...candidateNames(m, true), "select"];
  const candidates: CandidateScore[] = names.map((name) => {
    const est: number[] = [];
    const truth: number[] = [];
    for (let f = 0; f < nFolds; f++) {
      const train = Int32Array.from(gold);
      const held = goldItems.filter((_, r) => r % nFolds === f);
      for (const i of held) train[i] = -1;
      const fit = fitByName(name, m, { ...opts, gold: train });
      // Ranks among all items under this fold's fit, so the folds' predictions pool on one scale.
      const mean = useSpearman ? percentileRanks(posteriorMean(m, fit.posterior)) : null;
      for (const i of held) {
        est.push(mean ? mean[i] : fit.labels[i] === gold[i] ? 1 : 0);
        truth.push(gold[i]);
      }
    }
    const score = useSpearman ? spearman(est, truth) : est.reduce((s, v) => s + v, 0) / est.length;
    return { method: name, score, criterion: useSpearman ? "cv-spearman" : "cv-accuracy" };
  });
  const top = candidates.reduce((a, c) => ((c.score ?? -Infinity) > (a.score ?? -Infinity) ? c : a));
  const blend = candidates.find((c) => c.method === "blend");
  // One-standard-error rule (Hastie et al., ESL §7.10): on a small gold set the CV winner among
  // many models is mostly noise, so the score blend (which already chooses between the mean and
  // the best critic) stands unless another model beats it by more than one SE of a Spearman
  // (Fisher z: sd ≈ √(1.06/(n−3))).
  const se = Math.sqrt(1.06 / Math.max(1, goldItems.length - 3));
  const z = (r: number | null) => Math.atanh(Math.max(-0.999, Math.min(0.999, r ?? -1)));
  const keepBlend = !!blend && blend !== top && z(top.score) - z(blend.score) <= se;
  const best = keepBlend ? blend : top;
  const fit = fitByName(best.method, m, { ...opts, gold });
  const mvScore = candidates.find((c) => c.method === "mv")?.score;
  const what = useSpearman ? "Spearman of the posterior mean" : "accuracy";
  const reason = keepBlend
    ? `${fit.method}: the score blend is within one standard error (${se.toFixed(3)} in Fisher z) of the best ` +
      `${nFolds}-fold cross-validated ${what} on ${goldItems.length} gold items (${top.method} ${top.score?.toFixed(3)} vs ` +
      `${blend.score?.toFixed(3)}), too close to prefer a more complex model.`
    : `${fit.method} had the best ${nFolds}-fold cross-validated ${what} on ${goldItems.length} gold items ` +
      `(${best.score?.toFixed(3)} vs majority vote ${mvScore?.toFixed(3) ?? "n/a"})` +
      (best.method === "select" || /^blend:.*@0$/.test(fit.method) ? "; the gold set says selecting one labeler beats combining them." : ".");
  return { ...fit, picked: fit.method, reason, candidates };
}

function disagreement(a: Int32Array, b: Int32Array): number {
  let n = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < 0) continue;
    n++;
    if (a[i] !== b[i]) d++;
  }
  return n ? d / n : 0;
}

function autoWithoutGold(m: LabelMatrix, opts: AutoOptions): AutoFit {
  const obs = observations(m);
  const sorted = Array.from(obs.perLabeler).sort((a, b) => a - b);
  const median = sorted.length ? sorted[sorted.length >> 1] : 0;
  const mv = labelModels.mv(m, opts);
  const fits = candidateNames(m, false).map((name) => labelModels[name](m, opts));
  const aic = (f: LabelModelFit) => (f.logLikelihood.at(-1) ?? Number.NEGATIVE_INFINITY) - f.nParams;
  const candidates: CandidateScore[] = fits.map((f) => ({ method: f.method, score: aic(f), criterion: "aic" }));
  if (median < 5) {
    const reason = `labelers gave a median of ${median} labels each, too few to estimate per-labeler quality, so majority vote.`;
    return { ...mv, picked: "mv", reason, candidates };
  }
  const ranked = [...fits].sort((a, b) => aic(b) - aic(a));
  const winner = ranked[0];
  const mvLabels = argmaxLabels(mv.posterior, m.k, obs);
  const dis = disagreement(mvLabels, winner.labels);
  const closest = fits.reduce((a, f) => (disagreement(mvLabels, f.labels) < disagreement(mvLabels, a.labels) ? f : a));
  if (dis > 0.1 && closest !== winner) {
    const reason =
      `${winner.method} had the best penalised likelihood but overturns majority vote on ${(100 * dis).toFixed(1)} % of items, ` +
      `a sign of over-fitted class-specific rates (methods.md §1.3), so ${closest.method}, which stays closer to majority vote.`;
    return { ...closest, picked: closest.method, reason, candidates };
  }
  const reason =
    `${winner.method} had the best penalised log-likelihood (AIC ${aic(winner).toFixed(1)}` +
    (ranked[1] ? ` vs ${ranked[1].method} ${aic(ranked[1]).toFixed(1)}` : "") +
    `) and agrees with majority vote on ${(100 * (1 - dis)).toFixed(1)} % of items.`;
  return { ...winner, picked: winner.method, reason, candidates };
}
