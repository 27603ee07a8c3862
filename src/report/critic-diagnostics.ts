/**
 * What the judge diagnostics of a run mean for the user's decision, as plain rows and sentences
 * that report.md and report.html both render, so the two formats say the same thing.
 */
import type { Interval, LengthDiagnostic, PairwiseResult, RunResult, SampleDiagnostic, SelfPreferenceDiagnostic } from "../run-result.js";
import { fmtInterval, fmtNum, fmtSigned } from "./format.js";

type Verdict = "A better" | "B better" | "undecided" | "n/a";

function verdict(ci: Interval | null | undefined): Verdict {
  if (!ci) return "n/a";
  return ci.lo > 0 ? "A better" : ci.hi < 0 ? "B better" : "undecided";
}

const name = (v: Verdict, p: PairwiseResult) => (v === "A better" ? `${p.a} better` : v === "B better" ? `${p.b} better` : v);

export interface LengthPairRow {
  pair: PairwiseResult;
  raw: string;
  controlled: string;
  /** Set when the raw and length-controlled intervals reach different verdicts. */
  warning: string | null;
}

/** Each comparison raw and at equal length, with a warning where the verdicts differ. */
export function lengthPairRows(r: RunResult, rubric: string): LengthPairRow[] {
  // The slope the correction used: the combined score's (the only critic's, with one).
  const slope = r.diagnostics?.length.find((x) => x.rubric === rubric && x.critic === (r.critics.length > 1 ? "combined" : r.critics[0]))?.ci95 ?? null;
  const rewardsLength = slope != null && (slope.lo > 0 || slope.hi < 0);
  return r.pairwise
    .filter((p) => p.rubric === rubric && p.lengthControlled !== undefined)
    .map((p) => {
      const lc = p.lengthControlled;
      const vRaw = verdict(p.diffCi95);
      const vLc = verdict(lc?.diffCi95);
      const differ = lc != null && vRaw !== "n/a" && vLc !== "n/a" && vRaw !== vLc;
      return {
        pair: p,
        raw: name(vRaw, p),
        controlled: lc ? name(vLc, p) : "n/a",
        warning: differ
          ? `${p.a} vs ${p.b}: the raw comparison says "${name(vRaw, p)}", at equal length it says "${name(vLc, p)}": ${
              rewardsLength ? "part of the difference is the critics rewarding length, not quality." : "the length slope is not distinguishable from zero, so this is mostly lost precision (the correction is uncertain where the candidates' lengths differ); read the raw verdict with that caution."
            }`
          : null,
      };
    });
}

/** One sentence on what a length slope means for the user. */
export function lengthMeaning(slope: number | null, ci: Interval | null): string {
  if (slope == null || !ci) return "cannot be estimated (output lengths do not vary within items and candidates)";
  if (ci.lo > 0) return `favours longer outputs: ${fmtSigned(slope)} levels per 1,000 extra characters ${fmtInterval(ci)}; where candidates differ in length, trust the length-controlled comparison`;
  if (ci.hi < 0) return `favours shorter outputs: ${fmtSigned(slope)} levels per 1,000 extra characters ${fmtInterval(ci)}; where candidates differ in length, trust the length-controlled comparison`;
  return `no length effect detected: ${fmtSigned(slope)} levels per 1,000 characters ${fmtInterval(ci)}`;
}

/** One sentence on a self-preference estimate. */
export function selfPreferenceMeaning(s: SelfPreferenceDiagnostic): string {
  if (s.bonus == null || !s.ci95) return s.note ?? "cannot be measured";
  const own = s.ownCandidates.join(", ");
  const est = `${fmtSigned(s.bonus)} levels ${fmtInterval(s.ci95)} on ${s.items} items`;
  if (s.ci95.lo > 0) return `favours its own family (${s.family}): ${est} for ${own}; comparisons involving ${own} should rest on critics of other families`;
  if (s.ci95.hi < 0) return `is harder on its own family (${s.family}): ${est} for ${own}`;
  return `no self-preference detected for ${own}: ${est}`;
}

export interface CriticGlance {
  critic: string;
  leniency: number | null;
  noise: number | null;
  /** Share of its scores within one level of the other critics' mean; null with one critic. */
  withinOne: number | null;
  length: LengthDiagnostic | null;
  self: SelfPreferenceDiagnostic | null;
  samples: SampleDiagnostic | null;
  /** What each number means for the user's decision. */
  meanings: string[];
}

