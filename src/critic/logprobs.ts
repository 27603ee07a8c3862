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

/** Below this share of probability on level tokens the position is not a score: no distribution. */
export const MIN_VALID_MASS = 0.5;

/** One generated token with its alternatives, as chat-completions logprobs report it. */
export interface TokenLogprobs {
  token: string;
  top_logprobs?: readonly TopLogprob[] | null;
}

/**
 * The alternatives at the token that carries the score: the first generated token that is a
 * level, so a reply opening with `**`, `Score:` or a space before the digit is read where the
 * digit is, not at its first token. Null when no token is a level.
 */
export function scoreTokenTop(content: readonly TokenLogprobs[] | null | undefined, scale = 7): TopLogprob[] | undefined {
  for (const c of content ?? []) {
    const tok = c.token.trim();
    if (!/^\d+$/.test(tok)) continue;
    const level = Number(tok);
    if (level < 1 || level > scale) return undefined;
    return c.top_logprobs?.map((t) => ({ token: t.token, logprob: t.logprob }));
  }
  return undefined;
}

/**
 * G-Eval probability-weighted score (methods.md section 8): keep the top tokens that are
 * valid levels, renormalise over them, take the expectation. Null when the level tokens hold
 * less than MIN_VALID_MASS of the probability: renormalising a sliver would invent confidence.
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
  if (mass <= 0 || mass < MIN_VALID_MASS) return null;
  let expected = 0;
  for (let k = 0; k < scale; k++) {
    p[k] = p[k]! / mass;
    expected += (k + 1) * p[k]!;
  }
  return { p, expected, validMass: mass };
}
