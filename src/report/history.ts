/**
 * `critic history`: every run under .critic/runs as one table (history.csv) and one page with a
 * trend chart per rubric (report.html). Pure: runs in, text out. The question it answers:
 * "did last week's prompt change make things worse?"
 */
import type { Interval, RunResult } from "../run-result.js";
import { meanCi, pairedDiff } from "../stats/intervals.js";
import { csvText } from "./csv.js";
import { fmtInterval, fmtNum } from "./format.js";
import { CSP, CSS } from "./html-assets.js";
import { colorOf, esc } from "./html-svg.js";

export interface HistoryRun {
  run: string;
  startedAt: string;
  git: string | null;
  result: RunResult;
}

export interface HistoryRow {
  run: string;
  startedAt: string;
  git: string | null;
  complete: boolean;
  candidate: string;
  rubric: string;
  n: number;
  mean: number | null;
  ci95: Interval | null;
  /** Against the previous run with this candidate and rubric: null for the first. */
  change: { previousRun: string; estimate: number; ci95: Interval; paired: number; decided: "up" | "down" | "none" } | null;
}

/**
 * The change in a candidate's mean on a rubric from one run to the next, decided at 95%: the
 * paired difference over the items both runs scored (the same prompts, so item difficulty
 * cancels), with a t interval; decided when the interval excludes 0. Runs that share fewer than
 * two items are compared as independent samples (Welch-style normal interval of the two means).
 */
function change(prev: HistoryRun, cur: HistoryRun, candidate: string, rubric: string): HistoryRow["change"] {
  const scoresOf = (r: RunResult) => new Map(r.scores.filter((s) => s.candidate === candidate && s.rubric === rubric && s.score != null).map((s) => [s.item, s.score!]));
  const a = scoresOf(prev.result);
  const b = scoresOf(cur.result);
  const common = [...b.keys()].filter((k) => a.has(k));
  let estimate: number;
  let ci: Interval;
  let paired = 0;
  if (common.length >= 2) {
    const d = pairedDiff(common.map((k) => b.get(k)!), common.map((k) => a.get(k)!));
    if (!d) return null;
    estimate = d.meanDiff;
    ci = { lo: d.ci95[0], hi: d.ci95[1] };
    paired = d.n;
  } else {
    const ma = meanCi([...a.values()]);
    const mb = meanCi([...b.values()]);
    if (!ma || !mb) return null;
    estimate = mb.mean - ma.mean;
    const se = Math.sqrt(ma.se ** 2 + mb.se ** 2);
    ci = { lo: estimate - 1.96 * se, hi: estimate + 1.96 * se };
  }
  const decided = ci.lo > 0 ? "up" : ci.hi < 0 ? "down" : "none";
  return { previousRun: prev.run, estimate, ci95: ci, paired, decided };
}

/** One row per run x candidate x rubric, oldest run first. */
export function historyRows(runs: HistoryRun[]): HistoryRow[] {
  const sorted = [...runs].sort((x, y) => (x.startedAt < y.startedAt ? -1 : x.startedAt > y.startedAt ? 1 : 0));
  const last = new Map<string, HistoryRun>();
  const rows: HistoryRow[] = [];
  for (const h of sorted) {
    for (const c of h.result.cells) {
      const key = JSON.stringify([c.candidate, c.rubric]);
      const prev = last.get(key);
      rows.push({
        run: h.run,
        startedAt: h.startedAt,
        git: h.git,
        complete: h.result.complete,
        candidate: c.candidate,
        rubric: c.rubric,
        n: c.n,
        mean: c.mean,
        ci95: c.ci95,
        change: prev ? change(prev, h, c.candidate, c.rubric) : null,
      });
      if (c.n > 0) last.set(key, h);
    }
  }
  return rows;
}

const num = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? "" : String(Math.round(x * 1e6) / 1e6));

export const HISTORY_COLUMNS = ["run", "started_at", "git_commit", "complete", "candidate", "rubric", "n", "mean", "ci95_lo", "ci95_hi", "previous_run", "change", "change_ci95_lo", "change_ci95_hi", "change_decided_95"];

