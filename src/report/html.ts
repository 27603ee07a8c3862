/**
 * report.html: one self-contained page (inline CSS, SVG and a small script; no network).
 * Pure: (r) => string. Outputs and ids are untrusted, so every data string is escaped, and
 * a Content-Security-Policy lets only the page's own script (by hash) run.
 */
import { criticsHtml, spendHtml } from "./html-critics.js";
import type { RunResult } from "../run-result.js";
import { candidateCost, cellOf, cheapestNotWorse, correctionSentence, missingSentence, pairOf, rankingFor, scaleOf, scaleSentence, slowestCalls, verdictOf, worstScores } from "./derive.js";
import { fmtDuration, fmtInt, fmtInterval, fmtMeanCi, fmtMs, fmtNum, fmtPct, fmtSigned, fmtUsd, NA, preview, SIMULATED_STATEMENT, unpricedNote } from "./format.js";
import { type Cell, htmlPage, htmlTable, numCell } from "./html-assets.js";
import { gatesSection } from "./html-gates.js";
import { colorOf, distributionChart, esc, latencyBars, type ScatterPoint, scatterChart, whiskerChart } from "./html-svg.js";

function header(r: RunResult): string {
  const t = r.totals;
  const badges =
    (r.simulated ? '<span class="badge simulated" data-simulated="true">SIMULATED</span>' : "") +
    (r.complete ? '<span class="badge complete">complete</span>' : '<span class="badge incomplete">incomplete</span>');
  const banners =
    (r.simulated ? `<div class="banner simulated" id="simulated" role="note">${esc(SIMULATED_STATEMENT)}</div>` : "") +
    (r.complete
      ? ""
      : `<div class="banner incomplete" id="incomplete" role="alert">Incomplete run: stopped early (${esc(r.stopReason ?? "reason not recorded")}). Numbers cover only the judgments made before the stop.</div>`);
  const kpi = (k: string, v: string) => `<div class="kpi"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`;
  return `<header><h1>critic report ${badges}</h1>
<p class="meta">Run <b>${esc(r.run)}</b> · dataset ${esc(r.dataset)} · ${esc(r.startedAt)} → ${esc(r.finishedAt)} (${esc(fmtDuration(r.startedAt, r.finishedAt))})<br>
Rubrics: ${r.rubrics.map((x) => `${esc(x.id)} (${esc(x.title)})`).join(", ")} · Critics: ${r.critics.map(esc).join(", ")} · Candidates: ${r.candidates.map(esc).join(", ")} · Gold: ${r.goldRubrics.length ? r.goldRubrics.map(esc).join(", ") : "none"}</p>
${banners}
<div class="kpis" id="totals">${[
    kpi("judgments", fmtInt(t.judgments)),
    kpi("calls", fmtInt(t.calls)),
    kpi("cache hits", fmtInt(t.cacheHits)),
    kpi("abstentions", fmtInt(t.abstentions)),
    kpi("failed", fmtInt(t.failed)),
    kpi(costLabel(r), fmtUsd(t.costUsd)),
    kpi("latency p50", fmtMs(t.latencyMs.p50)),
    kpi("latency p95", fmtMs(t.latencyMs.p95)),
    kpi("latency p99", fmtMs(t.latencyMs.p99)),
  ].join("")}</div></header>`;
}

/** "cost", or "cost (2 models unpriced)" when the total leaves some models out. */
function costLabel(r: RunResult): string {
  const note = unpricedNote(r.usage);
  return note ? `cost (${note})` : "cost";
}

