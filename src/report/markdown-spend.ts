import type { RunResult } from "../run-result.js";
import { verdictOf } from "./derive.js";
import { NA, fmtNum, fmtPct, fmtUsd } from "./format.js";
import { md, table } from "./md-table.js";

const interval = (i: { lo: number; hi: number } | null) => (i ? `[${i.lo.toFixed(2)}, ${i.hi.toFixed(2)}]` : NA);

/** After an early stop: which comparisons the judgments made so far do not settle. */
function undecided(r: RunResult): string[] {
  if (r.complete) return [];
  const open = r.pairwise.filter((p) => verdictOf(p) === null || verdictOf(p) === "undecided");
  const lines = open.map((p) => `- ${md(p.rubric)}: ${md(p.a)} vs ${md(p.b)} (difference ${fmtNum(p.meanDiff)} ${interval(p.diffCi95)}, n = ${p.n})`);
  return ["## Still undecided", "", `The run stopped early (${md(r.stopReason ?? "")}). ${open.length ? "These comparisons are not settled by the judgments made so far:" : "Every pairwise comparison is already settled by the judgments made so far."}`, "", ...lines, ""];
}

function sequential(r: RunResult): string[] {
  const s = r.sequential;
  if (!s) return [];
  return [
    "## Sequential comparison",
    "",
    `**${md(s.a)} vs ${md(s.b)} on ${md(s.rubric)}: ${s.decision}** at ${(s.confidence * 100).toFixed(0)}% confidence (anytime-valid confidence sequence, so stopping early is safe).`,
    "",
    table(
      ["Estimate A − B", "Confidence sequence", "Equivalence margin", "Items judged", "Calls", "Calls judging every item"],
      [[fmtNum(s.estimate), interval(s.cs), `±${s.delta}`, `${s.itemsJudged} of ${s.itemsTotal}`, String(s.calls), String(s.callsExhaustive)]],
      ["r", "r", "r", "r", "r", "r"],
    ),
    "",
  ];
}

function cascade(r: RunResult): string[] {
  const c = r.cascade;
  if (!c) return [];
  const a = c.agreement;
  return [
    "## Cascade",
    "",
    `${md(c.cheap)} judged all ${c.units} outputs; ${md(c.expensive)} was called on ${c.expensiveCalls} (${c.escalated} where ${md(c.cheap)} was unsure or abstained, plus a random audit share of ${c.audited}).`,
    "",
    table(
      ["Expensive calls saved", "Dollars saved", "Audited units", "Within one of the expensive critic: cascade", "cheap alone", "Agreement given up"],
      [[`${c.expensiveCallsSaved} of ${c.units} (${fmtPct(c.units ? c.expensiveCallsSaved / c.units : null, 0)})`, fmtUsd(c.usdSaved), String(a.n), fmtPct(a.cascadeWithinOne), fmtPct(a.cheapWithinOne), fmtPct(a.cascadeWithinOne == null ? null : 1 - a.cascadeWithinOne)]],
      ["r", "r", "r", "r", "r", "r"],
    ),
    "",
  ];
}

function costs(r: RunResult): string[] {
  const c = r.cost;
  const rows = [
    ...Object.entries(c.byCritic).map(([k, v]) => ["critic", md(k), fmtUsd(v)]),
    ...Object.entries(c.byCandidate).map(([k, v]) => ["candidate (generation + its judgments)", md(k), fmtUsd(v)]),
    ...Object.entries(c.byRubric).map(([k, v]) => ["rubric (judgments)", md(k), fmtUsd(v)]),
  ];
  if (!rows.length) return [];
  return [
    "## Cost",
    "",
    table(["By", "Which", "Dollars"], rows, ["l", "l", "r"]),
    "",
    `Saved by the cache: ${fmtUsd(c.cacheSavedUsd)} (calls answered from .critic/cache at no cost).${c.batch ? ` Saved by the batch APIs: ${fmtUsd(c.batchSavedUsd)} (half price).` : ""}`,
    "",
  ];
}

/** Where the money went and the cost-saving machinery: early stops, sequential decisions, cascades. */
export function spendSection(r: RunResult): string[] {
  return [...undecided(r), ...sequential(r), ...cascade(r), ...costs(r)];
}
