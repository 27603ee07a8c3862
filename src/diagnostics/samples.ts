/**
 * Sample noise of a critic asked k times per output (`samples: k`), and what each further
 * sample buys: the within-output spread, and from 1 to k samples the width of the candidates'
 * 95% intervals and the agreement (Spearman) of the averaged scores with a reference (human gold,
 * or the other critics). Chiang and Lee (2023) found one sample instead of the mean of 20 cost
 * 0.1 to 0.2 of correlation with humans; this shows the same curve on the user's own data.
 */
import { spearman } from "../stats/agreement.js";
import { meanCi } from "../stats/intervals.js";

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
  curve: SampleCurvePoint[];
}

export function sampleNoise(outputs: readonly SampledOutput[]): SampleNoise {
  const k = outputs.reduce((m, o) => Math.max(m, o.samples.length), 0);
  let ss = 0;
  let df = 0;
  for (const o of outputs) {
    const n = o.samples.length;
    if (n < 2) continue;
    const mean = o.samples.reduce((a, b) => a + b, 0) / n;
    for (const x of o.samples) ss += (x - mean) ** 2;
    df += n - 1;
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
  return { k, withinSd: df ? Math.sqrt(ss / df) : null, curve };
}
