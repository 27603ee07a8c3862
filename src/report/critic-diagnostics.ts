/**
 * What the judge diagnostics of a run mean for the user's decision, as plain rows and sentences
 * that report.md and report.html both render, so the two formats say the same thing.
 */
import type { Interval, PairwiseResult, RunResult } from "../run-result.js";
import { fmtInterval, fmtSigned } from "./format.js";

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
        warning: differ ? `${p.a} vs ${p.b}: the raw comparison says "${name(vRaw, p)}", at equal length it says "${name(vLc, p)}": part of the difference is the critics rewarding length, not quality.` : null,
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
