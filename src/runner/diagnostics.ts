/** Glue between a run's scores and the pure estimators in diagnostics/: one rubric at a time. */
import { type LengthFit, type PairedOutput, lengthControlledComparison, withinLengthSlope } from "../diagnostics/length.js";
import type { LengthDiagnostic, PairwiseResult } from "../run-result.js";

export interface DiagnosticUnit {
  item: string;
  candidate: string;
  output: { chars: number };
}

function fitOn(units: readonly DiagnosticUnit[], candidates: readonly string[], score: (u: number) => number | null): LengthFit | null {
  const itemIndex = new Map<string, number>();
  const candIndex = new Map(candidates.map((c, k) => [c, k]));
  const obs = [];
  for (let u = 0; u < units.length; u++) {
    const s = score(u);
    if (s == null) continue;
    const unit = units[u]!;
    if (!itemIndex.has(unit.item)) itemIndex.set(unit.item, itemIndex.size);
    const i = itemIndex.get(unit.item)!;
    obs.push({ item: i, candidate: candIndex.get(unit.candidate)!, kchars: unit.output.chars / 1000, score: s });
  }
  return withinLengthSlope(obs);
}

/** Each critic's own length slope on one rubric, and the slope of the combined score. */
export function lengthRows(rubric: string, critics: readonly string[], candidates: readonly string[], units: readonly DiagnosticUnit[], levels: readonly (number | null)[][], combined: readonly (number | null)[]): { rows: LengthDiagnostic[]; combinedFit: LengthFit | null } {
  const rows: LengthDiagnostic[] = critics.map((critic, j) => {
    const fit = fitOn(units, candidates, (u) => levels[u]![j] ?? null);
    return { critic, rubric, slope: fit?.slope ?? null, ci95: fit?.ci95 ?? null, n: levels.filter((r) => r[j] != null).length };
  });
  const combinedFit = fitOn(units, candidates, (u) => combined[u] ?? null);
  if (critics.length > 1) rows.push({ critic: "combined", rubric, slope: combinedFit?.slope ?? null, ci95: combinedFit?.ci95 ?? null, n: combined.filter((v) => v != null).length });
  return { rows, combinedFit };
}

/**
 * Adds `lengthControlled` to the rubric's pairwise entries: the comparison of the combined
 * scores at equal length. `at[item][candidate]` is the unit index, as in buildRunResult.
 */
export function addLengthControlled(pairwise: PairwiseResult[], fit: LengthFit | null, candidates: readonly string[], at: readonly (number | undefined)[][], units: readonly DiagnosticUnit[], scores: readonly (number | null)[], posteriors: readonly (ArrayLike<number> | null)[]): void {
  // Item indices as fitOn numbered them: order of first appearance among scored units.
  const itemIndex = new Map<string, number>();
  units.forEach((u, k) => {
    if (scores[k] != null && !itemIndex.has(u.item)) itemIndex.set(u.item, itemIndex.size);
  });
  for (const p of pairwise) {
    if (!fit) {
      p.lengthControlled = null;
      continue;
    }
    const a = candidates.indexOf(p.a);
    const b = candidates.indexOf(p.b);
    const pairs: PairedOutput[] = [];
    for (const row of at) {
      const ua = row[a];
      const ub = row[b];
      if (ua === undefined || ub === undefined) continue;
      const sa = scores[ua];
      const sb = scores[ub];
      if (sa == null || sb == null) continue;
      pairs.push({ item: itemIndex.get(units[ua]!.item)!, scoreA: sa, scoreB: sb, dKchars: (units[ua]!.output.chars - units[ub]!.output.chars) / 1000, pA: posteriors[ua] ?? null, pB: posteriors[ub] ?? null });
    }
    p.lengthControlled = lengthControlledComparison(pairs, fit);
  }
}
