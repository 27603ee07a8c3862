import type { LabelModelSummary } from "../run-result.js";
import { fromDense, type LabelMatrix } from "../stats/label-matrix.js";
import { auto, NOT_IDENTIFIED_ADVICE } from "../stats/label-models/auto.js";
import { dependenceTest, dependentGroups } from "../stats/label-models/dependence.js";
import { isLabelModelName, labelModels, ordinal, scoreBlend } from "../stats/label-models/index.js";
import { bestLabeler, selectLabeler } from "../stats/label-models/select-best.js";
import { type CascadeUnits, cascadeFill } from "../sampling/cascade.js";
import type { CommonOptions, LabelModelFit } from "../stats/label-models/types.js";
import type { RefitSpec } from "../stats/label-bootstrap.js";
import type { OrdinalFit } from "../stats/label-models/ordinal.js";

export interface AggregatedLevels {
  /** Posterior mean per unit (the critic's level with a single critic); null when no critic scored it. */
  scores: (number | null)[];
  /** Distribution over levels 1..K per unit; null when no critic scored it. */
  posteriors: (Float64Array | null)[];
  /** The same estimate from the critics alone, without gold: what calibration against gold may fairly score. */
  unsupervisedScores: (number | null)[];
  summary: LabelModelSummary;
  /**
   * The fitted label model behind `scores`, for a bootstrap that refits it (label-bootstrap.ts);
   * absent where the estimate has no fitted parameters: one critic, the critics' mean, or a
   * critic's levels chosen by gold ("select", "blend", whose only fitted part is a choice).
   */
  refit?: RefitSpec;
}

/** Label models fitted by EM, which a bootstrap can refit on weighted rows from a warm start. */
const REFITTABLE = new Set(["ordinal", "ds", "ds-prior", "ds-banded", "one-coin"]);

/** How to fit `fit`'s model again, from its own parameters (ordinal) or its posterior (the rest). */
function refitOf(matrix: LabelMatrix, fit: LabelModelFit, gold?: Int32Array): RefitSpec | undefined {
  if (!REFITTABLE.has(fit.method) || !isLabelModelName(fit.method)) return undefined;
  const model = labelModels[fit.method] as (m: LabelMatrix, o: CommonOptions) => LabelModelFit;
  if (fit.method === "ordinal" && "bias" in fit) {
    const o = fit as OrdinalFit;
    const start = { bias: o.bias, sigma: o.sigma, levels: o.levels, classPrior: o.classPrior };
    return { matrix, gold, fit, refit: (m, opts) => ordinal(m, { ...opts, start }) };
  }
  return { matrix, gold, fit, refit: model };
}

/**
 * Below this many scored outputs the label model is not fitted: two parameters per critic from a
 * handful of outputs are mostly noise, and since its estimates are then treated as data, that
 * noise would never reach the intervals (n = 3 gave "4.33 [4.33, 4.33]"). The critics' mean keeps
 * their disagreement in every per-output score, so the interval carries it.
 */
const MIN_UNITS_FOR_LABEL_MODEL = 30;

/** The chosen select/blend estimate without gold labels written over its gold outputs. */
function unclamped(matrix: LabelMatrix, method: string, gold: Int32Array): Pick<LabelModelFit, "posterior" | "labels"> {
  if (method.startsWith("blend")) return scoreBlend(matrix, { gold, clampGold: false });
  const j = bestLabeler(matrix, gold);
  const mv = labelModels.mv(matrix);
  return j < 0 ? mv : selectLabeler(matrix, j, mv);
}

/** "select:j" → (j, 0) and "blend:j@w" → (j, w); null for a label model. */
function criticPick(method: string): { labeler: number; w: number } | null {
  const m = /^(select|blend):(\d+)(?:@([\d.]+))?$/.exec(method);
  return m ? { labeler: Number(m[2]), w: m[1] === "select" ? 0 : Number(m[3]) } : null;
}

/** Gold on fewer units than this cannot choose between label models by cross-validation. */
const MIN_GOLD_FOR_AUTO = 10;

function means(fit: LabelModelFit, has: boolean[], k: number): { scores: (number | null)[]; posteriors: (Float64Array | null)[] } {
  const posteriors = has.map((h, i) => (h ? fit.posterior.slice(i * k, (i + 1) * k) : null));
  const scores = posteriors.map((p) => (p ? p.reduce((t, v, c) => t + v * (c + 1), 0) : null));
  return { scores, posteriors };
}

/**
 * A critic-scale estimate with a cascade's missing expensive level counted as its filled
 * distribution: s = (1 − w)·(labeler b's level) + w·(mean of the critics' levels), where each
 * observed level is one vote and the filled distribution one soft vote. w = 1 is the critics'
 * mean, w = 0 "select b", between them the score blend. The posterior is the matching mixture,
 * so its mean is the blended score.
 */
