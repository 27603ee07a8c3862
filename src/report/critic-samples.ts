import type { SampleDiagnostic } from "../run-result.js";
import { fmtNum } from "./format.js";

/** The 1..k curve as table rows (text cells): samples, interval width, Spearman. */
export function sampleCurveRows(s: SampleDiagnostic): string[][] {
  return s.curve.map((c) => [String(c.samples), fmtNum(c.ciWidth), fmtNum(c.agreement, 3)]);
}
