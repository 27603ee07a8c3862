export interface TopLogprob {
  token: string;
  logprob: number;
}

export interface LevelDistribution {
  /** p[k] = probability of level k+1, renormalised over the valid levels. */
  p: number[];
  expected: number;
  /** Probability mass the model put on valid level tokens before renormalising; < 0.5 is suspect. */
  validMass: number;
}

/**
 * G-Eval probability-weighted score (methods.md section 8): keep the top tokens that are
 * valid levels, renormalise over them, take the expectation.
 */
export function levelDistribution(top: readonly TopLogprob[], scale = 7): LevelDistribution | null {
  const p = new Array<number>(scale).fill(0);
  let mass = 0;
  for (const t of top) {
    const tok = t.token.trim();
    if (!/^\d+$/.test(tok)) continue;
    const level = Number(tok);
    if (level < 1 || level > scale) continue;
    const prob = Math.exp(t.logprob);
    p[level - 1]! += prob;
    mass += prob;
  }
  if (mass <= 0) return null;
  let expected = 0;
  for (let k = 0; k < scale; k++) {
    p[k] = p[k]! / mass;
    expected += (k + 1) * p[k]!;
  }
  return { p, expected, validMass: mass };
}
