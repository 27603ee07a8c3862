/** Turn a posterior into a LabelModelFit: hard labels, labeler quality, class prior. */
import type { LabelMatrix } from "../label-matrix.js";
import type { Observations } from "./em.js";
import type { LabelerQuality, LabelModelFit } from "./types.js";

/** argmax per row, lowest class index on ties; -1 for items with no observation. */
export function argmaxLabels(posterior: Float64Array, k: number, obs: Observations, gold?: Int32Array): Int32Array {
  const n = obs.start.length - 1;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (obs.start[i + 1] === obs.start[i] && !(gold && gold[i] >= 0)) {
      out[i] = -1;
      continue;
    }
    const row = i * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (posterior[row + c] > posterior[row + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Per labeler: expected agreement with the posterior, and for ordinal scales the mean signed
 * error Σ_k T_ik (y_ij − k) and its sd (the bias/noise of methods.md §1.6 (c)).
 */
export function labelerQuality(m: LabelMatrix, obs: Observations, posterior: Float64Array): LabelerQuality[] {
  const { k, nLabelers } = m;
  const agree = new Float64Array(nLabelers);
  const err = new Float64Array(nLabelers);
  const err2 = new Float64Array(nLabelers);
  const n = m.nItems;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    for (let p = obs.start[i]; p < obs.start[i + 1]; p++) {
      const j = obs.labeler[p];
      const y = obs.label[p];
      agree[j] += posterior[row + y];
      if (!m.ordinal) continue;
      for (let c = 0; c < k; c++) {
        const d = y - c;
        err[j] += posterior[row + c] * d;
        err2[j] += posterior[row + c] * d * d;
      }
    }
  }
  const out: LabelerQuality[] = [];
  for (let j = 0; j < nLabelers; j++) {
    const nj = obs.perLabeler[j];
    const bias = m.ordinal && nj > 0 ? err[j] / nj : null;
    out.push({
      labeler: m.labelerIds[j],
      nLabels: nj,
      accuracy: nj > 0 ? agree[j] / nj : null,
      bias,
      spread: bias !== null ? Math.sqrt(Math.max(0, err2[j] / nj - bias * bias)) : null,
    });
  }
  return out;
}

export interface FitParts {
  method: string;
  posterior: Float64Array;
  classPrior: Float64Array;
  logLikelihood: number[];
  iterations: number;
  converged: boolean;
  nParams: number;
  logTheta?: Float64Array;
  latent?: LabelModelFit["latent"];
}

export function finalize(m: LabelMatrix, obs: Observations, parts: FitParts, gold?: Int32Array): LabelModelFit {
  // Items nobody labelled carry no evidence: their posterior is the class prior (or their gold).
  for (let i = 0; i < m.nItems; i++) {
    if (obs.start[i + 1] !== obs.start[i]) continue;
    if (gold && gold[i] >= 0) {
      parts.posterior.fill(0, i * m.k, (i + 1) * m.k);
      parts.posterior[i * m.k + gold[i]] = 1;
    } else parts.posterior.set(parts.classPrior, i * m.k);
  }
  return {
    ...parts,
    labels: argmaxLabels(parts.posterior, m.k, obs, gold),
    labelerQuality: labelerQuality(m, obs, parts.posterior),
  };
}

/** Prior from log π. */
export function priorFromLog(logPi: Float64Array): Float64Array {
  const p = logPi.map(Math.exp);
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
}
