import type { LabelMatrix } from "../label-matrix.js";

/** Estimated quality of one labeler, measured against the fitted posterior. */
export interface LabelerQuality {
  labeler: string;
  /** Labels this labeler gave. */
  nLabels: number;
  /** Expected agreement with the posterior, (1/n_j) Σ_i T_{i,y_ij}; null when n_j = 0. */
  accuracy: number | null;
  /** Ordinal only: mean signed error in scale points (> 0 = lenient); null otherwise. */
  bias: number | null;
  /** Ordinal only: sd of the signed error around the bias; null otherwise. */
  spread: number | null;
}

/** What every label model returns. Plain data; no model keeps fitted state. */
export interface LabelModelFit {
  method: string;
  /** nItems x k, row-major: P(z_i = class | labels). Items without labels get the class prior. */
  posterior: Float64Array;
  /** argmax class index, lowest index on ties; -1 for items with no label at all. */
  labels: Int32Array;
  labelerQuality: LabelerQuality[];
  classPrior: Float64Array;
  /** Marginal log-likelihood after each E-step (empty for non-likelihood methods). */
  logLikelihood: number[];
  iterations: number;
  converged: boolean;
  /** Free parameters, for BIC. */
  nParams: number;
  /**
   * Likelihood models only: log P(y = l | z = k) per labeler at [(j·K + l)·K + k], so a fit can
   * predict a label it did not see (held-out likelihood, cv-likelihood.ts).
   */
  logTheta?: Float64Array;
  /**
   * Models whose latent state is finer than the class (subtypes.ts): the state posterior
   * (nItems x states) and log P(y = l | state) per labeler at [(j·K + l)·states + s]. Held-out
   * likelihood predicts from these when present.
   */
  latent?: { states: number; posterior: Float64Array; logTheta: Float64Array };
}

/** Options every model accepts. */
export interface CommonOptions {
  /** Per item: gold class index or -1. Gold items are clamped to one-hot every iteration. */
  gold?: Int32Array;
  /** Starting posterior (nItems x k) instead of the soft majority vote. */
  init?: Float64Array;
  /** EM iteration cap (default 100). */
  maxIter?: number;
  /** Stop when |ΔlogL| < tol·|logL| (default 1e-6). */
  tol?: number;
  /**
   * EM models only: how many times each item counts (default 1 each), so identical rows can be
   * fitted once with their multiplicity, as a bootstrap resample is (label-bootstrap.ts).
   */
  itemWeights?: Float64Array;
}

/** The one signature shared by all label models (STYLE.md convention 3). */
export type LabelModel<O extends CommonOptions = CommonOptions> = (m: LabelMatrix, opts?: O) => LabelModelFit;
