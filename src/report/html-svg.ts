/**
 * Inline SVG charts for report.html. Every chart is `svg.chart.<kind>` with data-* attributes
 * and its marks carry classes (`rect.bar`, `circle.point`, `line.whisker`) so a browser test
 * can count them. All data text is escaped with `esc`.
 */
import type { CellSummary, Interval, LatencySummary } from "../run-result.js";
import { fmtMs, fmtNum, fmtUsd } from "./format.js";

/** Escape for HTML text and attribute values (double- or single-quoted). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITY[c]);
}
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f", "#edc948", "#ff9da7", "#bab0ac"];
export const colorOf = (i: number) => PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];

const r1 = (x: number) => Math.round(x * 10) / 10;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Round tick positions covering [lo, hi]. */
export function ticks(lo: number, hi: number, want = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / want;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Bars of the score distribution over levels 1..K for one candidate x rubric. */
export function distributionChart(c: CellSummary, scale: number, color: string): string {
  const w = 230;
  const h = 96;
  const top = 14;
  const base = h - 18;
  const counts = Array.from({ length: scale }, (_, i) => c.distribution[i] ?? 0);
  const max = Math.max(1, ...counts);
  const bw = (w - 8) / scale;
  const bars = counts.map((n, i) => {
    const bh = ((base - top) * n) / max;
    const x = 4 + i * bw;
    return (
      `<rect class="bar" data-level="${i + 1}" data-count="${n}" x="${r1(x + 2)}" y="${r1(base - bh)}" width="${r1(bw - 4)}" height="${r1(bh)}" fill="${color}"><title>level ${i + 1}: ${n}</title></rect>` +
      `<text class="count" x="${r1(x + bw / 2)}" y="${r1(base - bh - 3)}">${n || ""}</text>` +
      `<text class="tick" x="${r1(x + bw / 2)}" y="${h - 4}">${i + 1}</text>`
    );
  });
  return `<svg class="chart dist" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" data-candidate="${esc(c.candidate)}" data-rubric="${esc(c.rubric)}" data-n="${c.n}"><title>${esc(c.candidate)} on ${esc(c.rubric)}: distribution of scores over levels 1..${scale}</title><line class="axis" x1="2" x2="${w - 2}" y1="${base}" y2="${base}"/>${bars.join("")}</svg>`;
}

export interface Whisker {
  label: string;
  value: number;
  ci: Interval | null;
  color: string;
}

/** Horizontal point-and-whisker chart (ranking strengths); a dashed line marks `ref`. */
export function whiskerChart(kind: string, rubric: string, rows: Whisker[], ref: number | null): string {
  const w = 640;
  const left = 170;
  const rowH = 30;
  const h = rows.length * rowH + 34;
  const xs = rows.flatMap((r) => [r.value, r.ci?.lo ?? r.value, r.ci?.hi ?? r.value]).concat(ref === null ? [] : [ref]);
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  const pad = (hi - lo) * 0.08 || 0.5;
  lo -= pad;
  hi += pad;
  const x = (v: number) => r1(left + ((v - lo) / (hi - lo)) * (w - left - 20));
  const axisY = rows.length * rowH + 8;
  const grid = ticks(lo, hi, 6)
    .map((t) => `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="4" y2="${axisY}"/><text class="tick" x="${x(t)}" y="${axisY + 16}">${fmtNum(t, 2)}</text>`)
    .join("");
  const refLine = ref === null ? "" : `<line class="ref" x1="${x(ref)}" x2="${x(ref)}" y1="4" y2="${axisY}"/>`;
  const marks = rows.map((r, i) => {
    const y = i * rowH + 4 + rowH / 2;
    const whisker = r.ci
      ? `<line class="whisker" data-lo="${r.ci.lo}" data-hi="${r.ci.hi}" x1="${x(r.ci.lo)}" x2="${x(r.ci.hi)}" y1="${y}" y2="${y}" stroke="${r.color}"/>` +
        `<line class="cap" x1="${x(r.ci.lo)}" x2="${x(r.ci.lo)}" y1="${y - 6}" y2="${y + 6}" stroke="${r.color}"/><line class="cap" x1="${x(r.ci.hi)}" x2="${x(r.ci.hi)}" y1="${y - 6}" y2="${y + 6}" stroke="${r.color}"/>`
      : "";
    const tip = `${r.label}: ${fmtNum(r.value)}${r.ci ? ` [${fmtNum(r.ci.lo)}, ${fmtNum(r.ci.hi)}]` : ""}`;
    return `<text class="label" x="${left - 10}" y="${y + 4}">${esc(clip(r.label, 24))}</text>${whisker}<circle class="point" data-candidate="${esc(r.label)}" data-value="${r.value}" cx="${x(r.value)}" cy="${y}" r="5.5" fill="${r.color}"><title>${esc(tip)}</title></circle>`;
  });
  return `<svg class="chart ${kind}" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" data-rubric="${esc(rubric)}">${grid}${refLine}<line class="axis" x1="${left}" x2="${w - 20}" y1="${axisY}" y2="${axisY}"/>${marks.join("")}</svg>`;
}

export interface ScatterPoint {
  candidate: string;
  cost: number;
  mean: number;
  ci: Interval | null;
  color: string;
  best: boolean;
  pick: boolean;
}

/** Cost (x, dollars) against quality (y, mean score with its 95% interval), one point per candidate. */
export function scatterChart(rubric: string, scale: number, pts: ScatterPoint[]): string {
  const w = 560;
  const h = 320;
  const m = { l: 52, r: 170, t: 14, b: 42 };
  const maxCost = Math.max(...pts.map((p) => p.cost)) * 1.1 || 1;
  const ys = pts.flatMap((p) => [p.mean, p.ci?.lo ?? p.mean, p.ci?.hi ?? p.mean]);
  const yLo = Math.max(1, Math.floor(Math.min(...ys) - 0.3));
  const yHi = Math.min(scale, Math.ceil(Math.max(...ys) + 0.3));
  const x = (v: number) => r1(m.l + (v / maxCost) * (w - m.l - m.r));
  const y = (v: number) => r1(h - m.b - ((v - yLo) / (yHi - yLo || 1)) * (h - m.t - m.b));
  const xt = ticks(0, maxCost, 4)
    .map((t) => `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="${m.t}" y2="${h - m.b}"/><text class="tick" x="${x(t)}" y="${h - m.b + 16}">$${Number(t.toPrecision(3))}</text>`)
    .join("");
  const yt = ticks(yLo, yHi, 5)
    .map((t) => `<line class="grid" x1="${m.l}" x2="${w - m.r}" y1="${y(t)}" y2="${y(t)}"/><text class="tick y" x="${m.l - 6}" y="${y(t) + 4}">${fmtNum(t, 1)}</text>`)
    .join("");
  const marks = pts.map((p) => {
    const cls = `point${p.best ? " best" : ""}${p.pick ? " pick" : ""}`;
    const bar = p.ci ? `<line class="whisker" x1="${x(p.cost)}" x2="${x(p.cost)}" y1="${y(p.ci.lo)}" y2="${y(p.ci.hi)}" stroke="${p.color}"/>` : "";
    const tag = p.pick && p.best ? " (best, pick)" : p.pick ? " (cheapest not worse)" : p.best ? " (best)" : "";
    const ring = p.pick ? `<circle class="ring" cx="${x(p.cost)}" cy="${y(p.mean)}" r="10"/>` : "";
    return `${bar}${ring}<circle class="${cls}" data-candidate="${esc(p.candidate)}" data-cost="${p.cost}" data-mean="${p.mean}" cx="${x(p.cost)}" cy="${y(p.mean)}" r="6" fill="${p.color}"><title>${esc(`${p.candidate}: ${fmtUsd(p.cost)}, mean ${fmtNum(p.mean)}`)}</title></circle><text class="label" x="${x(p.cost) + 12}" y="${y(p.mean) + 4}">${esc(clip(p.candidate, 18))}<tspan class="tag">${esc(tag)}</tspan></text>`;
  });
  const axes = `<line class="axis" x1="${m.l}" x2="${w - m.r}" y1="${h - m.b}" y2="${h - m.b}"/><line class="axis" x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${h - m.b}"/><text class="axis-title" x="${(m.l + w - m.r) / 2}" y="${h - 6}">generation cost (USD, this run)</text><text class="axis-title" transform="rotate(-90)" x="${-(m.t + h - m.b) / 2}" y="14">mean score</text>`;
  return `<svg class="chart scatter" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" data-rubric="${esc(rubric)}"><title>${esc(`Cost versus quality on ${rubric}`)}</title>${xt}${yt}${axes}${marks.join("")}</svg>`;
}

/** Nested bars p50 < p95 < p99 < max on a shared scale, for one model's latency row. */
export function latencyBars(id: string, l: LatencySummary, scaleMax: number): string {
  const w = 120;
  const h = 16;
  const parts: [keyof LatencySummary, string][] = [
    ["max", "#dbe4ef"],
    ["p99", "#b3c7de"],
    ["p95", "#7f9fc4"],
    ["p50", "#4e79a7"],
  ];
  const bars = parts
    .filter(([k]) => l[k] !== null)
    .map(([k, fill]) => {
      const v = l[k] as number;
      return `<rect class="bar" data-p="${k}" data-ms="${v}" x="0" y="2" width="${r1(Math.max(1, (v / (scaleMax || 1)) * w))}" height="${h - 4}" fill="${fill}"><title>${k}: ${fmtMs(v)}</title></rect>`;
    });
  return `<svg class="chart latency" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" data-model="${esc(id)}">${bars.join("")}</svg>`;
}
