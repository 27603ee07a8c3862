/**
 * Sample noise of a critic asked k times per output (`samples: k`), and what each further
 * sample buys: the within-output spread, and from 1 to k samples the width of the candidates'
 * 95% intervals and the agreement (Spearman) of the averaged scores with a reference (human gold,
 * or the other critics). Chiang and Lee (2023) found one sample instead of the mean of 20 cost
 * 0.1 to 0.2 of correlation with humans; this shows the same curve on the user's own data.
 */
import { spearman } from "../stats/agreement.js";
import { meanCi, studentTQuantile } from "../stats/intervals.js";

export interface SampledOutput {
  /** Candidate index: intervals are per candidate. */
  group: number;
  /** The critic's level in each sample, in the order asked. */
  samples: readonly number[];
  /** Gold, or the other critics' mean, on this output; null when absent. */
  reference: number | null;
}

export interface SampleCurvePoint {
  samples: number;
  /** Mean over candidates of the width of the 95% interval of the candidate's mean score. */
  ciWidth: number | null;
  /** Spearman of the m-sample means with the reference; null without a reference. */
  agreement: number | null;
}

export interface SampleNoise {
  /** Most samples any output has. */
  k: number;
  /** Pooled within-output standard deviation of the samples, in levels. */
  withinSd: number | null;
  /**
   * Its 95% interval: the pooled variance's interval (a ratio estimator, outputs as clusters,
   * so no normality is assumed of the noise), square-rooted.
   */
  withinSdCi95: { lo: number; hi: number } | null;
  curve: SampleCurvePoint[];
}

export function sampleNoise(outputs: readonly SampledOutput[]): SampleNoise {
  const k = outputs.reduce((m, o) => Math.max(m, o.samples.length), 0);
  let ss = 0;
  let df = 0;
  const parts: [number, number][] = [];
  for (const o of outputs) {
    const n = o.samples.length;
    if (n < 2) continue;
    const mean = o.samples.reduce((a, b) => a + b, 0) / n;
    let own = 0;
    for (const x of o.samples) own += (x - mean) ** 2;
    parts.push([own, n - 1]);
    ss += own;
    df += n - 1;
  }
  let withinSdCi95: SampleNoise["withinSdCi95"] = null;
  if (parts.length >= 3) {
    const v = ss / df;
    const u = parts.length;
    const se = Math.sqrt((parts.reduce((t, [own, d]) => t + ((own - v * d) / df) ** 2, 0) * u) / (u - 1));
    const q = studentTQuantile(0.975, u - 1);
    withinSdCi95 = { lo: Math.sqrt(Math.max(0, v - q * se)), hi: Math.sqrt(v + q * se) };
  }
  const groups = 1 + outputs.reduce((m, o) => Math.max(m, o.group), -1);
  const curve: SampleCurvePoint[] = [];
  for (let m = 1; m <= k; m++) {
    const used = outputs.filter((o) => o.samples.length >= m);
    const means = used.map((o) => o.samples.slice(0, m).reduce((a, b) => a + b, 0) / m);
    let width = 0;
    let counted = 0;
    for (let g = 0; g < groups; g++) {
      const ci = meanCi(means.filter((_, i) => used[i]!.group === g));
      if (!ci) continue;
      width += ci.ci95[1] - ci.ci95[0];
      counted++;
    }
    const refs = used.map((o) => o.reference);
    curve.push({ samples: m, ciWidth: counted ? width / counted : null, agreement: refs.some((r) => r != null) ? spearman(means, refs) : null });
  }
  return { k, withinSd: df ? Math.sqrt(ss / df) : null, withinSdCi95, curve };
}
