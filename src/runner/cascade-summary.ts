import type { Suite } from "../config/load.js";
import type { CascadeSummary, Judgment } from "../run-result.js";
import { type CascadeUnits, needsEscalation } from "../sampling/cascade.js";
import { isAudited } from "./audit.js";

/**
 * Calls and dollars a cascade saved against judging everything with both critics, and the
 * agreement it gave up, measured only on the seeded audit share where both critics ran (the
 * escalated units are the hard ones, so measuring there would flatter nothing and mislead).
 */
export function cascadeSummary(suite: Suite, judgments: readonly Judgment[]): CascadeSummary | null {
  const spec = suite.cascade;
  if (!spec) return null;
  const [cheapId, expId] = spec.critics;
  const key = (j: Judgment) => JSON.stringify([j.item, j.candidate, j.rubric]);
  const expensive = new Map(judgments.filter((j) => j.critic === expId).map((j) => [key(j), j]));
  const cheap = judgments.filter((j) => j.critic === cheapId && j.kind !== "failed");
  let escalated = 0;
  let audited = 0;
  let n = 0;
  let cascadeHits = 0;
  let cheapHits = 0;
  let exact = 0;
  for (const c of cheap) {
    const escalate = needsEscalation({ cheapLevel: c.level, cheapDistribution: c.distribution, threshold: spec.threshold, band: spec.band });
    if (escalate) escalated++;
    if (!isAudited(suite.seed, c.item, c.candidate, c.rubric, spec.audit)) continue;
    audited++;
    const e = expensive.get(key(c));
    if (e?.level == null) continue;
    const answer = escalate ? e.level : c.level;
    if (answer == null) continue;
    n++;
    if (Math.abs(answer - e.level) <= 1) cascadeHits++;
    if (answer === e.level) exact++;
    if (c.level != null && Math.abs(c.level - e.level) <= 1) cheapHits++;
  }
  const expJudgments = [...expensive.values()].filter((j) => j.kind !== "failed");
  const saved = Math.max(0, cheap.length - expJudgments.length);
  const priced = expJudgments.filter((j) => j.costUsd != null && !j.cached);
  const perCall = priced.length ? priced.reduce((t, j) => t + j.costUsd!, 0) / priced.length : null;
  return {
    cheap: cheapId,
    expensive: expId,
    units: cheap.length,
    escalated,
    audited,
    expensiveCalls: expJudgments.length,
    expensiveCallsSaved: saved,
    usdSaved: perCall == null ? null : perCall * saved,
    agreement: { n, cascadeWithinOne: n ? cascadeHits / n : null, cheapWithinOne: n ? cheapHits / n : null, exactCascade: n ? exact / n : null },
  };
}

/**
 * Which of one rubric's units the cascade audited and which it escalated, from the cheap
 * critic's judgment of each unit, for the label model's fill of the missing expensive levels.
 */
export function cascadeUnits(
  suite: Suite,
  critics: readonly string[],
  rubric: string,
  units: ReadonlyArray<{ item: string; candidate: string }>,
  unitJudgments: ReadonlyArray<readonly Judgment[]>,
): CascadeUnits | undefined {
  const spec = suite.cascade;
  if (!spec) return undefined;
  const cheap = critics.indexOf(spec.critics[0]);
  const expensive = critics.indexOf(spec.critics[1]);
  if (cheap < 0 || expensive < 0) return undefined;
  const audited = units.map((u) => isAudited(suite.seed, u.item, u.candidate, rubric, spec.audit));
  const escalated = unitJudgments.map((js) => {
    const c = js.find((j) => j.critic === spec.critics[0] && j.kind !== "failed");
    return needsEscalation({ cheapLevel: c?.level ?? null, cheapDistribution: c?.distribution, threshold: spec.threshold, band: spec.band });
  });
  return { cheap, expensive, audited, escalated };
}
