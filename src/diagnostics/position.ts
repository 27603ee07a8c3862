/**
 * Position-bias audit statistics (methods.md 9.1, 9.2): a conventional pairwise judge asked
 * "which is better?" about the same two outputs in both presentation orders.
 *
 * Verdicts are in the original numbering ("1" = the first output of the pair, "2" = the second),
 * whatever slot each was shown in, so an order-consistent judge gives the same verdict twice.
 * null is a reply that named neither.
 */
import { meanCi } from "../stats/intervals.js";

export type PairVerdict = "1" | "2" | null;

export interface BothOrders {
  /** Verdict with output 1 shown first. */
  inOrder: PairVerdict;
  /** Verdict with output 2 shown first (mapped back to the original numbering). */
  swapped: PairVerdict;
  /** Which output is better by some reference (gold label), when known. */
  gold?: "1" | "2" | null;
  /**
   * P(output 1 beats output 2) + ½ P(tie) from critic's own scores of the two outputs, each
   * judged alone; used to check the order-consistent verdicts against it.
   */
  derived?: number | null;
}

export interface PositionAudit {
  pairs: number;
  /** Pairs with the same verdict in both orders (a reply naming neither, twice, counts as the same, as LLMBar counts). */
  consistent: number;
  /** consistent / pairs: LLMBar's "positional agreement rate". */
  agreementRate: number | null;
  /** 1 − agreementRate: how often swapping the order changed the verdict. */
  flipRate: number | null;
  /** Among verdicts that named an output, the share that named the one shown first; 0.5 = no preference. */
  firstSlot: number | null;
  /** 95% interval of firstSlot, pairs as clusters (the two verdicts of a pair are not independent). */
  firstSlotCi95: { lo: number; hi: number } | null;
  /** Verdicts that named neither output. */
  unparsed: number;
  /** Against gold, LLMBar's Acc.: correct verdicts over both orders / (2 × pairs with gold). */
  accuracy: number | null;
  /** Order-consistent, decided pairs that have a derived preference. */
  consistentCompared: number;
  /** Mean agreement of those verdicts with critic's derived pairwise (a derived tie agrees half). */
  agreementWithDerived: number | null;
}

/**
 * @example
 * positionAudit([{ inOrder: "1", swapped: "2" }, { inOrder: "1", swapped: "1" }]).flipRate; // 0.5
 */
export function positionAudit(rows: readonly BothOrders[]): PositionAudit {
  const n = rows.length;
  let consistent = 0;
  let unparsed = 0;
  let correct = 0;
  let withGold = 0;
  let derivedSum = 0;
  let derivedN = 0;
  const firstShare: number[] = [];
  for (const r of rows) {
    if (r.inOrder === r.swapped) consistent++;
    // In order, output 1 sat in the first slot; swapped, output 2 did.
    let named = 0;
    let first = 0;
    if (r.inOrder === null) unparsed++;
    else {
      named++;
      if (r.inOrder === "1") first++;
    }
    if (r.swapped === null) unparsed++;
    else {
      named++;
      if (r.swapped === "2") first++;
    }
    if (named) firstShare.push(first / named);
    if (r.gold) {
      withGold++;
      correct += (r.inOrder === r.gold ? 1 : 0) + (r.swapped === r.gold ? 1 : 0);
    }
    if (r.inOrder !== null && r.inOrder === r.swapped && r.derived != null) {
      derivedN++;
      derivedSum += r.inOrder === "1" ? r.derived : 1 - r.derived;
    }
  }
  const share = firstShare.length ? firstShare.reduce((a, b) => a + b, 0) / firstShare.length : null;
  const ci = meanCi(firstShare);
  return {
    pairs: n,
    consistent,
    agreementRate: n ? consistent / n : null,
    flipRate: n ? 1 - consistent / n : null,
    firstSlot: share,
    firstSlotCi95: ci ? { lo: Math.max(0, ci.ci95[0]), hi: Math.min(1, ci.ci95[1]) } : null,
    unparsed,
    accuracy: withGold ? correct / (2 * withGold) : null,
    consistentCompared: derivedN,
    agreementWithDerived: derivedN ? derivedSum / derivedN : null,
  };
}
