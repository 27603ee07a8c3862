/**
 * report.md: the run as Markdown (GitHub-flavoured tables). Pure: (r) => string.
 * Every string that comes from the data goes through `md()`, so an output text cannot
 * break a table, open a code span, inject HTML or turn into a link.
 */
import type { PairwiseResult, RunResult } from "../run-result.js";
import { cellOf, correctionSentence, missingSentence, pairOf, rankingFor, scaleSentence, slowestCalls, verdictOf, worstScores } from "./derive.js";
import { gatesMarkdown } from "./gates.js";
import {
  capsLine,
  fmtDuration,
  fmtInt,
  fmtInterval,
  fmtMeanCi,
  fmtMs,
  fmtNum,
  fmtPct,
  fmtSigned,
  fmtTotalCost,
  fmtUsd,
  NA,
  preview,
  SIMULATED_STATEMENT,
  sparkline,
} from "./format.js";
import { md, table } from "./md-table.js";
import { criticsSection } from "./markdown-critics.js";
import { spendSection } from "./markdown-spend.js";

export { md };

/** Seven-level distribution: a bar and the counts, e.g. `▁▂▅█▆▂▁` 0/1/5/12/15/6/1. */
function dist(counts: number[]): string {
  return `\`${sparkline(counts)}\` ${counts.join("/")}`;
}

function header(r: RunResult): string[] {
  const lines = [`# critic report: ${md(r.run)}`, ""];
  if (r.simulated) lines.push(`> **${SIMULATED_STATEMENT}**`, "");
  if (!r.complete) lines.push(`> **Incomplete run**: stopped early (${md(r.stopReason ?? "reason not recorded")}). Numbers cover only the judgments made before the stop.`, "");
  lines.push(
    `- Dataset: ${md(r.dataset)}`,
    `- Started: ${md(r.startedAt)}; finished: ${md(r.finishedAt)} (${fmtDuration(r.startedAt, r.finishedAt)})`,
    `- Status: ${r.complete ? "complete" : `incomplete (${md(r.stopReason ?? "reason not recorded")})`}`,
    ...(r.caps ? [`- Caps: ${capsLine(r.caps)}`] : []),
    `- Rubrics: ${r.rubrics.map((x) => `${md(x.id)} (${md(x.title)}, 1..${x.scale})`).join(", ")}`,
    `- Critics: ${r.critics.map(md).join(", ")}`,
    `- Candidates: ${r.candidates.map(md).join(", ")}`,
    `- Gold labels: ${r.goldRubrics.length ? r.goldRubrics.map(md).join(", ") : "none"}`,
    "",
    table(
      ["Judgments", "Calls", "Cache hits", "Abstentions", "Failed", "Cost", "Latency p50", "p95", "p99", "max"],
      [
        [
          fmtInt(r.totals.judgments),
          fmtInt(r.totals.calls),
          fmtInt(r.totals.cacheHits),
          fmtInt(r.totals.abstentions),
          fmtInt(r.totals.failed),
          fmtTotalCost(r.totals.costUsd, r.usage),
          ...latency(r.totals.latencyMs),
        ],
      ],
      Array(10).fill("r"),
    ),
  );
  return lines;
}

function latency(l: { p50: number | null; p95: number | null; p99: number | null; max: number | null }): string[] {
  return [fmtMs(l.p50), fmtMs(l.p95), fmtMs(l.p99), fmtMs(l.max)];
}

function scoresSection(r: RunResult): string[] {
  const head = ["Candidate", "Rubric", "Mean [95% CI]", "n", "Levels 1..7", "Abstained", "Failed", "Method", ...r.critics.map((c) => `${md(c)} mean`)];
  const rows: string[][] = [];
  for (const rub of r.rubrics) {
    for (const cand of r.candidates) {
      const c = cellOf(r, cand, rub.id);
      if (!c) continue;
      rows.push([
        md(cand),
        md(rub.id),
        fmtMeanCi(c.mean, c.ci95),
        fmtInt(c.n),
        dist(c.distribution),
        fmtInt(c.abstentions),
        fmtInt(c.failed),
        md(c.method),
        ...r.critics.map((k) => fmtNum(c.criticMeans[k] ?? null)),
      ]);
    }
  }
  const align = head.map((_, i) => (i === 0 || i === 1 || i === 4 || i === 7 ? "l" : "r")) as ("l" | "r")[];
  const scales: string[] = [];
  for (const rub of r.rubrics) {
    const on = scaleSentence(r, rub.id);
    if (on) scales.push(`${md(rub.id)} is on the ${on}.`);
  }
  return ["## Scores by candidate and rubric", "", rows.length ? table(head, rows, align) : "No scores.", "", ...(scales.length ? [scales.join(" "), ""] : [])];
}

