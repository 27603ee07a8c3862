import { createHash } from "node:crypto";

/**
 * Whether a unit is in the cascade's audit sample (judged by both critics regardless), decided
 * by a seeded hash so a resumed or repeated run audits the same units.
 */
export function isAudited(seed: number, item: string, candidate: string, rubric: string, share: number): boolean {
  if (share <= 0) return false;
  const h = createHash("sha256").update(JSON.stringify([seed, item, candidate, rubric])).digest();
  return h.readUInt32BE(0) / 2 ** 32 < share;
}
