import { type Suite, isModelCandidate } from "../config/load.js";
import { BATCH_DISCOUNT, costUsd, priceFor } from "../providers/prices.js";
import type { CallAccounting, CostBreakdown, Generation, Judgment } from "../run-result.js";


function add(into: Record<string, number | null>, key: string, v: number | null): void {
  if (!(key in into)) into[key] = 0;
  // Unknown stays unknown only when nothing under the key had a price.
  if (v != null) into[key] = (into[key] ?? 0) + v;
}

/** Dollars per critic, candidate and rubric, and the savings of the cache and the batch APIs, apart. */
export function costBreakdown(suite: Suite, judgments: readonly Judgment[], generations: readonly Generation[], batch: boolean): CostBreakdown {
  const byCritic: Record<string, number | null> = {};
  const byCandidate: Record<string, number | null> = {};
  const byRubric: Record<string, number | null> = {};
  const models = new Map([...suite.critics, ...suite.candidates.filter(isModelCandidate)].map((t) => [t.id, t.model]));
  let cacheSaved = 0;
  // No cache hit saved exactly nothing; hits without a price saved an unknown amount.
  let cachePriced = true;
  let batchSaved = 0;
  const savings = (id: string, c: CallAccounting) => {
    if (c.cached) {
      const list = costUsd(priceFor(models.get(id) ?? "", suite.prices), c.inputTokens, c.outputTokens);
      if (list == null) cachePriced = false;
      else cacheSaved += list;
    } else if (batch && c.costUsd != null) batchSaved += (c.costUsd / BATCH_DISCOUNT) * (1 - BATCH_DISCOUNT);
  };
  for (const j of judgments) {
    const v = j.cached ? 0 : j.costUsd;
    add(byCritic, j.critic, v);
    add(byCandidate, j.candidate, v);
    add(byRubric, j.rubric, v);
    savings(j.critic, j);
  }
  for (const g of generations) {
    add(byCandidate, g.candidate, g.cached ? 0 : g.costUsd);
    savings(g.candidate, g);
  }
  return { byCritic, byCandidate, byRubric, cacheSavedUsd: cachePriced ? cacheSaved : null, batchSavedUsd: batch ? batchSaved : null, batch };
}