/** Each critic on one rubric at a glance: leniency, noise, agreement, length effect, self-preference. */
export function criticGlance(r: RunResult, rubric: string): CriticGlance[] {
  const lm = r.labelModels.find((x) => x.rubric === rubric);
  return r.critics.map((critic) => {
    const q = lm?.critics.find((c) => c.id === critic);
    const leniency = r.critics.length > 1 ? (q?.bias ?? null) : null;
    const noise = r.critics.length > 1 ? (q?.spread ?? null) : null;
    let near = 0;
    let n = 0;
    for (const s of r.scores) {
      if (s.rubric !== rubric) continue;
      const own = s.byCritic[critic];
      const others = r.critics.filter((c) => c !== critic).map((c) => s.byCritic[c]).filter((v): v is number => v != null);
      if (own == null || !others.length) continue;
      n++;
      if (Math.abs(own - others.reduce((a, b) => a + b, 0) / others.length) <= 1) near++;
    }
    const withinOne = n ? near / n : null;
    const length = r.diagnostics?.length.find((x) => x.critic === critic && x.rubric === rubric) ?? null;
    const self = r.diagnostics?.selfPreference?.find((x) => x.critic === critic && x.rubric === rubric) ?? null;
    const cal = r.calibration.find((c) => c.rubric === rubric && c.who === critic);
    const meanings: string[] = [];
    if (leniency != null) meanings.push(Math.abs(leniency) >= 0.5 ? `Leniency ${fmtSigned(leniency)}: it scores ${Math.abs(leniency).toFixed(1)} levels ${leniency > 0 ? "above" : "below"} the average critic, so its own means are not comparable with another critic's; the combined score corrects for it.` : `Leniency ${fmtSigned(leniency)}: close to the average critic.`);
    if (noise != null) meanings.push(noise >= 1 ? `Noise ${noise.toFixed(2)} levels: its single scores are unreliable; the label model weights it down, and more items (or samples) narrow the intervals.` : `Noise ${noise.toFixed(2)} levels: steady enough for single scores to carry weight.`);
    if (cal) meanings.push(cal.sentence);
    else if (withinOne != null) meanings.push(`Agreement: within one level of the other critics on ${(100 * withinOne).toFixed(0)}% of outputs${withinOne < 0.7 ? "; it often sees the outputs differently, so check a sample by hand before trusting it alone" : ""}.`);
    if (length) meanings.push(`Length: ${lengthMeaning(length.slope, length.ci95)}.`);
    if (self) meanings.push(`Self-preference: ${selfPreferenceMeaning(self)}.`);
    const samples = r.diagnostics?.samples?.find((x) => x.critic === critic && x.rubric === rubric) ?? null;
    if (samples) meanings.push(`Samples: ${samplesMeaning(samples)}`);
    return { critic, leniency, noise, withinOne, length, self, samples, meanings };
  });
}

/** What the 1..k curve says about paying for another sample. */
export function samplesMeaning(s: SampleDiagnostic): string {
  const first = s.curve[0];
  const last = s.curve.at(-1);
  const prev = s.curve.at(-2);
  const parts = [`the same output scored ${s.k} times varies by ${fmtNum(s.withinSd)} levels (sd).`];
  if (first && last && first.ciWidth != null && last.ciWidth != null) parts.push(`From 1 to ${s.k} samples the candidates' 95% intervals go from ${fmtNum(first.ciWidth)} to ${fmtNum(last.ciWidth)} levels wide.`);
  if (first && last && prev && first.agreement != null && last.agreement != null && prev.agreement != null) {
    const gain = last.agreement - prev.agreement;
    parts.push(`Spearman with ${s.reference} goes from ${fmtNum(first.agreement)} to ${fmtNum(last.agreement)}; the last sample added ${fmtSigned(gain)}, ${gain > 0.01 ? "so more samples may still pay" : "so further samples are unlikely to be worth their price"}.`);
  }
  return parts.join(" ");
}

export interface ExplainedOutput {
  item: string;
  candidate: string;
  rubric: string;
  score: number | null;
  preview: string;
  answers: { critic: string; text: string }[];
}

/** The explained outputs, worst first per rubric, each with every critic's answer (or why there is none). */
export function explainedOutputs(r: RunResult): ExplainedOutput[] {
  const out = new Map<string, ExplainedOutput>();
  for (const e of r.explanations ?? []) {
    const key = JSON.stringify([e.rubric, e.item, e.candidate]);
    let o = out.get(key);
    if (!o) {
      const preview = r.scores.find((s) => s.item === e.item && s.candidate === e.candidate && s.rubric === e.rubric)?.outputPreview ?? "";
      o = { item: e.item, candidate: e.candidate, rubric: e.rubric, score: e.score, preview, answers: [] };
      out.set(key, o);
    }
    o.answers.push({ critic: e.critic, text: e.text ?? `(no answer: ${e.failed})` });
  }
  return [...out.values()];
}

/** Dollars the explanations cost (null when some call had no price). */
export function explanationCost(r: RunResult): number | null {
  return (r.explanations ?? []).reduce<number | null>((t, e) => (t == null || e.costUsd == null ? null : t + e.costUsd), 0);
}
