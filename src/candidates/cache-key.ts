import { createHash } from "node:crypto";

/**
 * Cache key of a task's or service's output: the kind, the candidate id, the version the user
 * gave (bumped when their code changes) and the whole row. Only used when the candidate opts in.
 */
export function cacheKeyOf(kind: string, id: string, version: string, row: unknown): string {
  return createHash("sha256").update(JSON.stringify([kind, id, version, row])).digest("hex");
}