function fillBlend(
  levels: (number | null)[][],
  base: ReturnType<typeof means>,
  fill: (Float64Array | null)[],
  labeler: number,
  w: number,
  expensive: number,
): ReturnType<typeof means> {
  const posteriors = base.posteriors.map((p, i) => {
    const f = fill[i];
    if (!p || !f) return p;
    const mean = Float64Array.from(f);
    let votes = 1;
    for (const v of levels[i]!) {
      if (v == null) continue;
      mean[v - 1]++;
      votes++;
    }
    const own = levels[i]![labeler];
    return mean.map((v, c) => (1 - w) * (labeler === expensive ? f[c]! : own === c + 1 ? 1 : 0) + (w * v) / votes);
  });
  const scores = posteriors.map((p) => (p ? p.reduce((t, v, c) => t + v * (c + 1), 0) : null));
  return { scores, posteriors };
}

/**
 * Raw critic levels (units x critics, null = abstained/failed) -> one estimate per unit.
 * One critic: its level. Several: the ordinal label model (methods.md 1.6), which learns each
 * critic's leniency and noise. With enough gold, `auto` chooses among the label models and
 * "select the best critic" by cross-validation on the gold (methods.md 1.7), and the gold
 * labels themselves anchor the estimates of the units they cover.
 */