export function renderHistoryCsv(rows: HistoryRow[]): string {
  const body = rows.map((r) => [
    r.run,
    r.startedAt,
    r.git ?? "",
    String(r.complete),
    r.candidate,
    r.rubric,
    String(r.n),
    num(r.mean),
    num(r.ci95?.lo),
    num(r.ci95?.hi),
    r.change?.previousRun ?? "",
    num(r.change?.estimate),
    num(r.change?.ci95.lo),
    num(r.change?.ci95.hi),
    r.change?.decided ?? "",
  ]);
  return csvText([[...HISTORY_COLUMNS], ...body]);
}

/** Means with their 95% intervals, run by run, one line per candidate; a decided change is ringed. */
function trendChart(rubric: string, runs: string[], rows: HistoryRow[]): string {
  const W = 640;
  const H = 240;
  const pad = { l: 40, r: 16, t: 12, b: 40 };
  const x = (i: number) => pad.l + (runs.length === 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (runs.length - 1));
  const y = (v: number) => pad.t + ((7 - v) * (H - pad.t - pad.b)) / 6;
  const candidates = [...new Set(rows.map((r) => r.candidate))];
  const parts: string[] = [];
  for (let v = 1; v <= 7; v++) parts.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v}</text>`);
  runs.forEach((run, i) => {
    parts.push(`<text x="${x(i)}" y="${H - pad.b + 16}" text-anchor="middle" font-size="10">${esc(run.slice(0, 16))}</text>`);
  });
  candidates.forEach((cand, k) => {
    const color = colorOf(k);
    const pts = rows.filter((r) => r.candidate === cand && r.mean != null).map((r) => ({ i: runs.indexOf(r.run), r }));
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${x(p.i)},${y(p.r.mean!)}`).join(" ")}"/>`);
    for (const p of pts) {
      if (p.r.ci95) parts.push(`<line x1="${x(p.i)}" x2="${x(p.i)}" y1="${y(p.r.ci95.hi)}" y2="${y(p.r.ci95.lo)}" stroke="${color}"/>`);
      const ring = p.r.change && p.r.change.decided !== "none" ? ` stroke="#000" stroke-width="2"` : "";
      parts.push(`<circle cx="${x(p.i)}" cy="${y(p.r.mean!)}" r="4" fill="${color}"${ring}><title>${esc(`${cand} in ${p.r.run}: ${fmtNum(p.r.mean)} ${fmtInterval(p.r.ci95)}${p.r.change ? `; change ${fmtNum(p.r.change.estimate)} ${fmtInterval(p.r.change.ci95)} (${p.r.change.decided})` : ""}`)}</title></circle>`);
    }
  });
  const legend = candidates.map((c, k) => `<span style="color:${colorOf(k)}">&#9632;</span> ${esc(c)}`).join(" &nbsp; ");
  return `<figure class="trend" data-rubric="${esc(rubric)}"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(`trend of ${rubric}`)}">${parts.join("")}</svg><figcaption>${legend}</figcaption></figure>`;
}

export function renderHistoryHtml(rows: HistoryRow[]): string {
  const runs = [...new Set(rows.map((r) => r.run))];
  const rubrics = [...new Set(rows.map((r) => r.rubric))];
  const decided = rows.filter((r) => r.change && r.change.decided !== "none");
  const changes = decided.length
    ? `<ul id="changes">${decided.map((r) => `<li>${esc(r.candidate)} on ${esc(r.rubric)}: ${r.change!.decided === "up" ? "better" : "worse"} by ${esc(fmtNum(Math.abs(r.change!.estimate)))} ${esc(fmtInterval(r.change!.ci95))} in ${esc(r.run)} against ${esc(r.change!.previousRun)}</li>`).join("")}</ul>`
    : `<p id="changes">No change between consecutive runs is decided at 95%.</p>`;
  const sections = rubrics.map((rb) => `<section><h2>${esc(rb)}</h2>${trendChart(rb, runs, rows.filter((r) => r.rubric === rb))}</section>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><title>critic history</title><style>${CSS}</style></head>
<body><header><h1>critic history</h1><p class="meta">${runs.length} runs, ${rubrics.length} rubrics. Each point is a mean with its 95% interval; a ringed point differs from the run before it at 95% (paired over the items both runs scored).</p></header>
<main><section><h2>Changes decided at 95%</h2>${changes}</section>
${sections}</main></body></html>
`;
}
