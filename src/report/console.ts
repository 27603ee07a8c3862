/**
 * The terminal summary printed after a run: one cli-table3 table of candidate x rubric
 * means and the run totals. Pure: (r, opts) => string. Control characters in data are
 * replaced so an id cannot move the cursor or recolour the terminal.
 */
import Table from "cli-table3";
import type { RunResult } from "../run-result.js";
import { cellOf, verdictOf } from "./derive.js";
import { capsLine, fmtInt, fmtInterval, fmtMeanCi, fmtMs, fmtTotalCost, SIMULATED_STATEMENT } from "./format.js";
import { gateEstimate, gateRule, gateVerdict } from "./gates.js";

export interface ConsoleOptions {
  /** ANSI colours for headers and warnings; default false (plain text, for logs and tests). */
  color?: boolean;
}

/** Strip ANSI escapes and other control characters from untrusted text. */
function plain(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip.
  return s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/**
 * One line per rubric: candidates best first (Bradley-Terry), with ">" where the paired
 * difference of neighbours excludes zero at 95% and "≈" where it does not.
 */
function rankingLines(r: RunResult): string[] {
  if (r.candidates.length < 2) return [];
  return r.rubrics.flatMap((rub) => {
    const order = r.ranking.filter((e) => e.rubric === rub.id).sort((a, b) => a.rank - b.rank);
    if (order.length < 2) return [];
    let line = plain(order[0]!.candidate);
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1]!.candidate, order[i]!.candidate];
      const p = r.pairwise.find((x) => x.rubric === rub.id && ((x.a === a && x.b === b) || (x.a === b && x.b === a)));
      const v = p ? verdictOf(p) : null;
      const decided = v === "A better" || v === "B better";
      line += `${decided ? " > " : " ≈ "}${plain(b)}`;
    }
    const holm = r.pairwiseCorrection === "holm" && order.length > 2 ? " with Holm's correction" : "";
    return [`Ranking on ${plain(rub.id)}: ${line}   (> decided at 95%${holm}, ≈ not yet)`];
  });
}

export function renderConsole(r: RunResult, opts: ConsoleOptions = {}): string {
  const color = opts.color ?? false;
  const style = { head: color ? ["cyan"] : [], border: color ? ["grey"] : [] };
  // No rule between body rows: one line per cell keeps the summary compact.
  const chars = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };
  const lines: string[] = [];
  if (r.simulated) lines.push(paint(color, "33;1", SIMULATED_STATEMENT));
  if (!r.complete) lines.push(paint(color, "31;1", `Incomplete run: ${plain(r.stopReason ?? "reason not recorded")}`));
  lines.push(`Run ${plain(r.run)} · ${plain(r.dataset)}`);
  if (r.caps) lines.push(`Caps: ${capsLine(r.caps)}`);

  const cells = new Table({ chars, head: ["Candidate", "Rubric", "Mean [95% CI]", "n", "Abstained", "Failed"], style, colAligns: ["left", "left", "right", "right", "right", "right"] });
  for (const rub of r.rubrics) {
    for (const cand of r.candidates) {
      const c = cellOf(r, cand, rub.id);
      if (c) cells.push([plain(cand), plain(rub.id), fmtMeanCi(c.mean, c.ci95), fmtInt(c.n), fmtInt(c.abstentions), fmtInt(c.failed)]);
    }
  }
  lines.push(cells.toString());
  lines.push(...rankingLines(r));

  const t = r.totals;
  const totals = new Table({
    head: ["Judgments", "Calls", "Cache hits", "Abstained", "Failed", "Cost", "p50", "p95"],
    style,
    colAligns: Array(8).fill("right"),
  });
  totals.push([fmtInt(t.judgments), fmtInt(t.calls), fmtInt(t.cacheHits), fmtInt(t.abstentions), fmtInt(t.failed), fmtTotalCost(t.costUsd, r.usage), fmtMs(t.latencyMs.p50), fmtMs(t.latencyMs.p95)]);
  lines.push(totals.toString());

  const gates = r.gates ?? [];
  if (gates.length) {
    const failed = gates.some((g) => !g.pass);
    lines.push(paint(color, failed ? "31;1" : "32;1", `Quality gates: ${gateVerdict(gates)}`));
    const t = new Table({ chars, head: ["", "Gate", "Estimate", "95% CI", "Passes when", "n"], style, colAligns: ["left", "left", "right", "right", "left", "right"] });
    for (const o of gates) t.push([o.pass ? paint(color, "32", "pass") : paint(color, "31;1", "FAIL"), plain(o.name), gateEstimate(o), fmtInterval(o.interval), gateRule(o), fmtInt(o.n)]);
    lines.push(t.toString());
  }
  return `${lines.join("\n")}\n`;
}
