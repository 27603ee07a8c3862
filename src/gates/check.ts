/** Gates that name a rubric or candidate the suite does not have are configuration errors (exit 2), not failed gates. */
import type { Gate } from "./types.js";

export function gateRefProblem(gates: readonly Gate[], candidates: readonly string[], rubrics: readonly string[]): string | null {
  for (const [i, g] of gates.entries()) {
    const names = g.type === "compare" ? [g.candidate, g.baseline] : [g.candidate];
    for (const c of names) if (!candidates.includes(c)) return `gates[${i}]: unknown candidate "${c}" (candidates: ${candidates.join(", ") || "none"})`;
    if (!rubrics.includes(g.rubric)) return `gates[${i}]: unknown rubric "${g.rubric}" (rubrics: ${rubrics.join(", ")})`;
  }
  return null;
}