export function aggregateLevels(
  rubric: string,
  levels: (number | null)[][],
  critics: string[],
  k: number,
  gold: (number | null)[],
  cascade?: CascadeUnits,
): AggregatedLevels {
  const n = levels.length;
  const m = critics.length;
  const has = levels.map((row) => row.some((v) => v != null));
  if (m === 1) {
    const scores = levels.map((row) => row[0] ?? null);
    const posteriors = scores.map((v) => {
      if (v == null) return null;
      const p = new Float64Array(k);
      p[v - 1] = 1;
      return p;
    });
    return { scores, posteriors, unsupervisedScores: scores, summary: { rubric, method: "single critic", reason: null, critics: [{ id: critics[0]!, accuracy: null, bias: null, spread: null }] } };
  }
  const dense = new Int32Array(n * m).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = levels[i]![j];
      if (v != null) dense[i * m + j] = v - 1;
    }
  }
  const matrix = fromDense(dense, n, m, k);
  // The ordinal model pins its scale on the average critic (ordinal.ts), so its posterior mean
  // is the score as it stands: no shift afterwards, and the posterior and the score agree.
  // With two critics and no gold their qualities are not identified: the plain mean instead.
  const nScored = has.filter(Boolean).length;
  const tooFew = nScored < MIN_UNITS_FOR_LABEL_MODEL;
  const fitted = m < 3 || tooFew ? null : ordinal(matrix);
  // Critics that share errors (prompts of one model) break the conditional independence the
  // model rests on; its weights are then not identified (dependence.ts), so the plain mean.
  const dependence = fitted ? dependenceTest(matrix, fitted, (mm) => ordinal(mm)) : null;
  const dependent = dependence?.flagged.length ? dependentGroups(dependence.flagged) : [];
  const unsupervised = fitted && !dependent.length ? fitted : labelModels.mv(matrix);
  const goldIdx = Int32Array.from(gold, (g) => (g == null ? -1 : g - 1));
  const nGold = goldIdx.filter((g) => g >= 0).length;
  const picked = nGold >= MIN_GOLD_FOR_AUTO ? auto(matrix, { gold: goldIdx }) : null;
  // One scale per number. A label model fitted with gold clamped puts every estimate on the
  // gold's (human) scale. "select" and "blend" only use gold to choose: their estimates are a
  // critic's levels, so gold outputs keep theirs too instead of mixing in the human label.
  const criticScale = !!picked && /^(select|blend)/.test(picked.method);
  const fit = picked && criticScale ? { ...picked, ...unclamped(matrix, picked.method, goldIdx) } : picked;
  const chosen = fit ?? unsupervised;
  const scale: "critic" | "human" = fit && !criticScale ? "human" : "critic";
  const { scores, posteriors } = means(chosen, has, k);
  const shareErrors = !fit && dependent.length > 0;
  const notIdentified = !fit && (m < 3 || shareErrors);
  const meanForFew = !fit && !notIdentified && tooFew;
  // A cascade's expensive critic is missing where the cheap one was sure: fill it from the audit
  // share (cascade.ts) so the critics' mean estimates what both critics everywhere would give.
  // With gold: the critics' mean (gold outputs keep their gold label), "select" and the score
  // blend take the same fill; a model fitted with gold clamped is left as fitted.
  const pick = !fit || fit.method === "mv" || fit.method === "blend:mean" ? { labeler: 0, w: 1 } : criticPick(fit.method);
  const cascadeFilled = cascade ? cascadeFill(levels, cascade, k) : null;
  const filled = cascadeFilled && pick && (fit || notIdentified || meanForFew) ? cascadeFilled : null;
  // Gold outputs keep their gold label under the gold-clamped mean.
  const fillAt = filled && fit?.method === "mv" ? filled.fill.map((f, i) => (goldIdx[i]! >= 0 ? null : f)) : filled?.fill;
  const estimate = filled && pick && fillAt ? fillBlend(levels, { scores, posteriors }, fillAt, pick.labeler, pick.w, cascade!.expensive) : { scores, posteriors };
  const named = (g: number[]) => g.map((j) => critics[j]).join(", ");
  const pairs = (dependence?.flagged ?? []).map((p) => `${critics[p.a]} and ${critics[p.b]} (${p.q3.toFixed(2)})`).join(", ");
  const tooFewGold = nGold ? `; ${nGold} gold labels are too few to choose a model by cross-validation (need ${MIN_GOLD_FOR_AUTO})` : "";
  const reason = fit
    ? fit.reason
    : meanForFew
      ? `the mean of the critics: ${nScored} scored outputs are too few to fit each critic's leniency and noise (need ${MIN_UNITS_FOR_LABEL_MODEL}), and a fit that poor would pass its own error off as certainty${tooFewGold}.`
      : shareErrors
        ? `the mean of the critics. Some critics agree with each other beyond what the label model predicts from its fit ` +
          `(residual correlation ${pairs}, against ${dependence!.meanQ3.toFixed(2)} on average; Yen's Q3): the groups ${dependent.map((g) => `{${named(g)}}`).join(" and ")} look dependent, ` +
          `as prompts of one model do. Either that group shares its errors or the other critics share theirs, and agreement alone cannot tell which, ` +
          `so no critic is weighted on a guess; gold labels on a few dozen outputs (--gold), or keeping one prompt per model and adding a critic from another model family, would fix it${tooFewGold}.`
      : notIdentified
      ? `the mean of the two critics. With two critics and no gold a label model cannot tell which critic is right (only the sum of their noise is identified), so no critic is down-weighted on a guess; ${NOT_IDENTIFIED_ADVICE}${tooFewGold}.`
      : `the ordinal label model (each critic's leniency and noise learned from their agreement; the scale is the average critic's)${tooFewGold}.`;
  const cascadeNote = !filled
    ? ""
    : filled.basis
      ? ` The cascade's expensive critic ran only where the cheap one was unsure (or in the audit share); elsewhere its level is filled from the ${filled.basis} audited outputs where both ran and the cheap one was sure (its level given the cheap one's), so the mean estimates what both critics on every output would give.`
      : " The cascade has no audited outputs where its cheap critic was sure, so where the expensive critic did not run the mean is the cheap critic's alone, biased wherever the two differ in leniency; give the cascade an audit share.";
  // Matrix labelers are critic indices here; name them (select:1, blend:1@0.5 -> the critic).
  const method = notIdentified || meanForFew ? "mean of critics" : chosen.method.replace(/^(select|blend):(\d+)/, (_, how: string, j: string) => `${how} ${critics[Number(j)]}`);
  // Leniency is identified even with two critics (only the split of their noise is not); too few outputs give none.
  const quality = (tooFew ? unsupervised : (fitted ?? ordinal(matrix))).labelerQuality;
  // A fitted model's estimates are its posterior means as they stand (no fill, no gold written over).
  const refit = filled ? undefined : fit && !criticScale ? refitOf(matrix, fit, goldIdx) : !fit && chosen === fitted ? refitOf(matrix, fitted) : undefined;
  return {
    ...(refit ? { refit } : {}),
    scores: estimate.scores,
    posteriors: estimate.posteriors,
    // The estimate without gold, with the same fill where it is the critics' mean.
    unsupervisedScores: (cascadeFilled && unsupervised !== fitted ? fillBlend(levels, means(unsupervised, has, k), cascadeFilled.fill, 0, 1, cascade!.expensive) : means(unsupervised, has, k)).scores,
    summary: {
      rubric,
      method,
      reason: reason.replace(/(select|blend):(\d+)/g, (_, how: string, j: string) => `${how} ${critics[Number(j)]}`) + cascadeNote,
      ...(notIdentified ? { notIdentified: true } : {}),
      ...(shareErrors ? { dependentCritics: dependent.map((g) => g.map((j) => critics[j]!)) } : {}),
      scale,
      critics: critics.map((id, j) => {
        const q = quality[j];
        return { id, accuracy: q?.accuracy ?? null, bias: q?.bias ?? null, spread: q?.spread ?? null };
      }),
    },
  };
}