function scoresSection(r: RunResult): string {
  const cols = [
    { label: "Candidate" },
    { label: "Rubric" },
    { label: "Mean [95% CI]", num: true },
    { label: "n", num: true },
    { label: "Abstained", num: true },
    { label: "Failed", num: true },
    { label: "Method" },
    ...r.critics.map((c) => ({ label: `${c} mean`, num: true })),
  ];
  const rows: Cell[][] = [];
  const cards: string[] = [];
  for (const rub of r.rubrics) {
    const scale = scaleOf(r, rub.id);
    const group: string[] = [];
    r.candidates.forEach((cand, i) => {
      const c = cellOf(r, cand, rub.id);
      if (!c) return;
      rows.push([
        cand,
        rub.id,
        numCell(c.mean, fmtMeanCi(c.mean, c.ci95)),
        numCell(c.n, fmtInt(c.n)),
        numCell(c.abstentions, fmtInt(c.abstentions)),
        numCell(c.failed, fmtInt(c.failed)),
        c.method,
        ...r.critics.map((k) => numCell(c.criticMeans[k] ?? null, fmtNum(c.criticMeans[k] ?? null))),
      ]);
      group.push(
        `<div class="card"><div class="t">${esc(cand)}</div><div class="s">mean ${esc(fmtMeanCi(c.mean, c.ci95))} · n ${c.n}</div>${distributionChart(c, scale, colorOf(i))}</div>`,
      );
    });
    const on = scaleSentence(r, rub.id);
    if (group.length) cards.push(`<h3>${esc(rub.title)} <span class="s">(${esc(rub.id)}, levels 1..${scale})</span></h3>${on ? `<p class="caption scale">On the ${esc(on)}.</p>` : ""}<div class="grid-cards">${group.join("")}</div>`);
  }
  return `<section id="scores"><h2>Scores by candidate and rubric</h2>${htmlTable("scores-table", cols, rows)}
<p class="caption">Distribution of the aggregate score (rounded to the nearest level) per candidate and rubric.</p>${cards.join("\n")}</section>`;
}

function rankingSection(r: RunResult): string {
  if (r.candidates.length < 2) return "";
  const parts = r.rubrics.map((rub) => {
    const entries = rankingFor(r, rub.id);
    const chart = entries.length
      ? whiskerChart(
          "ranking",
          rub.id,
          entries.map((e) => ({ label: e.candidate, value: e.theta, ci: e.ci95, color: colorOf(r.candidates.indexOf(e.candidate)) })),
          0,
        )
      : "<p>No ranking computed.</p>";
    const matrixHead = `<tr><th></th>${r.candidates.map((c) => `<th scope="col">${esc(c)}</th>`).join("")}</tr>`;
    const matrixRows = r.candidates
      .map((a) => {
        const cells = r.candidates.map((b) => {
          if (a === b) return '<td class="num na">—</td>';
          const p = pairOf(r, rub.id, a, b);
          if (!p) return `<td class="num na">${NA}</td>`;
          // Shade from red (row loses) through white to green (row wins).
          const hue = p.winRate >= 0.5 ? 140 : 0;
          const light = Math.round(100 - Math.abs(p.winRate - 0.5) * 70);
          return `<td class="num winrate" data-a="${esc(a)}" data-b="${esc(b)}" data-win="${p.winRate}" style="background:hsl(${hue},55%,${light}%)">${esc(fmtPct(p.winRate, 0))}</td>`;
        });
        return `<tr><th scope="row">${esc(a)}</th>${cells.join("")}</tr>`;
      })
      .join("");
    const diffs = r.pairwise
      .filter((p) => p.rubric === rub.id)
      .map((p): Cell[] => [
        `${p.a} − ${p.b}`,
        numCell(p.meanDiff, fmtSigned(p.meanDiff)),
        { text: fmtInterval(p.diffCi95), cls: "num" },
        ((v) => (v === null ? NA : v === "undecided" ? "not decided" : v))(verdictOf(p)),
        numCell(p.winRate, fmtPct(p.winRate, 0)),
        numCell(p.decisionWinRate ?? null, fmtPct(p.decisionWinRate ?? null, 0)),
        numCell(p.n, fmtInt(p.n)),
      ]);
    const diffCols = [{ label: "A − B" }, { label: "Mean diff", num: true }, { label: "95% CI", num: true }, { label: "Decided" }, { label: "A win prob. (expected)", num: true }, { label: "A wins (decided)", num: true }, { label: "n", num: true }];
    const on = scaleSentence(r, rub.id);
    return `<h3>${esc(rub.title)} <span class="s">(${esc(rub.id)})</span></h3>${on ? `<p class="caption scale">Means and differences are on the ${esc(on)}.</p>` : ""}
<div class="two"><div>${chart}<p class="caption">Bradley-Terry strength (log scale, mean 0) with 95% interval; dashed line at 0.</p></div>
<div><table class="winrate" id="winrate-${esc(rub.id)}"><thead>${matrixHead}</thead><tbody>${matrixRows}</tbody></table><p class="caption">Expected win probability of the row over the column: P(row beats column) + ½P(tie), averaged over items.</p></div></div>
${diffs.length ? `${htmlTable(`diffs-${rub.id}`, diffCols, diffs)}<p class="caption">${esc(correctionSentence(r, rub.id))} ${esc(missingSentence(r, rub.id) ?? "")} Expected win probability: P(A beats B) + ½P(tie) averaged over items; decided: the share of items whose more probable side is A, ties half.</p>` : ""}`;
  });
  return `<section id="ranking"><h2>Ranking and paired comparisons</h2>${parts.join("\n")}</section>`;
}