function rankingSection(r: RunResult): string[] {
  if (r.candidates.length < 2) return [];
  const out = ["## Ranking", ""];
  for (const rub of r.rubrics) {
    out.push(`### ${md(rub.id)}`, "");
    const scale = scaleSentence(r, rub.id);
    if (scale) out.push(`Means and differences are on the ${scale}.`, "");
    const entries = rankingFor(r, rub.id);
    if (entries.length) {
      const rows = entries.map((e) => {
        const c = cellOf(r, e.candidate, rub.id);
        return [String(e.rank), md(e.candidate), fmtSigned(e.theta), fmtInterval(e.ci95), fmtMeanCi(c?.mean ?? null, c?.ci95 ?? null)];
      });
      out.push("Bradley-Terry strength (log scale, mean 0) with its 95% interval.", "", table(["Rank", "Candidate", "Strength", "95% CI", "Mean score"], rows, ["r", "l", "r", "r", "r"]), "");
    } else out.push("No ranking computed.", "");
    const pairs = r.pairwise.filter((p) => p.rubric === rub.id);
    if (pairs.length) {
      const matrix = r.candidates.map((a) => [
        md(a),
        ...r.candidates.map((b) => (a === b ? "—" : fmtPct(pairOf(r, rub.id, a, b)?.winRate ?? null, 0))),
      ]);
      out.push("Expected win probability of the row over the column, P(row beats column) + ½P(tie) averaged over items:", "", table(["", ...r.candidates.map(md)], matrix, ["l", ...r.candidates.map(() => "r" as const)]), "");
      const diffs = pairs.map((p) => [`${md(p.a)} − ${md(p.b)}`, fmtSigned(p.meanDiff), fmtInterval(p.diffCi95), decided(p), fmtPct(p.winRate, 0), fmtPct(p.decisionWinRate ?? null, 0), fmtInt(p.n)]);
      out.push(
        "Paired differences (mean of score A − score B over items both have). A win prob. is the expected win probability, P(A beats B) + ½P(tie) averaged over items, which uncertainty pulls towards 50%; A wins decided is the share of items whose more probable side is A (ties half).",
        "",
        table(["A − B", "Mean diff", "95% CI", "Decided", "A win prob. (expected)", "A wins (decided)", "n"], diffs, ["l", "r", "r", "l", "r", "r", "r"]),
        "",
        correctionSentence(r, rub.id),
        "",
        ...((m) => (m ? [m, ""] : []))(missingSentence(r, rub.id)),
      );
    }
  }
  return out;
}

function decided(p: PairwiseResult): string {
  const v = verdictOf(p);
  return v === null ? NA : v === "undecided" ? "not decided" : v;
}

function usageSection(r: RunResult): string[] {
  if (r.usage.length === 0) return [];
  const rows = r.usage.map((u) => [
    md(u.id),
    u.role,
    fmtInt(u.calls),
    fmtInt(u.cacheHits),
    fmtInt(u.abstentions),
    fmtInt(u.failed),
    fmtInt(u.inputTokens),
    fmtInt(u.outputTokens),
    fmtUsd(u.costUsd),
    ...latency(u.latencyMs),
  ]);
  const head = ["Model", "Role", "Calls", "Cache hits", "Abstained", "Failed", "Input tokens", "Output tokens", "Cost", "p50", "p95", "p99", "max"];
  return ["## Usage and latency", "", table(head, rows, ["l", "l", ...Array(11).fill("r")]), "", "Cost is n/a for models without a known price.", ""];
}

/** What a chat user feels: time to the first token beside the total, for candidates that streamed. */
function feltLatencySection(r: RunResult): string[] {
  const streamed = r.usage.filter((u) => u.firstTokenMs);
  if (!streamed.length) return [];
  const rate = (x: number | null) => (x == null ? NA : `${fmtNum(x, 1)}/s`);
  const rows = streamed.map((u) => [md(u.id), ...latency(u.firstTokenMs!).slice(0, 3), ...latency(u.latencyMs).slice(0, 3), rate(u.tokensPerSecond?.p50 ?? null)]);
  const head = ["Candidate", "First token p50", "p95", "p99", "Total p50", "p95", "p99", "Tokens/s p50"];
  return ["## Latency as users feel it", "", table(head, rows, ["l", ...Array(7).fill("r")]), "", "First token: from the request to the first piece of the answer (streamed replies, or what a task reported). Tokens/s: output tokens after the first, per second.", ""];
}

function worstSection(r: RunResult): string[] {
  const worst = worstScores(r, 10);
  if (worst.length === 0) return [];
  const rows = worst.map((s) => [
    md(s.item),
    md(s.candidate),
    md(s.rubric),
    fmtNum(s.score),
    ...r.critics.map((c) => (s.byCritic[c] === null || s.byCritic[c] === undefined ? NA : String(s.byCritic[c]))),
    s.gold === null ? NA : String(s.gold),
    md(preview(s.outputPreview, 80)),
  ]);
  const head = ["Item", "Candidate", "Rubric", "Score", ...r.critics.map(md), "Gold", "Output"];
  const align = head.map((_, i) => (i >= 3 && i < head.length - 1 ? "r" : "l")) as ("l" | "r")[];
  return ["## Ten worst-scored outputs", "", table(head, rows, align), ""];
}

