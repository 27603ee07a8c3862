/**
 * Shared number and text formatting for every report format. `null` (no data) always
 * renders as "n/a", never as 0, so a missing statistic cannot pass for a real one.
 */
import type { CapsUsage, Interval, UsageSummary } from "../run-result.js";

export const NA = "n/a";

/** Shown wherever simulated numbers appear (DESIGN: "labelled as simulated wherever its numbers appear"). */
export const SIMULATED_STATEMENT =
  "Simulated run: the critics and candidates are the built-in simulator, so every number in this report is simulated, not a measurement of real models.";

function bad(x: number | null | undefined): x is null | undefined {
  return x === null || x === undefined || !Number.isFinite(x);
}

/** Fixed decimals; "n/a" for null or non-finite. */
export function fmtNum(x: number | null | undefined, digits = 2): string {
  return bad(x) ? NA : x.toFixed(digits);
}

/**
 * Integer with thousands separators: 12,345. By hand, not toLocaleString: the first Intl call
 * loads locale data, about 80 ms of every run's start on a busy machine, for a comma.
 */
export function fmtInt(x: number | null | undefined): string {
  if (bad(x)) return NA;
  const digits = String(Math.abs(Math.round(x)));
  let out = "";
  for (let end = digits.length; end > 0; end -= 3) out = `${digits.slice(Math.max(0, end - 3), end)}${out ? `,${out}` : ""}`;
  return x < 0 && Math.round(x) !== 0 ? `-${out}` : out;
}

/** "[4.21, 4.83]"; "n/a" when there is no interval (e.g. n < 2). */
export function fmtInterval(ci: Interval | null | undefined, digits = 2): string {
  if (!ci || bad(ci.lo) || bad(ci.hi)) return NA;
  return `[${ci.lo.toFixed(digits)}, ${ci.hi.toFixed(digits)}]`;
}

/** "4.52 [4.21, 4.83]", or just "4.52" without an interval, or "n/a". */
export function fmtMeanCi(mean: number | null | undefined, ci: Interval | null | undefined, digits = 2): string {
  if (bad(mean)) return NA;
  const i = fmtInterval(ci, digits);
  return i === NA ? mean.toFixed(digits) : `${mean.toFixed(digits)} ${i}`;
}

/** Signed difference: "+0.42", "-0.10". */
export function fmtSigned(x: number | null | undefined, digits = 2): string {
  if (bad(x)) return NA;
  const s = x.toFixed(digits);
  return x >= 0 && !s.startsWith("-") ? `+${s}` : s;
}

/**
 * Dollars with precision that keeps small per-call costs visible:
 * $1,234 / $12.35 / $0.123 / $0.0042 / $0. Unknown price is "n/a", never "$0".
 */
export function fmtUsd(x: number | null | undefined): string {
  if (bad(x)) return NA;
  const a = Math.abs(x);
  const sign = x < 0 ? "-" : "";
  if (a === 0) return "$0";
  if (a >= 100) return `${sign}$${fmtInt(a)}`;
  if (a >= 1) return `${sign}$${a.toFixed(2)}`;
  if (a >= 0.01) return `${sign}$${a.toFixed(3)}`;
  // Two significant digits without exponent notation: 0.0042, 0.00000012.
  const decimals = Math.min(12, 1 - Math.floor(Math.log10(a)));
  return `${sign}$${a.toFixed(decimals)}`;
}

/** Milliseconds: "840 ms", "1.23 s", "2.5 min". */
export function fmtMs(x: number | null | undefined): string {
  if (bad(x)) return NA;
  if (x < 1000) return `${Math.round(x)} ms`;
  if (x < 60_000) return `${(x / 1000).toFixed(2)} s`;
  return `${(x / 60_000).toFixed(1)} min`;
}

/** Share as a percentage: 0.625 -> "62.5%". */
export function fmtPct(x: number | null | undefined, digits = 1): string {
  return bad(x) ? NA : `${(x * 100).toFixed(digits)}%`;
}

/** Wall-clock duration between two ISO timestamps, or n/a when either is unreadable. */
export function fmtDuration(startIso: string, endIso: string): string {
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return NA;
  if (ms < 60_000) return fmtMs(ms);
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
}

/** "2 models unpriced" when some models have no known price, else "". */
export function unpricedNote(usage: UsageSummary[]): string {
  const n = usage.filter((u) => u.costUsd === null).length;
  return n === 0 ? "" : `${n} ${n === 1 ? "model" : "models"} unpriced`;
}

/**
 * The run's total dollars, flagged when some models have no known price: the sum then
 * covers only the priced ones, and the reader must not take it as the whole bill.
 */
export function fmtTotalCost(total: number | null, usage: UsageSummary[]): string {
  const note = unpricedNote(usage);
  return total === null || !note ? fmtUsd(total) : `${fmtUsd(total)} (${note})`;
}

/** Collapse whitespace (newlines, tabs) to single spaces and cut to `max` characters. */
export function preview(s: string, max = 80): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Unicode bar per level, scaled to the largest count: "▁▂▅█▆▂▁". Empty levels are a space. */
export function sparkline(counts: number[]): string {
  const blocks = "▁▂▃▄▅▆▇█";
  const top = Math.max(0, ...counts);
  if (top === 0) return counts.map(() => "·").join("");
  return counts.map((c) => (c === 0 ? "·" : blocks[Math.max(0, Math.ceil((c / top) * 8) - 1)])).join("");
}

/** How close a run came to each cap it set: "calls 100 of 100 (100%); dollars $0.0009 of $0.0010 (90%)". */
export function capsLine(c: CapsUsage): string {
  const parts: string[] = [];
  const pct = (used: number, limit: number) => (limit > 0 ? ` (${Math.round((100 * used) / limit)}%)` : "");
  if (c.limits.calls !== undefined) parts.push(`calls ${fmtInt(c.calls)} of ${fmtInt(c.limits.calls)}${pct(c.calls, c.limits.calls)}`);
  if (c.limits.tokens !== undefined) parts.push(`tokens ${fmtInt(c.tokens)} of ${fmtInt(c.limits.tokens)}${pct(c.tokens, c.limits.tokens)}`);
  if (c.limits.usd !== undefined) parts.push(`dollars ${fmtUsd(c.usd)} of ${fmtUsd(c.limits.usd)}${pct(c.usd, c.limits.usd)}${c.unpricedCalls ? ` + ${fmtInt(c.unpricedCalls)} unpriced calls` : ""}`);
  return parts.join("; ");
}
