import { describe, expect, it } from "vitest";
import { aggregateLevels } from "../../../src/runner/aggregate.js";
import { type CascadeUnits, cascadeFill, needsEscalation } from "../../../src/sampling/cascade.js";
import { createRng } from "../../../src/stats/rng.js";

const K = 7;
const clamp = (x: number) => Math.max(1, Math.min(K, Math.round(x)));

/**
 * Two candidates, 1..7. The cheap critic is strict (−0.6 levels) and noisy with a per-output
 * noise it partly knows (its top probability); the expensive critic is lenient (+0.4) and sharp.
 * Candidate B's outputs are harder (noisier for the cheap critic), so it escalates more often:
 * without a correction, both its mean and the A−B difference lean on different mixes of critics.
 */
function cascadeRun(seed: string, n = 3000, audit = 0.2) {
  const r = createRng(seed);
  const levels: (number | null)[][] = [];
  const full: (number | null)[][] = [];
  const candidate: number[] = [];
  const audited: boolean[] = [];
  const escalated: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const cand = i % 2;
    const truth = 3.5 + 0.5 * cand + 1.2 * r.normal();
    const sd = (cand ? 1.4 : 0.8) * Math.exp(0.5 * r.normal());
    const cheap = clamp(truth - 0.6 + sd * r.normal());
    const expensive = clamp(truth + 0.4 + 0.5 * r.normal());
    // The cheap critic's top probability: a discretised normal around its reading, with its own sd.
    const p = Array.from({ length: K }, (_, l) => Math.exp(-(((l + 1 - cheap) / sd) ** 2) / 2));
    const esc = needsEscalation({ cheapLevel: cheap, cheapDistribution: p, threshold: 0.45 });
    const aud = r.next() < audit;
    candidate.push(cand);
    audited.push(aud);
    escalated.push(esc);
    full.push([cheap, expensive]);
    levels.push([cheap, esc || aud ? expensive : null]);
  }
  return { levels, full, candidate, units: { cheap: 0, expensive: 1, audited, escalated } satisfies CascadeUnits };
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
function cellMeans(scores: (number | null)[], candidate: number[]): [number, number] {
  const of = (c: number) => mean(scores.filter((_, i) => candidate[i] === c) as number[]);
  return [of(0), of(1)];
}

