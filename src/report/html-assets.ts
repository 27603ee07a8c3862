/**
 * The inline stylesheet and script of report.html, and the generic sortable table. The
 * script only reorders existing rows (appendChild) and sets attributes: it never builds
 * markup from data, so no escaped text is ever turned back into HTML.
 */
import { createHash } from "node:crypto";
import { esc } from "./html-svg.js";

export const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--panel:#f6f8fb;--accent:#4e79a7;--warn:#b42318;--sim:#8a5a00}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:20px 28px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:18px 0 8px}
.meta{color:var(--muted);margin:0 0 12px;overflow-wrap:anywhere}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;vertical-align:middle;margin-left:8px}
.badge.simulated{background:#fff4d6;color:var(--sim);border:1px solid #f0c36d}.badge.complete{background:#e7f5ec;color:#1e6b3a;border:1px solid #a8d8b9}.badge.incomplete{background:#fde8e7;color:var(--warn);border:1px solid #f4b4ae}
.banner{padding:10px 14px;border-radius:6px;margin:10px 0;font-weight:500}
.banner.simulated{background:#fff8e6;border:1px solid #f0c36d;color:var(--sim)}.banner.incomplete{background:#fdecea;border:1px solid #f4b4ae;color:var(--warn)}
nav.toc{display:flex;flex-wrap:wrap;gap:6px 14px;margin:8px 0 4px;font-size:13px}nav.toc a{color:var(--accent);text-decoration:none}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(118px,1fr));gap:10px;margin:14px 0}
.kpi{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 10px}.kpi .v{font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}.kpi .k{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:6px 0 10px;font-variant-numeric:tabular-nums;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;white-space:nowrap}
th{background:var(--panel);font-weight:600;white-space:normal;vertical-align:bottom;min-width:3em}td.wrap{white-space:normal;overflow-wrap:anywhere;min-width:140px;max-width:260px}td.num,th.num{text-align:right}
.scroll{overflow-x:auto;max-width:100%}
table.sortable th{cursor:pointer;user-select:none}table.sortable th:hover{background:#e9eef6}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2";font-size:10px}table.sortable th[aria-sort=descending]::after{content:" \\25BC";font-size:10px}
td.preview{white-space:normal;min-width:300px;max-width:480px;overflow-wrap:anywhere;color:#333;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
td.na,span.na{color:#98a1b3}
.grid-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.card .t{font-weight:600;overflow-wrap:anywhere}.card .s{color:var(--muted);font-size:12px}
svg.chart{display:block;max-width:100%;height:auto;font-size:11px}
svg.chart text{fill:#3b4354}svg.chart text.tick{text-anchor:middle;fill:var(--muted)}svg.chart text.tick.y{text-anchor:end}svg.chart text.count{text-anchor:middle;font-size:10px}
svg.chart text.label{font-size:12px}svg.chart.ranking text.label{text-anchor:end}svg.chart text.axis-title{text-anchor:middle;fill:var(--muted)}
svg.chart line.axis{stroke:#8891a3}svg.chart line.grid{stroke:#eef1f5}svg.chart line.ref{stroke:#8891a3;stroke-dasharray:4 3}
svg.chart line.whisker,svg.chart line.cap{stroke-width:2}svg.chart circle.ring{fill:none;stroke:#1e6b3a;stroke-width:2.5}
svg.chart circle.point.best{stroke:#1d2330;stroke-width:1.5}
.caption{color:var(--muted);font-size:12.5px;margin:2px 0 10px;max-width:900px}
.two{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.cost{max-width:580px}
ul.notes li{margin:3px 0;overflow-wrap:anywhere}
.banner.gates-pass{background:#e7f5ec;border:1px solid #a8d8b9;color:#1e6b3a}.banner.gates-fail{background:#fdecea;border:1px solid #f4b4ae;color:var(--warn)}
span.gate{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}span.gate.pass{background:#e7f5ec;color:#1e6b3a}span.gate.fail{background:#fdecea;color:var(--warn)}
td.msg{white-space:normal;min-width:320px;max-width:560px;color:#333}
footer{margin-top:36px;color:var(--muted);font-size:12px}
`;

export const SCRIPT = `"use strict";
(function () {
  function key(td) {
    var v = td.getAttribute("data-sort");
    if (v !== null) return v === "" ? null : Number(v);
    return td.textContent.trim();
  }
  function sortBy(table, col, th) {
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var m = dir === "ascending" ? 1 : -1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      if (typeof x === "number" && typeof y === "number") return (x - y) * m;
      return String(x).localeCompare(String(y), undefined, { numeric: true }) * m;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    Array.prototype.forEach.call(head.cells, function (th, col) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortBy(table, col, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, col, th); }
      });
    });
  });
})();
`;

/** CSP hash of the inline script: only this script may run, so an unescaped payload could not. */
export const SCRIPT_HASH = `sha256-${createHash("sha256").update(SCRIPT).digest("base64")}`;

export const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

/** A table cell: plain text (escaped here), or trusted markup built by the writer itself. */
export type Cell = string | { text?: string; html?: string; sort?: number | null; cls?: string };

export interface Column {
  label: string;
  num?: boolean;
}

function td(c: Cell, col: Column): string {
  // Long text (ids, reasons) may wrap; short text stays on one line so "item-07" never splits.
  if (typeof c === "string") return `<td${col.num ? ' class="num"' : c.length > 28 ? ' class="wrap"' : ""}>${esc(c)}</td>`;
  const cls = [col.num ? "num" : "", c.cls ?? ""].filter(Boolean).join(" ");
  const sort = c.sort === undefined ? "" : ` data-sort="${c.sort === null || !Number.isFinite(c.sort) ? "" : c.sort}"`;
  return `<td${cls ? ` class="${cls}"` : ""}${sort}>${c.html ?? esc(c.text ?? "")}</td>`;
}

/** A table whose header cells sort the rows on click (numbers by data-sort, n/a last). */
/** A self-contained page: the shared style, the CSP and the table script; `title` is escaped here, `main` is already HTML. */
export function htmlPage(p: { title: string; simulated: boolean; complete: boolean; main: string }): string {
  return `<!doctype html>
<html lang="en" data-simulated="${p.simulated}" data-complete="${p.complete}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${p.main}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

export function htmlTable(id: string, cols: Column[], rows: Cell[][], sortable = true): string {
  const head = cols.map((c) => `<th${c.num ? ' class="num"' : ""} scope="col">${esc(c.label)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c, i) => td(c, cols[i] ?? { label: "" })).join("")}</tr>`).join("\n");
  return `<div class="scroll"><table id="${esc(id)}"${sortable ? ' class="sortable"' : ""}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A numeric cell: formatted text, raw value for sorting, greyed when missing. */
export function numCell(value: number | null, text: string): Cell {
  return { text, sort: value, cls: value === null ? "na" : undefined };
}
