/** Glue between a run's scores and the pure estimators in diagnostics/: one rubric at a time. */
import { type LengthFit, type PairedOutput, lengthControlledComparison, withinLengthSlope } from "../diagnostics/length.js";
import type { Suite } from "../config/load.js";
import { modelFamily, selfPreference } from "../diagnostics/self-preference.js";
import { sampleNoise } from "../diagnostics/samples.js";
import type { Judgment, LengthDiagnostic, PairwiseResult, SampleDiagnostic, SelfPreferenceDiagnostic } from "../run-result.js";

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

/** Each critic's and candidate's model family: declared in the config, else read from the model name (or the candidate id). */
export function familiesOf(suite: Suite, candidates: readonly string[]): { critic: Map<string, string | null>; candidate: Map<string, string | null> } {
  const declared = suite.families ?? {};
  const critic = new Map(suite.critics.map((c) => [c.id, declared[c.id] ?? modelFamily(c.model)]));
  const candidate = new Map(
    candidates.map((id) => {
      const target = suite.candidates.find((t) => t.id === id);
      return [id, declared[id] ?? (target && "model" in target ? modelFamily(target.model) : null) ?? modelFamily(id)];
    }),
  );
  return { critic, candidate };
}

/** Self-preference of every critic on one rubric; `levels[unit][critic]` as in buildRunResult. */
export function selfPreferenceRows(rubric: string, critics: readonly string[], families: ReturnType<typeof familiesOf>, units: readonly DiagnosticUnit[], levels: readonly (number | null)[][]): SelfPreferenceDiagnostic[] {
  if (critics.length < 2) {
    return [{ critic: critics[0]!, rubric, family: families.critic.get(critics[0]!) ?? null, ownCandidates: [], bonus: null, ci95: null, items: 0, note: "cannot be measured with one critic: self-preference is the bonus beyond what critics of other families give" }];
  }
  return critics.map((critic, j) => {
    const family = families.critic.get(critic) ?? null;
    const base = { critic, rubric, family, ownCandidates: [] as string[], bonus: null, ci95: null, items: 0 };
    if (!family) return { ...base, note: "model family unknown: declare `family` on the critic" };
    const ownCandidates = [...families.candidate].filter(([, f]) => f === family).map(([c]) => c);
    if (!ownCandidates.length) return { ...base, note: `no candidate of its family (${family})` };
    // Reference: critics of other families, preferably of no candidate's family, whose own
    // self-preference would otherwise leak into the comparison.
    const candidateFamilies = new Set(families.candidate.values());
    const others = critics.map((c, k) => (k !== j && families.critic.get(c) !== family ? k : -1)).filter((k) => k >= 0);
    const neutral = others.filter((k) => {
      const f = families.critic.get(critics[k]!);
      return f == null || !candidateFamilies.has(f);
    });
    const reference = neutral.length ? neutral : others;
    if (!reference.length) return { ...base, ownCandidates, note: "no critic of another family to compare with" };
    const est = selfPreference(units.map((u, i) => ({ item: u.item, own: ownCandidates.includes(u.candidate), level: levels[i]![j] ?? null, reference: reference.map((k) => levels[i]![k] ?? null) })));
    return { ...base, ownCandidates, bonus: est.bonus, ci95: est.ci95, items: est.items, note: est.bonus == null ? "no item has outputs of its family and of others scored by both" : null };
  });
}

/** Sample spread and the 1..k curve of every critic that was asked several times per output, on one rubric. */
export function sampleRows(rubric: string, critics: readonly string[], candidates: readonly string[], units: readonly DiagnosticUnit[], judgments: readonly (readonly Judgment[])[], levels: readonly (number | null)[][], gold: readonly (number | null)[]): SampleDiagnostic[] {
  const out: SampleDiagnostic[] = [];
  const hasGold = gold.some((g) => g != null);
  critics.forEach((critic, j) => {
    const own = judgments.map((js) => js.find((x) => x.critic === critic)?.samples ?? null);
    if (!own.some((s) => s && s.length > 1)) return;
    const reference = hasGold ? "gold" : critics.length > 1 ? "other critics" : null;
    const outputs = units.flatMap((u, i) => {
      const samples = own[i];
      if (!samples?.length) return [];
      const others = levels[i]!.filter((v, k) => k !== j && v != null) as number[];
      const ref = reference === "gold" ? gold[i]! : others.length ? others.reduce((a, b) => a + b, 0) / others.length : null;
      return [{ group: candidates.indexOf(u.candidate), samples, reference: ref }];
    });
    const est = sampleNoise(outputs);
    out.push({ critic, rubric, k: est.k, withinSd: est.withinSd, withinSdCi95: est.withinSdCi95, reference, curve: est.curve });
  });
  return out;
}