const FAILED_LISTED = 50;

/** Judgments that exhausted their retries, by name: never silently missing from a report. */
function failedSection(r: RunResult): string[] {
  const failed = r.judgments.filter((j) => j.kind === "failed");
  if (failed.length === 0) return [];
  const rows = failed.slice(0, FAILED_LISTED).map((j) => [md(j.item), md(j.candidate), md(j.rubric), md(j.critic), md(j.reason ?? ""), fmtInt(j.attempts), md(preview(j.raw, 80))]);
  const more = failed.length > FAILED_LISTED ? [`… and ${fmtInt(failed.length - FAILED_LISTED)} more; judgments.csv lists every one (kind = failed).`, ""] : [];
  return [
    "## Failed judgments",
    "",
    `${fmtInt(failed.length)} judgments failed after every retry; they are left out of the statistics, and \`critic run --resume ${md(r.run)}\` asks for them again.`,
    "",
    table(["Item", "Candidate", "Rubric", "Critic", "Reason", "Attempts", "Error"], rows, ["l", "l", "l", "l", "l", "r", "l"]),
    "",
    ...more,
  ];
}

/** Outputs a candidate (a model, a function, a service) failed to produce, with the error each gave. */
function failedGenerationsSection(r: RunResult): string[] {
  const failed = r.generations.filter((g) => g.failed);
  if (failed.length === 0) return [];
  const rows = failed.slice(0, FAILED_LISTED).map((g) => [md(g.item), md(g.candidate), fmtInt(g.attempts), md(preview(g.failed ?? "", 160))]);
  const more = failed.length > FAILED_LISTED ? [`… and ${fmtInt(failed.length - FAILED_LISTED)} more.`, ""] : [];
  return [
    "## Failed generations",
    "",
    `${fmtInt(failed.length)} ${failed.length === 1 ? "output" : "outputs"} could not be generated (the candidate threw, timed out or failed after every retry); the rest of the run went on, and \`critic run --resume ${md(r.run)}\` tries them again.`,
    "",
    table(["Item", "Candidate", "Attempts", "Error"], rows, ["l", "l", "r", "l"]),
    "",
    ...more,
  ];
}

function slowestSection(r: RunResult): string[] {
  const slow = slowestCalls(r, 10);
  if (slow.length === 0) return [];
  const rows = slow.map((j) => [
    fmtMs(j.latencyMs),
    md(j.critic),
    md(j.item),
    md(j.candidate),
    md(j.rubric),
    j.kind + (j.reason ? ` (${md(j.reason)})` : ""),
    fmtInt(j.attempts),
    fmtInt(j.inputTokens),
    fmtUsd(j.costUsd),
  ]);
  const head = ["Latency", "Critic", "Item", "Candidate", "Rubric", "Result", "Attempts", "Input tokens", "Cost"];
  return ["## Ten slowest calls", "", table(head, rows, ["r", "l", "l", "l", "l", "l", "r", "r", "r"]), ""];
}

/** Reasoning models spend hidden tokens before answering: how many, per model, and their share of what it was billed for. */
function reasoningSection(r: RunResult): string[] {
  const used = r.usage.filter((u) => (u.reasoningTokens ?? 0) > 0);
  if (used.length === 0) return [];
  const rows = used.map((u) => [md(u.id), u.role, fmtInt(u.reasoningTokens ?? 0), fmtInt(u.outputTokens), `${Math.round((100 * (u.reasoningTokens ?? 0)) / Math.max(1, u.outputTokens))}%`]);
  return [
    "## Reasoning tokens",
    "",
    table(["Model", "Role", "Reasoning tokens", "Output tokens", "Share"], rows, ["l", "l", "r", "r", "r"]),
    "",
    "Hidden reasoning is billed as output, so it is inside the output tokens and the cost above.",
    "",
  ];
}

/** report.md for a run. */
export function renderMarkdown(r: RunResult): string {
  const notes = r.notes.length ? ["## Notes", "", ...r.notes.map((n) => `- ${md(n)}`), ""] : [];
  return [
    ...header(r),
    "",
    ...gatesMarkdown(r),
    ...scoresSection(r),
    ...failedGenerationsSection(r),
    ...failedSection(r),
    ...rankingSection(r),
    ...criticsSection(r),
    ...usageSection(r),
    ...feltLatencySection(r),
    ...reasoningSection(r),
    ...spendSection(r),
    ...worstSection(r),
    ...slowestSection(r),
    ...notes,
    `<sub>critic RunResult v${r.version}${r.simulated ? " · simulated" : ""}</sub>`,
    "",
  ].join("\n");
}