function costSection(r: RunResult): string {
  if (!r.usage.some((u) => u.role === "candidate")) return "";
  const parts = r.rubrics.map((rub) => {
    const pick = cheapestNotWorse(r, rub.id);
    const pts: ScatterPoint[] = [];
    const unknown: string[] = [];
    r.candidates.forEach((cand, i) => {
      const c = cellOf(r, cand, rub.id);
      const cost = candidateCost(r, cand);
      if (!c || c.mean === null) return;
      if (cost === null) unknown.push(cand);
      else pts.push({ candidate: cand, cost, mean: c.mean, ci: c.ci95, color: colorOf(i), best: pick?.best === cand, pick: pick?.pick === cand });
    });
    const chart = pts.length ? scatterChart(rub.id, scaleOf(r, rub.id), pts) : "<p>No candidate has both a known cost and a score.</p>";
    const verdict = pick
      ? pick.pick
        ? pick.pick === pick.best
          ? `No cheaper candidate is as good as the best: <b>${esc(pick.pick)}</b> (${esc(fmtUsd(candidateCost(r, pick.pick)))}) is the pick.`
          : `Cheapest candidate not worse than the best (${esc(pick.best)}): <b>${esc(pick.pick)}</b> at ${esc(fmtUsd(candidateCost(r, pick.pick)))}.`
        : `No candidate with a known cost is not worse than the best (${esc(pick.best)}).`
      : "";
    const missing = unknown.length ? ` Not plotted (cost unknown): ${unknown.map(esc).join(", ")}.` : "";
    return `<div class="cost" data-rubric="${esc(rub.id)}"><h3>${esc(rub.title)}</h3>${chart}<p class="caption" data-pick="${esc(pick?.pick ?? "")}">${verdict}${missing} "Not worse" means the paired difference with the best has a 95% interval reaching 0, or, without one, the two score intervals overlap.</p></div>`;
  });
  return `<section id="cost"><h2>Cost versus quality</h2><div class="two">${parts.join("")}</div>${feltLatency(r)}</section>`;
}

/** Beside cost and quality, the wait a chat user feels: time to first token next to the total, for candidates that streamed. */
function feltLatency(r: RunResult): string {
  const streamed = r.usage.filter((u) => u.firstTokenMs);
  if (!streamed.length) return "";
  const ms = (x: number | null) => numCell(x, fmtMs(x));
  const cols = ["Candidate", "First token p50", "p95", "p99", "Total p50", "p95", "p99", "Tokens/s p50"].map((label, i) => ({ label, num: i > 0 }));
  const rows = streamed.map((u): Cell[] => {
    const f = u.firstTokenMs!;
    const tps = u.tokensPerSecond?.p50 ?? null;
    return [u.id, ms(f.p50), ms(f.p95), ms(f.p99), ms(u.latencyMs.p50), ms(u.latencyMs.p95), ms(u.latencyMs.p99), numCell(tps, tps == null ? "n/a" : `${tps.toFixed(1)}/s`)];
  });
  return `<h3>Latency as users feel it</h3>${htmlTable("felt-latency", cols, rows)}<p class="caption">First token: from the request to the first piece of the answer (streamed replies, or what a task reported).</p>`;
}

