/**
 * `auto`: pick a label model per dataset and say why, in numbers.
 * - Without gold: held-out predictive likelihood of the labels themselves (cv-likelihood.ts):
 *   every candidate predicts labels it was not fitted on, from the item's other labels.
 *   Majority vote takes part as its likelihood counterpart (one accuracy shared by all
 *   labelers), and Dawid-Skene with labeler subtypes (subtypes.ts) as the model that can hold
 *   errors labelers share, which plain DS would otherwise mistake for the truth. Among the models within one paired standard error of the best, the one with the
 *   fewest parameters wins (the one-standard-error rule, Hastie, Tibshirani and Friedman, ESL
 *   §7.10), the SE taken on the per-item differences, not on one model's score.
 * - Critics that each scored every item, some of which agree beyond what the picked model
 *   predicts (dependence.ts, Yen's Q3): their qualities are not identified either, so the mean,
 *   naming the groups that look dependent.
 * - Fewer than three labelers and no gold: the labelers' qualities are not identified (with
 *   two, only the sum of their noise is; a one-factor model needs three indicators), so any
 *   weighting is a guess and the plain mean, the minimax choice when the better one is unknown,
 *   is returned with a warning and what would fix it.
 * - With gold: k-fold cross-validation over the gold items (fit with the other folds' gold
 *   clamped, score the held-out fold: accuracy, or on ordinal scales Spearman of E[z]); the
 *   candidates include majority vote, "select the best labeler on gold" and the score blend, so
 *   combining must earn its place. The same one-SE rule picks the simplest model within one
 *   standard error of the best, the SE of each difference from a delete-one-fold jackknife.
 *   Since "select" is a candidate, the pick is never below the best single labeler by more
 *   than that cross-validation error.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { shuffledGoldItems } from "./score-blend.js";
import { heldOutLogLik, type HeldOutScore, twoWaySe } from "./cv-likelihood.js";
import { dependenceTest, dependentGroups } from "./dependence.js";
import { percentileRanks, posteriorMean, spearman } from "./evaluate.js";
import { labelModels, type LabelModelName } from "./index.js";
import { oneCoin } from "./one-coin.js";
import { bestLabeler, selectLabeler } from "./select-best.js";
import { SUBTYPES } from "./subtypes.js";
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
  /** Standard error of (best − this), paired; 0 for the best, null when not computed. */
  seOfDifference: number | null;
  /** Free parameters of the model fitted on all the data (the one-SE rule's tie-break). */
  nParams: number;
  /**
   * cv-loglik: mean held-out log-likelihood per label (nats, higher is better);
   * cv-accuracy / cv-spearman: on held-out gold items.
   */
  criterion: "cv-loglik" | "cv-accuracy" | "cv-spearman" | "none";
}

export interface AutoFit extends LabelModelFit {
  picked: string;
  reason: string;
  candidates: CandidateScore[];
  /** True when the data cannot say which labeler is right (see the module comment). */
  notIdentified?: boolean;
  /** Groups of labelers that look dependent (shared errors), when that made the pick the mean. */
  dependentLabelers?: string[][];
}

