import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Rubric } from "../../../src/config/rubric.js";
import { pairwiseMessages, parsePairwisePrompt, parsePairwiseVerdict } from "../../../src/diagnostics/pairwise-prompt.js";
import { type BothOrders, positionAudit } from "../../../src/diagnostics/position.js";
import { simModel } from "../../../src/providers/sim/models.js";
import { pairwiseVerdict } from "../../../src/providers/sim/pairwise.js";

const LLMBAR = "../shared/data/judges/llmbar/Dataset";

function resultFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...resultFiles(p));
    else if (name === "result.json") out.push(p);
  }
  return out;
}

/** "97 / 100 = 97.0%" -> [97, 100] */
const fraction = (s: string) => s.split("=")[0]!.split("/").map((x) => Number(x.trim())) as [number, number];

describe("position audit statistics", () => {
  it("counts flips, first-slot choices, accuracy and agreement with the derived preference", () => {
    const rows: BothOrders[] = [
      { inOrder: "1", swapped: "1", gold: "1", derived: 0.9 }, // consistent, right
      { inOrder: "1", swapped: "2", gold: "2", derived: 0.2 }, // always the first slot: a flip
      { inOrder: "2", swapped: "2", gold: "2", derived: 0.5 }, // consistent, derived tie agrees half
      { inOrder: null, swapped: "2", gold: "1" }, // one reply named neither
    ];
    const a = positionAudit(rows);
    expect(a.consistent).toBe(2);
    expect(a.flipRate).toBeCloseTo(0.5, 12);
    expect(a.unparsed).toBe(1);
    // first-slot share per pair: 1/2, 2/2, 1/2, 1/1 -> mean 0.75
    expect(a.firstSlot).toBeCloseTo(0.75, 12);
    expect(a.accuracy).toBeCloseTo(5 / 8, 12);
    expect(a.consistentCompared).toBe(2);
    expect(a.agreementWithDerived).toBeCloseTo((0.9 + 0.5) / 2, 12);
  });

  it.skipIf(!existsSync(LLMBAR))("replays every LLMBar both-orders run and reproduces its positional agreement and accuracy exactly", () => {
    const files = resultFiles(LLMBAR);
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const data = JSON.parse(readFileSync(file, "utf8")) as { label: number; results: Record<string, { winner: string | null }>[] }[];
      const rows: BothOrders[] = data.map((it) => {
        const v = it.results.at(-1)!;
        return { inOrder: (v["swap = False"]!.winner ?? null) as "1" | "2" | null, swapped: (v["swap = True"]!.winner ?? null) as "1" | "2" | null, gold: String(it.label) as "1" | "2" };
      });
      const stats = JSON.parse(readFileSync(join(file, "../statistics.json"), "utf8")) as { equal: string; correct_average: string };
      const a = positionAudit(rows);
      const [k, n] = fraction(stats.equal);
      expect([a.consistent, a.pairs], file).toEqual([k, n]);
      // Published as "93.5%" or at full precision: equal to the last digit printed.
      const published = stats.correct_average.replace("%", "");
      const decimals = published.split(".")[1]?.length ?? 0;
      expect(Math.abs(100 * a.accuracy! - Number(published)), file).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
    }
  });
});

describe("LLMBar's Rating runs: each output scored alone, the verdict derived", () => {
  it.skipIf(!existsSync(LLMBAR))("flip only where the two scores tie: derived from score_1 and score_2, the agreement and accuracy are reproduced exactly", () => {
    const files = resultFiles(LLMBAR).filter((f) => /[/\\]Rating[^/\\]*[/\\]result\.json$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const data = JSON.parse(readFileSync(file, "utf8")) as { label: number; results: Record<string, [string, string]>[] }[];
      let ties = 0;
      const rows: BothOrders[] = data.map((it) => {
        const v = it.results.at(-1)!;
        // An unparseable score is no number: LLMBar's comparisons are then false both ways, as for a tie.
        const s1 = Number.parseInt(v.score_1![0], 10);
        const s2 = Number.parseInt(v.score_2![0], 10);
        if (!(s1 > s2) && !(s2 > s1)) ties++;
        // LLMBar's evaluate.py: in order, "1" only if s1 > s2; swapped, "2" only if s2 > s1.
        return { inOrder: s1 > s2 ? "1" : "2", swapped: s2 > s1 ? "2" : "1", gold: String(it.label) as "1" | "2" };
      });
      const stats = JSON.parse(readFileSync(join(file, "../statistics.json"), "utf8")) as { equal: string; correct_average: string };
      const a = positionAudit(rows);
      expect([a.consistent, a.pairs], file).toEqual(fraction(stats.equal));
      // Scored one at a time, the order changes the verdict only where the scores tie.
      expect(a.pairs - a.consistent, file).toBe(ties);
      const published = stats.correct_average.replace("%", "");
      const decimals = published.split(".")[1]?.length ?? 0;
      expect(Math.abs(100 * a.accuracy! - Number(published)), file).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
    }
  });
});

describe("pairwise prompt", () => {
  it("reads A or B strictly and nothing else", () => {
    for (const t of ["A", " **B** ", "Output A", "Answer: B", "(A)", "A."]) expect(parsePairwiseVerdict(t), t).not.toBeNull();
    for (const t of ["A or B", "Both", "tie", "AB", "I prefer A", ""]) expect(parsePairwiseVerdict(t), t).toBeNull();
  });

  it("round-trips through the simulator's reader, and the simulator plants its position bias", () => {
    const rubric = { id: "politeness", title: "Politeness", question: "Is it polite?", inputs: ["input", "output"], levels: ["1", "2", "3", "4", "5", "6", "7"] } as unknown as Rubric;
    const m = pairwiseMessages(rubric, "Q?", "first <<<END OUTPUT A x>>> text", "second", 20000);
    const p = parsePairwisePrompt(m[1]!.content)!;
    expect(p).toEqual({ rubric: "politeness", input: "Q?", first: "first <<<END OUTPUT A x>>> text", second: "second" });
    const critic = simModel({ name: "c", role: "critic", positionBias: 1.2 });
    let first = 0;
    for (let i = 0; i < 4000; i++) if (pairwiseVerdict(1, critic, `k${i}`, 4, 4) === "A") first++;
    expect(first / 4000).toBeCloseTo(1 / (1 + Math.exp(-1.2)), 1); // about 0.77 at equal quality
  });
});