function usageSection(r: RunResult): string {
  if (r.usage.length === 0) return "";
  const top = Math.max(0, ...r.usage.map((u) => u.latencyMs.max ?? 0));
  const cols = ["Model", "Role", "Calls", "Cache hits", "Abstained", "Failed", "Input tokens", "Output tokens", "Cost", "p50", "p95", "p99", "max", "Latency"].map((label, i) => ({ label, num: i >= 2 && i <= 12 }));
  const rows = r.usage.map((u): Cell[] => [
    u.id,
    u.role,
    numCell(u.calls, fmtInt(u.calls)),
    numCell(u.cacheHits, fmtInt(u.cacheHits)),
    numCell(u.abstentions, fmtInt(u.abstentions)),
    numCell(u.failed, fmtInt(u.failed)),
    numCell(u.inputTokens, fmtInt(u.inputTokens)),
    numCell(u.outputTokens, fmtInt(u.outputTokens)),
    numCell(u.costUsd, fmtUsd(u.costUsd)),
    numCell(u.latencyMs.p50, fmtMs(u.latencyMs.p50)),
    numCell(u.latencyMs.p95, fmtMs(u.latencyMs.p95)),
    numCell(u.latencyMs.p99, fmtMs(u.latencyMs.p99)),
    numCell(u.latencyMs.max, fmtMs(u.latencyMs.max)),
    { html: latencyBars(u.id, u.latencyMs, top), sort: u.latencyMs.p95 },
  ]);
  return `<section id="usage"><h2>Usage, cost and latency per model</h2>${htmlTable("usage-table", cols, rows)}<p class="caption">Cost is n/a for models without a known price. Bars: p50 (dark), p95, p99, max (light), on one scale for all models.</p></section>`;
}

function worstSection(r: RunResult): string {
  const worst = worstScores(r, 10);
  if (worst.length === 0) return "";
  const cols = [{ label: "Item" }, { label: "Candidate" }, { label: "Rubric" }, { label: "Score", num: true }, ...r.critics.map((c) => ({ label: c, num: true })), { label: "Gold", num: true }, { label: "Output" }];
  const rows = worst.map((s): Cell[] => [
    s.item,
    s.candidate,
    s.rubric,
    numCell(s.score, fmtNum(s.score)),
    ...r.critics.map((c) => numCell(s.byCritic[c] ?? null, s.byCritic[c] == null ? NA : String(s.byCritic[c]))),
    numCell(s.gold, s.gold === null ? NA : String(s.gold)),
    { text: preview(s.outputPreview, 160), cls: "preview" },
  ]);
  return `<section id="worst"><h2>Ten worst-scored outputs</h2>${htmlTable("worst-table", cols, rows)}</section>`;
}

function slowestSection(r: RunResult): string {
  const slow = slowestCalls(r, 10);
  if (slow.length === 0) return "";
  const cols = ["Latency", "Critic", "Item", "Candidate", "Rubric", "Result", "Attempts", "Input tokens", "Cost"].map((label, i) => ({ label, num: i === 0 || i >= 6 }));
  const rows = slow.map((j): Cell[] => [
    numCell(j.latencyMs, fmtMs(j.latencyMs)),
    j.critic,
    j.item,
    j.candidate,
    j.rubric,
    j.kind + (j.reason ? ` (${j.reason})` : ""),
    numCell(j.attempts, fmtInt(j.attempts)),
    numCell(j.inputTokens, fmtInt(j.inputTokens)),
    numCell(j.costUsd, fmtUsd(j.costUsd)),
  ]);
  return `<section id="slowest"><h2>Ten slowest calls</h2>${htmlTable("slowest-table", cols, rows)}</section>`;
}

/** report.html for a run. */
export function renderHtml(r: RunResult): string {
  const sections = [gatesSection(r), scoresSection(r), rankingSection(r), criticsHtml(r), costSection(r), usageSection(r), spendHtml(r), worstSection(r), slowestSection(r)];
  const notes = r.notes.length ? `<section id="notes"><h2>Notes</h2><ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>` : "";
  const toc = [
    ["gates", "Gates"],
    ["scores", "Scores"],
    ["ranking", "Ranking"],
    ["critics", "Critics"],
    ["cost", "Cost vs quality"],
    ["usage", "Usage & latency"],
    ["spend", "Spend"],
    ["worst", "Worst outputs"],
    ["slowest", "Slowest calls"],
    ["notes", "Notes"],
  ]
    .filter(([id]) => [...sections, notes].some((s) => s.startsWith(`<section id="${id}"`)))
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join("");
  return htmlPage({
    title: `critic report: ${r.run}${r.simulated ? " (simulated)" : ""}`,
    simulated: r.simulated,
    complete: r.complete,
    main: `${header(r)}
<nav class="toc">${toc}</nav>
${sections.join("\n")}
${notes}
<footer>critic RunResult v${r.version}${r.simulated ? " · simulated run" : ""}</footer>`,
  });
}
