import { describe, expect, it } from "vitest";
import { groupCauses, type JudgedLine } from "../../../src/triage/causes.js";
import { drawSample } from "../../../src/triage/draw.js";
import { simCriticLevel, simLogLine } from "../../../src/triage/simulate.js";

describe("worst experiences grouped by cause", () => {
  it("finds the planted slice (prompt version v3 AND topic billing) from a weighted sample, and groups the rest by rubric and signals", () => {
    const N = 30_000;
    const seed = "causes";
    const lines = Array.from({ length: N }, (_, i) => simLogLine({ seed }, i));
    const patterns = new Uint32Array(lines.map(({ line }) => (line.feedback === -1 ? 1 : 0) | (line.regenerated ? 2 : 0) | (line.output === "" ? 4 : 0)));
    const d = drawSample(patterns, 3, { size: 1500, seed: 1 });
    const judged: JudgedLine[] = d.lines.map((i, k) => {
      const { line, truth } = lines[i]!;
      const level = simCriticLevel(seed, line.id, truth.bad);
      const signals = ["thumbs_down", "regenerated", "empty"].filter((_, j) => (patterns[i]! >>> j) & 1);
      return { id: line.id, pi: d.pi[k]!, failed: level <= 3, worst: level, failedRubrics: level <= 3 ? ["helpfulness"] : [], signals, facets: { prompt_version: line.prompt_version, model: line.model, topic: line.topic } };
    });
    const groups = groupCauses(judged, ["prompt_version", "model", "topic"]);
    const slices = groups.filter((g) => g.kind === "slice");
    expect(slices[0]?.facets).toEqual({ prompt_version: "v3", topic: "billing" });
    expect(slices[0]!.rate!.ci95!.lo).toBeGreaterThan(0.2);
    // Every failing judged line is in exactly one group, worst first within it.
    const ids = groups.flatMap((g) => g.ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(judged.filter((l) => l.failed).length);
    for (const g of groups) {
      const worst = g.ids.map((id) => judged.find((l) => l.id === id)!.worst);
      expect([...worst].sort((a, b) => a - b)).toEqual(worst);
    }
    // Groups are ordered by the failures they stand for in the whole log.
    for (let k = 1; k < groups.length; k++) expect(groups[k]!.estimatedFailures).toBeLessThanOrEqual(groups[k - 1]!.estimatedFailures);
  });

  it("with no failures there is nothing to group", () => {
    expect(groupCauses([{ id: "a", pi: 0.5, failed: false, worst: 6, failedRubrics: [], signals: [], facets: { topic: "x" } }], ["topic"])).toEqual([]);
  });
});
