import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { renderBradleyTerryCsv, renderCalibrationCsv, renderPairwiseCsv, renderPreferencesCsv } from "../../../src/report/statistics-csv.js";
import { pairOf } from "../../../src/report/derive.js";
import { pearson } from "../../../src/stats/agreement.js";
import { buildRunResult } from "../../fixtures/run-result.js";

const r = buildRunResult();
const rows = (text: string): Record<string, string>[] => parse(text, { columns: true });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("statistics exports (preferences, pairwise, Bradley-Terry, calibration)", () => {
  const prefs = rows(renderPreferencesCsv(r));
  const pairs = rows(renderPairwiseCsv(r));

  it("preferences.csv: one row per item, rubric and pair, probabilities that sum to 1, and the decision for the more probable side", () => {
    expect(prefs.length).toBe(40 * 2 * 3);
    for (const p of prefs.filter((x) => x.missing === "0")) {
      const [a, t, b] = [Number(p.p_a_wins), Number(p.p_tie), Number(p.p_b_wins)];
      expect(a + t + b).toBeCloseTo(1, 9);
      expect(Number(p.expected_a_win)).toBeCloseTo(a + t / 2, 12);
      expect(p.decision).toBe(a > b + 1e-12 ? "a" : b > a + 1e-12 ? "b" : "tie");
    }
    // The fixture has one failed judgment and a few abstentions: those rows are marked, never zeros.
    for (const p of prefs.filter((x) => x.missing === "1")) expect([p.p_a_wins, p.decision]).toEqual(["", ""]);
  });

  it("the per-item rows add up to the pairwise win rates the report prints", () => {
    for (const p of pairs) {
      const mine = prefs.filter((x) => x.rubric === p.rubric && x.a === p.a && x.b === p.b && x.missing === "0");
      expect(mine.length).toBe(Number(p.n));
      expect(Number(p.expected_a_win_prob)).toBeCloseTo(mean(mine.map((x) => Number(x.expected_a_win))), 9);
      const decided = mean(mine.map((x) => (x.decision === "a" ? 1 : x.decision === "tie" ? 0.5 : 0)));
      expect(Number(p.decided_a_win_rate)).toBeCloseTo(decided, 9);
      expect(Number(p.raw_a_wins) + Number(p.raw_b_wins) + Number(p.raw_ties)).toBe(mine.length);
      expect(p.correction).toBe("holm");
      expect(["A better", "B better", "undecided"]).toContain(p.verdict);
      expect(Number(p.adjusted_p)).toBeGreaterThanOrEqual(Number(p.p));
    }
  });

  it("bradley-terry.csv: strengths from expected and from raw decided wins, in the fixture's true order", () => {
    const bt = rows(renderBradleyTerryCsv(r));
    for (const rubric of ["faithfulness", "helpfulness"]) {
      for (const source of ["expected wins", "raw wins"]) {
        const mine = bt.filter((x) => x.rubric === rubric && x.source === source);
        expect(mine.length).toBe(3);
        const rankOf = (c: string) => Number(mine.find((x) => x.candidate === c)!.rank);
        // True quality: prompt-v2 > baseline > llama-3.1-8b.
        expect([rankOf("prompt-v2"), rankOf("baseline"), rankOf("llama-3.1-8b")]).toEqual([1, 2, 3]);
        expect(mean(mine.map((x) => Number(x.theta)))).toBeCloseTo(0, 9);
        const wins = mine.reduce((t, x) => t + Number(x.raw_wins), 0);
        expect(wins).toBe(mine.reduce((t, x) => t + Number(x.raw_losses), 0));
      }
    }
  });

  it("calibration.csv: Pearson beside Spearman and Kendall for every critic against gold", () => {
    const cal = rows(renderCalibrationCsv(r));
    expect(cal.length).toBe(r.calibration.length);
    expect(Object.keys(cal[0]!)).toEqual(["rubric", "who", "n", "mae", "exact", "within_one", "qwk", "pearson", "spearman", "kendall_tau_b"]);
    const critic = r.critics[0]!;
    const scores = r.scores.filter((s) => s.rubric === "faithfulness");
    const expected = pearson(scores.map((s) => s.byCritic[critic] ?? null), scores.map((s) => s.gold));
    expect(Number(cal.find((c) => c.who === critic)!.pearson)).toBeCloseTo(expected!, 12);
  });
});

describe("a pair read the other way round", () => {
  it("flips its verdict and decided win rate with it, so every writer says the same", () => {
    for (const p of r.pairwise) {
      const back = pairOf(r, p.rubric, p.b, p.a)!;
      expect(back.verdict).toBe(p.verdict === "A better" ? "B better" : p.verdict === "B better" ? "A better" : "undecided");
      expect(back.decisionWinRate).toBeCloseTo(1 - p.decisionWinRate!, 12);
      expect(back.familywise).toEqual(p.familywise);
    }
  });
});
