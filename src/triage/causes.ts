/**
 * The worst experiences grouped by cause. Pure.
 *
 * First, slices of the log that fail far more than the rest: a facet value or a pair of values
 * of two facets (prompt version v3 AND topic billing), found greedily as slice finders do
 * (Chung et al., "Slice Finder", ICDE 2019): the slice holding the most estimated failures not
 * yet explained, whose failure rate is at least twice the overall rate and whose 95% interval
 * lies above it, among the lines no slice chosen before holds; narrowed to a pair of values when
 * the pair keeps 80% of those failures. Then
 * the failures no slice explains, grouped by which rubrics failed and which signals fired,
 * with the facet values at least 80% of them share. Every count is weighted back to the log.
 */
import { failureRate, type Interval } from "./estimate.js";

export interface JudgedLine {
  id: string;
  pi: number;
  failed: boolean;
  /** Lowest aggregate score over the rubrics (for worst-first order). */
  worst: number;
  failedRubrics: string[];
  signals: string[];
  facets: Record<string, string>;
}

export interface CauseGroup {
  kind: "slice" | "signals";
  /** The facet values that define the slice, or that most of the group shares. */
  facets: Record<string, string>;
  /** Failing lines per rubric that failed. */
  rubrics: Record<string, number>;
  /** Failing lines per signal that fired. */
  signals: Record<string, number>;
  /** Failing judged lines, worst first. */
  ids: string[];
  judgedFailures: number;
  /** Failures in the whole log this group stands for: sum of 1/pi. */
  estimatedFailures: number;
  /** The slice's failure rate (slices only). */
  rate: { estimate: number; ci95: Interval | null } | null;
}

const LIFT = 2;
const KEEP = 0.8;
const SHARED = 0.8;

type Slice = Record<string, string>;

const inSlice = (l: JudgedLine, s: Slice) => Object.entries(s).every(([k, v]) => l.facets[k] === v);

function tally(xs: string[][]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) for (const k of x) out[k] = (out[k] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

function group(kind: CauseGroup["kind"], facets: Slice, members: JudgedLine[], rate: CauseGroup["rate"]): CauseGroup {
  const sorted = [...members].sort((a, b) => a.worst - b.worst || a.id.localeCompare(b.id));
  return {
    kind,
    facets,
    rubrics: tally(sorted.map((l) => l.failedRubrics)),
    signals: tally(sorted.map((l) => l.signals)),
    ids: sorted.map((l) => l.id),
    judgedFailures: sorted.length,
    estimatedFailures: sorted.reduce((s, l) => s + 1 / l.pi, 0),
    rate,
  };
}

/** Candidate slices: every facet value, and every pair of values of two facets, seen on a failing line. */
function candidates(failing: JudgedLine[], facets: string[]): Slice[] {
  const keys = new Map<string, Slice>();
  for (const l of failing) {
    for (let a = 0; a < facets.length; a++) {
      const fa = facets[a]!;
      if (l.facets[fa] === undefined) continue;
      const one = { [fa]: l.facets[fa]! };
      keys.set(JSON.stringify(one), one);
      for (let b = a + 1; b < facets.length; b++) {
        const fb = facets[b]!;
        if (l.facets[fb] === undefined) continue;
        const two = { [fa]: l.facets[fa]!, [fb]: l.facets[fb]! };
        keys.set(JSON.stringify(two), two);
      }
    }
  }
  return [...keys.values()];
}

export function groupCauses(lines: readonly JudgedLine[], facets: readonly string[], opts: { minFailures?: number; maxSlices?: number } = {}): CauseGroup[] {
  const minFailures = opts.minFailures ?? 3;
  const maxSlices = opts.maxSlices ?? 8;
  const failedArr = lines.map((l) => l.failed);
  const piArr = lines.map((l) => l.pi);
  const overall = failureRate(failedArr, piArr).estimate ?? 0;
  const failing = lines.filter((l) => l.failed);
  const covered = new Set<JudgedLine>();
  const groups: CauseGroup[] = [];
  const weight = (ls: JudgedLine[]) => ls.reduce((t, l) => t + 1 / l.pi, 0);
  // Each round looks only at the lines no chosen slice holds yet, so a wider slice is not
  // chosen again on the strength of failures a narrower one already explained.
  let active = [...lines];
  const allCandidates = candidates(failing, [...facets]);
  while (groups.length < maxSlices) {
    const f = active.map((l) => l.failed);
    const p = active.map((l) => l.pi);
    const scored = allCandidates.flatMap((s) => {
      const inS = active.map((l) => inSlice(l, s));
      const members = active.filter((l, i) => inS[i] && l.failed);
      if (members.length < minFailures) return [];
      const r = failureRate(f, p, inS);
      const ok = r.estimate !== null && r.estimate >= LIFT * overall && r.ci95 !== null && r.ci95.lo > overall;
      return ok ? [{ slice: s, members, rate: { estimate: r.estimate!, ci95: r.ci95 } }] : [];
    });
    if (!scored.length) break;
    let best = scored.reduce((a, b) => (weight(b.members) > weight(a.members) ? b : a));
    const refinements = scored.filter((e) => Object.keys(e.slice).length > Object.keys(best.slice).length && inSliceOf(e.slice, best.slice) && weight(e.members) >= KEEP * weight(best.members));
    if (refinements.length) best = refinements.reduce((a, b) => (weight(b.members) > weight(a.members) ? b : a));
    for (const l of best.members) covered.add(l);
    active = active.filter((l) => !inSlice(l, best.slice));
    groups.push(group("slice", best.slice, best.members, best.rate));
  }
  const rest = new Map<string, JudgedLine[]>();
  for (const l of failing) {
    if (covered.has(l)) continue;
    const key = JSON.stringify([[...l.failedRubrics].sort(), [...l.signals].sort()]);
    rest.set(key, [...(rest.get(key) ?? []), l]);
  }
  for (const members of rest.values()) {
    const shared: Slice = {};
    if (members.length >= 2) {
      for (const f of facets) {
        const counts = tally(members.map((l) => (l.facets[f] === undefined ? [] : [l.facets[f]!])));
        const [top, n] = Object.entries(counts)[0] ?? [];
        if (top !== undefined && n! >= SHARED * members.length) shared[f] = top;
      }
    }
    groups.push(group("signals", shared, members, null));
  }
  return groups.sort((a, b) => b.estimatedFailures - a.estimatedFailures);
}

/** `narrow` contains every value of `wide`. */
function inSliceOf(narrow: Slice, wide: Slice): boolean {
  return Object.entries(wide).every(([k, v]) => narrow[k] === v);
}
