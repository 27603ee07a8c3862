export type ParsedScore = { kind: "score"; level: number } | { kind: "abstain"; reason: "parse_failure" | "out_of_scale"; raw: string };

/**
 * Strict: the reply must be one whole number, optionally wrapped in markdown emphasis or
 * followed by "/7" or a full stop. Anything else is an abstention, never a guessed score.
 */
export function parseScore(reply: string, scale = 7): ParsedScore {
  const m = /^\s*(?:\*\*|\*|`)?\s*(?:score|rating)?\s*:?\s*(-?\d+)\s*(?:\/\s*\d+)?\s*(?:\*\*|\*|`)?\s*\.?\s*$/i.exec(reply);
  if (!m) return { kind: "abstain", reason: "parse_failure", raw: reply };
  const level = Number(m[1]);
  if (!Number.isInteger(level) || level < 1 || level > scale) return { kind: "abstain", reason: "out_of_scale", raw: reply };
  return { kind: "score", level };
}