/** Free parameters by model, for ordering candidates from simple to complex. */
function complexity(name: string, m: LabelMatrix): number {
  const { nLabelers: w, k } = m;
  const table: Record<string, number> = {
    mv: 0,
    select: 1,
    blend: 2,
    "one-coin": w + k - 1,
    ordinal: 2 * w - 1 + k - 1,
    "ds-banded": w * k * (k - 1) + k - 1,
    "ds-prior": w * k * (k - 1) + k - 1,
    ds: w * k * (k - 1) + k - 1 + 0.5, // the unsmoothed one is "more complex" than its MAP twin
    "ds-subtypes": w * k * SUBTYPES * (k - 1) + k * SUBTYPES - 1,
  };
  return table[name] ?? Number.POSITIVE_INFINITY;
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

/** Labelers with at least one label. */
function activeLabelers(m: LabelMatrix): number {
  let n = 0;
  for (let j = 0; j < m.nLabelers; j++) {
    for (let i = 0; i < m.nItems; i++) {
      if (m.labels[i * m.nLabelers + j] >= 0) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** Index of the simplest candidate whose score is within one SE of the best's. */
function oneSeChoice(scores: { score: number | null; se: number | null; complexity: number }[]): { best: number; pick: number } {
  let best = 0;
  scores.forEach((s, a) => {
    if ((s.score ?? -Infinity) > (scores[best].score ?? -Infinity)) best = a;
  });
  let pick = best;
  scores.forEach((s, a) => {
    if (s.score === null || s.se === null) return;
    const within = (scores[best].score ?? 0) - s.score <= s.se;
    if (within && s.complexity < scores[pick].complexity) pick = a;
  });
  return { best, pick };
}

export const NOT_IDENTIFIED_ADVICE =
  "gold labels on a few dozen items (--gold), or a third critic independent of these two, would let a label model tell which critic is right";

function autoWithoutGold(m: LabelMatrix, opts: AutoOptions): AutoFit {
  const mv = labelModels.mv(m, opts);
  if (activeLabelers(m) < 3) {
    const reason =
      `only ${activeLabelers(m)} labelers and no gold: their qualities are not identified (the data fix the sum of their noise, not who is right), ` +
      `so the plain mean of their labels, which no weighting guess can drag towards the worse one; ${NOT_IDENTIFIED_ADVICE}.`;
    return { ...mv, picked: "mv", reason, candidates: [], notIdentified: true };
  }
  const folds = opts.folds ?? 5;
  const fitters: Array<[string, (mm: LabelMatrix) => LabelModelFit]> = [
    ["mv", (mm) => oneCoin(mm, { ...opts, pooled: true })],
    ["one-coin", (mm) => labelModels["one-coin"](mm, opts)],
    ["ds-prior", (mm) => labelModels["ds-prior"](mm, opts)],
    ["ds", (mm) => labelModels.ds(mm, opts)],
    ["ds-subtypes", (mm) => labelModels["ds-subtypes"](mm, opts)],
  ];
  if (m.ordinal && m.k >= 3) fitters.push(["ordinal", (mm) => labelModels.ordinal(mm, opts)]);
  const held: Array<HeldOutScore | null> = fitters.map(([, fit]) => heldOutLogLik(m, fit, { folds, seed: opts.seed ?? 1 }));
  let bestIdx = 0;
  held.forEach((h, a) => {
    if (h && h.total > (held[bestIdx]?.total ?? -Infinity)) bestIdx = a;
  });
  const bestHeld = held[bestIdx]!;
  const cells = bestHeld.cells;
  const scored = fitters.map(([name], a) => {
    const h = held[a];
    return {
      score: h ? h.perLabel : null,
      se: h ? (a === bestIdx ? 0 : twoWaySe(m, bestHeld.perCell, h.perCell) / cells) : null,
      complexity: complexity(name, m),
    };
  });
  const { best, pick } = oneSeChoice(scored);
  const candidates: CandidateScore[] = fitters.map(([name], a) => ({
    method: name,
    score: scored[a].score,
    seOfDifference: scored[a].se,
    nParams: complexity(name, m),
    criterion: "cv-loglik",
  }));
  const name = fitters[pick][0];
  const fit = name === "mv" ? mv : fitters[pick][1](m);
  const f = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
  const others = candidates
    .filter((_, a) => a !== pick)
    .map((c) => `${c.method} ${f(c.score)}`)
    .join(", ");
  const why =
    pick === best
      ? `${name} predicted held-out labels best`
      : `${name} is the simplest model within one standard error (${f(scored[pick].se)}) of the best, ${fitters[best][0]} (${f(scored[best].score)})`;
  const reason =
    `${why}: ${folds}-fold cross-validated log-likelihood of the labels themselves, ${f(scored[pick].score)} nats per label ` +
    `(${others}; no gold).`;
  const shared = name === "mv" ? null : sharedErrors(m, fit, fitters[pick][1]);
  if (shared) {
    const why2 =
      `the mean of the labels instead of ${name}: ${shared.say}; either that group shares its errors or the others share theirs, ` +
      `and agreement alone cannot tell which, so no labeler is weighted on a guess. Gold labels on a few dozen items (--gold), or one ` +
      `prompt per model plus a critic from another model family, would fix it. (${reason})`;
    return { ...mv, picked: "mv", reason: why2, candidates, notIdentified: true, dependentLabelers: shared.groups };
  }
  return { ...fit, picked: name, reason, candidates };
}

/**
 * Graded scores from critics that each scored (nearly) every item, the harness's own setting:
 * labelers whose residuals correlate beyond what the fit predicts (dependence.ts). Q3 needs a
 * scale (ordinal, K ≥ 3) and pairs judged on common items; on sparse crowd matrices a few
 * dependent pairs among hundreds of workers barely move the estimate, and there it is not run.
 */
function sharedErrors(m: LabelMatrix, fit: LabelModelFit, refit: (m: LabelMatrix) => LabelModelFit): { groups: string[][]; say: string } | null {
  if (!m.ordinal || m.k < 3) return null;
  let labelled = 0;
  let cells = 0;
  for (let i = 0; i < m.nItems; i++) {
    let row = 0;
    for (let j = 0; j < m.nLabelers; j++) if (m.labels[i * m.nLabelers + j] >= 0) row++;
    if (row) labelled++;
    cells += row;
  }
  if (!labelled || cells / (labelled * m.nLabelers) < 0.9) return null;
  const ld = dependenceTest(m, fit, refit);
  if (!ld?.flagged.length) return null;
  const groups = dependentGroups(ld.flagged).map((g) => g.map((j) => m.labelerIds[j]));
  const pairs = ld.flagged.map((p) => `${m.labelerIds[p.a]} and ${m.labelerIds[p.b]} (${p.q3.toFixed(2)})`).join(", ");
  return {
    groups,
    say: `labelers agree with each other beyond what the model predicts (residual correlation ${pairs}, against ${ld.meanQ3.toFixed(2)} on average; Yen's Q3), so ${groups.map((g) => `{${g.join(", ")}}`).join(" and ")} look dependent`,
  };
}

function autoWithGold(m: LabelMatrix, gold: Int32Array, opts: AutoOptions): AutoFit {
  const goldItems = shuffledGoldItems(gold, opts.seed ?? 1);
  const nFolds = Math.max(2, Math.min(opts.folds ?? 5, goldItems.length));
  const useSpearman = m.ordinal && m.k >= 3;
  const names: string[] = ["mv", "select", "one-coin", "ds-prior", "ds"];
  if (useSpearman) names.push("blend", "ordinal", "ds-banded");
  // Categorical labels only: on graded critic scores the blend and the ordinal model cover it, at a fraction of the cost.
  else names.push("ds-subtypes");
  // Held-out predictions per candidate, fold by fold, on one pooled scale.
  const foldOf = new Int32Array(m.nItems).fill(-1);
  goldItems.forEach((i, r) => {
    foldOf[i] = r % nFolds;
  });
  const preds = names.map((name) => {
    const est = new Float64Array(goldItems.length);
    for (let f = 0; f < nFolds; f++) {
      const train = Int32Array.from(gold);
      for (const i of goldItems) if (foldOf[i] === f) train[i] = -1;
      const fit = fitByName(name, m, { ...opts, gold: train });
      // Ranks among all items under this fold's fit, so the folds' predictions pool on one scale.
      const mean = useSpearman ? percentileRanks(posteriorMean(m, fit.posterior)) : null;
      goldItems.forEach((i, r) => {
        if (foldOf[i] === f) est[r] = mean ? mean[i] : fit.labels[i] === gold[i] ? 1 : 0;
      });
    }
    return est;
  });
  const truth = goldItems.map((i) => gold[i]);
  const scoreOf = (est: Float64Array, keep: (r: number) => boolean) => {
    const e: number[] = [];
    const t: number[] = [];
    for (let r = 0; r < est.length; r++) {
      if (!keep(r)) continue;
      e.push(est[r]);
      t.push(truth[r]);
    }
    if (!e.length) return null;
    return useSpearman ? spearman(e, t) : e.reduce((s, v) => s + v, 0) / e.length;
  };
  const all = preds.map((p) => scoreOf(p, () => true));
  let bestIdx = 0;
  all.forEach((s, a) => {
    if ((s ?? -Infinity) > (all[bestIdx] ?? -Infinity)) bestIdx = a;
  });
  // Delete-one-fold jackknife of (best − candidate): the SE of the difference, paired by item.
  const seOfDiff = (a: number): number | null => {
    if (a === bestIdx) return 0;
    const d: number[] = [];
    for (let f = 0; f < nFolds; f++) {
      const keep = (r: number) => foldOf[goldItems[r]] !== f;
      const sb = scoreOf(preds[bestIdx], keep);
      const sa = scoreOf(preds[a], keep);
      if (sb === null || sa === null) return null;
      d.push(sb - sa);
    }
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    return Math.sqrt(((nFolds - 1) / nFolds) * d.reduce((s, v) => s + (v - mean) ** 2, 0));
  };
  const scored = names.map((name, a) => ({ score: all[a], se: seOfDiff(a), complexity: complexity(name, m) }));
  const { best, pick } = oneSeChoice(scored);
  const criterion = useSpearman ? "cv-spearman" : "cv-accuracy";
  const candidates: CandidateScore[] = names.map((name, a) => ({
    method: name,
    score: all[a],
    seOfDifference: scored[a].se,
    nParams: complexity(name, m),
    criterion,
  }));
  const fit = fitByName(names[pick], m, { ...opts, gold });
  const what = useSpearman ? "Spearman of the posterior mean" : "accuracy";
  const f = (v: number | null) => (v === null ? "n/a" : v.toFixed(3));
  const selectIdx = names.indexOf("select");
  const mvIdx = names.indexOf("mv");
  const head =
    pick === best
      ? `${fit.method} had the best ${nFolds}-fold cross-validated ${what} on ${goldItems.length} gold items, ${f(all[pick])}`
      : `${fit.method} is the simplest model within one standard error (${f(scored[pick].se)}) of the best ${nFolds}-fold ` +
        `cross-validated ${what} on ${goldItems.length} gold items (${names[best]} ${f(all[best])} vs ${f(all[pick])})`;
  const reason =
    `${head}; majority vote ${f(all[mvIdx])}, best single labeler ${f(all[selectIdx])}` +
    (names[pick] === "select" || /^blend:.*@0$/.test(fit.method) ? "; the gold set says selecting one labeler beats combining them." : ".");
  return { ...fit, picked: fit.method, reason, candidates };
}
