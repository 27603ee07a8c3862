/**
 * Soft majority vote (methods.md §1.2 step 1): T_ik = share of the item's labels that say k.
 * The baseline every model is reported next to; its posterior mean is the per-item mean score.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { observations, softMajority } from "./em.js";
import { finalize } from "./finalize.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

/**
 * @example majorityVote(fromDense(new Int32Array([0, 0, 1]), 1, 3, 2)).labels // Int32Array [0]
 */
export function majorityVote(m: LabelMatrix, opts: CommonOptions = {}): LabelModelFit {
  const obs = observations(m);
  const posterior = softMajority(m, obs, opts.gold);
  const classPrior = new Float64Array(m.k);
  let labelled = 0;
  for (let i = 0; i < m.nItems; i++) {
    if (obs.start[i + 1] === obs.start[i]) continue;
    labelled++;
    for (let c = 0; c < m.k; c++) classPrior[c] += posterior[i * m.k + c];
  }
  for (let c = 0; c < m.k; c++) classPrior[c] = labelled ? classPrior[c] / labelled : 1 / m.k;
  return finalize(
    m,
    obs,
    { method: "mv", posterior, classPrior, logLikelihood: [], iterations: 0, converged: true, nParams: 0 },
    opts.gold,
  );
}
