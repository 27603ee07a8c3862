/**
 * The "A better than B" verdicts of a run's pairwise comparisons. With several candidates a
 * rubric has C(C − 1)/2 pairs, and checking each at 95% lets the chance of at least one wrong
 * "better" grow towards that many times 5%. Holm's step-down (src/stats/holm.ts) over each
 * rubric's pairs keeps it at 5%; with two candidates there is one pair and Holm changes nothing.
 */
import type { PairwiseResult, RunResult } from "../run-result.js";
import { holm } from "../stats/holm.js";

/** Two-sided level of the 95% intervals the verdicts read. */
export const PAIRWISE_ALPHA = 0.05;

export type PairwiseCorrection = "holm" | "none";

/** The verdict a 95% interval gives on its own. */
function byInterval(p: PairwiseResult): PairwiseResult["verdict"] {
  if (!p.diffCi95) return undefined;
  return p.diffCi95.lo > 0 ? "A better" : p.diffCi95.hi < 0 ? "B better" : "undecided";
}

/**
 * Set `verdict` and `familywise` on every pair, per rubric, and `pairwiseCorrection` on the
 * result. A pair decided by an anytime-valid confidence sequence (a sequential comparison) keeps
 * that sequence's verdict and stays out of the family: it has no fixed-n p-value.
 *
 * @example
 * decidePairs(result, "holm"); result.pairwise[0].verdict; // "A better" | "B better" | "undecided"
 */
export function decidePairs(result: RunResult, method: PairwiseCorrection): void {
  result.pairwiseCorrection = method;
  for (const rubric of new Set(result.pairwise.map((p) => p.rubric))) {
    const family = result.pairwise.filter((p) => p.rubric === rubric && p.interval !== "confidence-sequence");
    for (const p of result.pairwise) {
      if (p.rubric !== rubric || p.interval !== "confidence-sequence") continue;
      // A fixed-n p-value does not hold on a sample stopped by peeking: only the sequence decides.
      p.p = null;
      setVerdict(p, byInterval(p), undefined);
    }
    const h = holm(family.map((p) => p.p ?? null), PAIRWISE_ALPHA);
    family.forEach((p, i) => {
      const alone = byInterval(p);
      if (method === "none") {
        setVerdict(p, alone, { method, pairs: family.length, level: PAIRWISE_ALPHA, adjustedP: p.p ?? null });
        return;
      }
      // Holm can only withdraw a verdict the interval gave: a rejected pair keeps its direction.
      const verdict = alone === undefined ? undefined : h.reject[i] ? alone : "undecided";
      setVerdict(p, verdict, { method, pairs: family.length, level: h.level[i] ?? null, adjustedP: h.adjusted[i] ?? null });
    });
  }
}

function setVerdict(p: PairwiseResult, verdict: PairwiseResult["verdict"], familywise: PairwiseResult["familywise"]): void {
  if (verdict === undefined) delete p.verdict;
  else p.verdict = verdict;
  if (familywise === undefined) delete p.familywise;
  else p.familywise = familywise;
}
