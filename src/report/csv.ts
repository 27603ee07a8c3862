/**
 * judgments.csv (one row per critic call) and scores.csv (one row per item x candidate x
 * rubric). Pure: (r) => string. Missing values are empty cells, never 0. Cells that a
 * spreadsheet would run as a formula get a leading apostrophe (OWASP CSV injection).
 */
import type { RunResult } from "../run-result.js";

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Neutralise formula injection: a cell starting with = + - @ tab, CR or LF is prefixed with
 * an apostrophe, except a plain number such as -1.5, which spreadsheets read as a value.
 */
export function safeCell(s: string): string {
  return /^[=+\-@\t\r\n]/.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** A number without exponent notation for tiny costs (1.2e-7 -> 0.00000012); null -> empty. */
export function num(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "";
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Rows to CSV text as RFC 4180 has it: a cell holding a comma, a quote, CR or LF is quoted with
 * its quotes doubled, and each row ends in LF. The same text csv-stringify writes with its
 * defaults, at a tenth of its CPU (judgments.csv of a 5,000-call run took it over 100 ms).
 */
export function csvRows(rows: readonly (readonly (string | number)[])[]): string {
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) {
      const s = String(row[i]);
      line += (i ? "," : "") + (NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    }
    out += `${line}\n`;
  }
  return out;
}

function csv(rows: string[][]): string {
  return csvRows(rows.map((row) => row.map(safeCell)));
}

/** Rows to CSV text, every cell neutralised against formula injection. */
export const csvText = csv;

export const JUDGMENT_COLUMNS = [
  "item",
  "candidate",
  "rubric",
  "critic",
  "kind",
  "level",
  "expected",
  "reason",
  "raw",
  "cached",
  "attempts",
  "latency_ms",
  "input_tokens",
  "output_tokens",
  "reasoning_tokens",
  "cost_usd",
  "at",
] as const;

/** judgments.csv: every Judgment field, in RunResult order. */
export function renderJudgmentsCsv(r: RunResult): string {
  const rows = r.judgments.map((j) => [
    j.item,
    j.candidate,
    j.rubric,
    j.critic,
    j.kind,
    num(j.level),
    num(j.expected),
    j.reason ?? "",
    j.raw,
    String(j.cached),
    num(j.attempts),
    num(j.latencyMs),
    num(j.inputTokens),
    num(j.outputTokens),
    num(j.reasoningTokens ?? null),
    num(j.costUsd),
    j.at,
  ]);
  return csv([[...JUDGMENT_COLUMNS], ...rows]);
}

/** scores.csv: the aggregate score and its scale ("critic" or "human"), each critic's level (`critic:<id>`), gold and the output. */
export function renderScoresCsv(r: RunResult): string {
  const head = ["item", "candidate", "rubric", "score", "scale", ...r.critics.map((c) => `critic:${c}`), "gold", "output_chars", "output_preview"];
  const scale = new Map(r.rubrics.map((rub) => [rub.id, r.cells.some((c) => c.rubric === rub.id && c.scale === "human") ? "human" : "critic"]));
  const rows = r.scores.map((s) => [
    s.item,
    s.candidate,
    s.rubric,
    num(s.score),
    scale.get(s.rubric) ?? "critic",
    ...r.critics.map((c) => num(s.byCritic[c] ?? null)),
    num(s.gold),
    num(s.outputChars),
    s.outputPreview,
  ]);
  return csv([head, ...rows]);
}
