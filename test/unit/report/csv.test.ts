import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvRows, JUDGMENT_COLUMNS, renderJudgmentsCsv, renderScoresCsv, safeCell } from "../../../src/report/csv.js";
import { createRng } from "../../../src/stats/rng.js";
import { buildRunResult, PAYLOADS } from "../../fixtures/run-result.js";

const read = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

describe("judgments.csv", () => {
  const r = buildRunResult();
  const rows = read(renderJudgmentsCsv(r));

  it("has one row per judgment with every Judgment field", () => {
    expect(rows).toHaveLength(r.judgments.length);
    expect(Object.keys(rows[0])).toEqual([...JUDGMENT_COLUMNS]);
    rows.forEach((row, i) => {
      const j = r.judgments[i];
      expect(row.item).toBe(j.item);
      expect(row.critic).toBe(j.critic);
      expect(row.kind).toBe(j.kind);
      expect(row.level).toBe(j.level === null ? "" : String(j.level));
      expect(row.cached).toBe(String(j.cached));
      expect(row.latency_ms).toBe(j.latencyMs === null ? "" : String(j.latencyMs));
      if (j.costUsd === null) expect(row.cost_usd).toBe("");
      else expect(Number(row.cost_usd)).toBeCloseTo(j.costUsd, 15);
    });
  });

  it("writes unknown cost and failed levels as empty cells, never 0", () => {
    const unpriced = rows.filter((row) => row.critic === "openai:qwen2.5-7b-local");
    expect(unpriced.length).toBeGreaterThan(0);
    expect(unpriced.every((row) => row.cost_usd === "")).toBe(true);
    const failed = rows.find((row) => row.kind === "failed")!;
    expect(failed.level).toBe("");
    expect(failed.reason).toBe("http_500");
  });

  it("neutralises formula injection in raw replies and ids", () => {
    const text = renderJudgmentsCsv(buildRunResult({ hostile: true }));
    const hostile = read(text);
    expect(hostile.some((row) => row.item === `'${PAYLOADS.formula}`)).toBe(true);
    expect(hostile.every((row) => !/^[=+\-@]/.test(row.item) && !/^[=+\-@]/.test(row.raw))).toBe(true);
  });
});

describe("scores.csv", () => {
  const r = buildRunResult();
  const rows = read(renderScoresCsv(r));

  it("has one row per ScoreRow with a column per critic", () => {
    expect(rows).toHaveLength(r.scores.length);
    expect(Object.keys(rows[0])).toEqual(["item", "candidate", "rubric", "score", "scale", ...r.critics.map((c) => `critic:${c}`), "gold", "output_chars", "output_preview"]);
    rows.forEach((row, i) => {
      const s = r.scores[i];
      expect(row.score === "" ? null : Number(row.score)).toBe(s.score);
      for (const c of r.critics) expect(row[`critic:${c}`]).toBe(s.byCritic[c] === null ? "" : String(s.byCritic[c]));
      expect(row.gold).toBe(s.gold === null ? "" : String(s.gold));
      expect(Number(row.output_chars)).toBe(s.outputChars);
    });
  });

  it("keeps multi-line and pipe-laden outputs in one quoted cell", () => {
    const h = buildRunResult({ hostile: true });
    const hostile = read(renderScoresCsv(h));
    expect(hostile).toHaveLength(h.scores.length);
    expect(hostile.some((row) => row.output_preview.startsWith(PAYLOADS.pipe))).toBe(true);
    expect(hostile.some((row) => row.output_preview.startsWith(`'${PAYLOADS.formula}`))).toBe(true);
  });
});

describe("csvRows", () => {
  it("writes cells any RFC 4180 reader reads back as they were: commas, quotes, CR, LF, CRLF, blanks, numbers", () => {
    const r = createRng("csv");
    const parts = [",", '"', "\r", "\n", "\r\n", " ", "a", "é", "'", "|", ""];
    const rows = Array.from({ length: 300 }, () => Array.from({ length: 4 }, () => Array.from({ length: r.int(6) }, () => parts[r.int(parts.length)]).join("")));
    const text = csvRows([["a", "b", "c", "d"], ...rows, ["1", 2.5, -3, "x"]]);
    expect(text.endsWith("\n")).toBe(true);
    const back = parse(text, { relax_column_count: false }) as string[][];
    expect(back.slice(1, -1)).toEqual(rows);
    expect(back.at(-1)).toEqual(["1", "2.5", "-3", "x"]);
    expect(csvRows([["plain", "two words"]])).toBe("plain,two words\n");
    expect(csvRows([['say "hi"', "a,b"]])).toBe('"say ""hi""","a,b"\n');
  });
});

describe("safeCell", () => {
  it("prefixes formula starters but leaves plain numbers alone", () => {
    expect(safeCell("=1+1")).toBe("'=1+1");
    expect(safeCell("+cmd")).toBe("'+cmd");
    expect(safeCell("-2+3")).toBe("'-2+3");
    expect(safeCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(safeCell("\t=x")).toBe("'\t=x");
    expect(safeCell("\r=x")).toBe("'\r=x");
    expect(safeCell("-1.5")).toBe("-1.5");
    expect(safeCell("+3")).toBe("+3");
    expect(safeCell("1e-7")).toBe("1e-7");
    expect(safeCell("plain")).toBe("plain");
  });
});