describe("cascades stay unbiased against the same run with both critics everywhere", () => {
  it("means and the paired difference match both-everywhere within 0.05 levels over seeds; without the audit fill they do not", () => {
    const errFilled: number[] = [];
    const errNaive: number[] = [];
    const diffFilled: number[] = [];
    const diffNaive: number[] = [];
    for (const seed of ["c1", "c2", "c3", "c4", "c5"]) {
      const { levels, full, candidate, units } = cascadeRun(seed);
      const none = levels.map(() => null);
      const both = cellMeans(aggregateLevels("q", full, ["cheap", "exp"], K, none).scores, candidate);
      const filled = cellMeans(aggregateLevels("q", levels, ["cheap", "exp"], K, none, units).scores, candidate);
      const naive = cellMeans(aggregateLevels("q", levels, ["cheap", "exp"], K, none).scores, candidate);
      errFilled.push(filled[0] - both[0], filled[1] - both[1]);
      errNaive.push(naive[0] - both[0], naive[1] - both[1]);
      diffFilled.push(filled[0] - filled[1] - (both[0] - both[1]));
      diffNaive.push(naive[0] - naive[1] - (both[0] - both[1]));
    }
    expect(Math.abs(mean(errFilled))).toBeLessThan(0.05);
    expect(Math.abs(mean(diffFilled))).toBeLessThan(0.05);
    // The naive cascade mean leans on the strict cheap critic where it was sure.
    expect(mean(errNaive)).toBeLessThan(-0.1);
    expect(Math.abs(mean(diffNaive))).toBeGreaterThan(0.1);
  });

  it("with gold that picks the expensive critic (alone or blended), its missing levels are filled too, not taken from the cheap one", () => {
    // The expensive critic is sharp and one level lenient, the cheap one noisy: gold picks the expensive one.
    const r = createRng("gold-select");
    const n = 1500;
    const levels: (number | null)[][] = [];
    const full: (number | null)[][] = [];
    const audited: boolean[] = [];
    const escalated: boolean[] = [];
    const gold: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      const truth = 4 + 1.3 * r.normal();
      const sd = 1.2 * Math.exp(0.5 * r.normal());
      const cheap = clamp(truth + sd * r.normal());
      const expensive = clamp(truth + 1 + 0.3 * r.normal());
      const p = Array.from({ length: K }, (_, l) => Math.exp(-(((l + 1 - cheap) / sd) ** 2) / 2));
      const esc = needsEscalation({ cheapLevel: cheap, cheapDistribution: p, threshold: 0.45 });
      const aud = r.next() < 0.2;
      audited.push(aud);
      escalated.push(esc);
      full.push([cheap, expensive]);
      levels.push([cheap, esc || aud ? expensive : null]);
      gold.push(i < 80 ? clamp(truth) : null);
    }
    const units: CascadeUnits = { cheap: 0, expensive: 1, audited, escalated };
    const filled = aggregateLevels("q", levels, ["cheap", "exp"], K, gold, units);
    const naive = aggregateLevels("q", levels, ["cheap", "exp"], K, gold);
    // Gold chooses the expensive critic alone or blended with the mean, on the critics' scale;
    // the same estimator with both critics everywhere is (1 − w)·e + w·(c + e)/2.
    const how = /^(select|blend) exp(?:@([\d.]+))?$/.exec(filled.summary.method)!;
    expect(how).not.toBeNull();
    expect(naive.summary.method).toBe(filled.summary.method);
    const w = how[1] === "select" ? 0 : Number(how[2]);
    const both = mean(full.map(([c, e]) => (1 - w) * e! + (w * (c! + e!)) / 2));
    const avg = (xs: (number | null)[]) => mean(xs as number[]);
    expect(Math.abs(avg(filled.scores) - both)).toBeLessThan(0.05);
    expect(avg(naive.scores) - both).toBeLessThan(-0.1);
    expect(filled.summary.reason).toMatch(/filled from the \d+ audited outputs/);
  });

  it("says how the missing levels were filled, and warns when there is no audit share to fill them from", () => {
    const { levels, units } = cascadeRun("say", 400);
    const none = levels.map(() => null);
    expect(aggregateLevels("q", levels, ["cheap", "exp"], K, none, units).summary.reason).toMatch(/filled from the \d+ audited outputs/);
    const noAudit = cascadeRun("say", 400, 0);
    expect(aggregateLevels("q", noAudit.levels, ["cheap", "exp"], K, none, noAudit.units).summary.reason).toMatch(/give the cascade an audit share/);
  });

  it("the fill is P(expensive | cheap) on audited outputs that did not escalate", () => {
    // Audited, sure units: cheap 3 -> expensive 4 (twice), cheap 5 -> expensive 5; unit 3 is escalated and unit 4 is missing.
    const levels = [[3, 4], [3, 4], [5, 5], [3, 7], [3, null]];
    const units: CascadeUnits = { cheap: 0, expensive: 1, audited: [true, true, true, true, false], escalated: [false, false, false, true, false] };
    const { fill, basis } = cascadeFill(levels, units, K);
    expect(basis).toBe(3);
    expect(fill.slice(0, 4)).toEqual([null, null, null, null]);
    // Two observations of 3 -> 4 plus one pseudo-observation of the pooled offset (+1 twice, 0 once).
    expect(Array.from(fill[4]!).map((v) => +v.toFixed(4))).toEqual([0, 0, +(1 / 9).toFixed(4), +(8 / 9).toFixed(4), 0, 0, 0]);
  });
});
