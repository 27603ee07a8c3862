import Table from "cli-table3";
import { ConfigError } from "../errors.js";
import { type Suite, assertBatchable, isModelCandidate } from "../config/load.js";
import { type ChatMessage, criticMessages } from "../critic/prompt.js";
import { type DatasetRow, loadDataset } from "../data/dataset.js";
import { generationMessages } from "../runner/run.js";
import { planRun } from "../runner/plan.js";
import { fmtInt } from "../report/format.js";
import { sampleRows } from "../runner/sample-rows.js";
import type { CommandIO } from "./command.js";

const usd = (x: number | null) => (x == null ? "n/a" : x < 1 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`);

/**
 * Every prompt the run would send first (re-asks aside), rendered exactly as sent. A critic
 * prompt for a generated answer shows where the answer goes, since it does not exist yet.
 */
function* renderedPrompts(suite: Suite, rows: readonly DatasetRow[]): Generator<string> {
  const show = (who: string, what: string, messages: ChatMessage[]) => `--- ${who}: ${what}\n${messages.map((m) => `[${m.role}]\n${m.content}`).join("\n")}\n`;
  for (const row of rows) {
    const outputs = suite.candidates.length ? suite.candidates.map((c) => ({ candidate: c.id, text: `<the answer ${c.id} generates>` })) : [{ candidate: row.candidate, text: row.output ?? "" }];
    for (const c of suite.candidates.filter(isModelCandidate)) {
      yield show(c.id, `generate for item ${row.id}`, generationMessages(c, row));
    }
    for (const o of outputs) {
      for (const rubric of suite.rubrics) {
        const messages = criticMessages(rubric, { input: row.input, output: o.text, reference: row.reference, conversation: row.messages, columns: row.meta }, suite.maxOutputChars);
        for (const critic of suite.critics) yield show(critic.id, `${rubric.id} of item ${row.id}, candidate ${o.candidate}`, messages);
      }
    }
  }
}

/** `critic run --dry-run`: the plan, priced, and no call made. */
export async function dryRun(io: CommandIO, suite: Suite, latencyMs = 1000, showPrompts = false, batch = false): Promise<number> {
  if (batch) assertBatchable(suite);
  const dataset = await loadDataset(suite.dataset, { requireOutput: suite.candidates.length === 0, scales: Object.fromEntries(suite.rubrics.map((r) => [r.id, r.levels.length])) });
  // As the run would: a comparison of the dataset's candidates names two it has.
  if (suite.compare && !suite.candidates.length) {
    const known = [...new Set(dataset.rows.map((r) => r.candidate))];
    for (const id of [suite.compare.a, suite.compare.b]) if (!known.includes(id)) throw new ConfigError(`--compare: unknown candidate "${id}" (candidates are ${known.join(", ")})`);
  }
  const { rows, note } = sampleRows(dataset.rows, suite);
  const plan = planRun(suite, rows, latencyMs, { batch });
  if (showPrompts) for (const p of renderedPrompts(suite, rows)) io.stdout(p);
  const table = new Table({ head: ["Model", "Role", "Calls", "Range", "Input tokens", "Output tokens", "Dollars"], style: { head: [], border: [] } });
  for (const l of plan.lines) table.push([l.id, l.role, l.calls, `${l.range[0]}-${l.range[1]}`, fmtInt(l.inputTokens), fmtInt(l.outputTokens), usd(l.usd)]);
  io.stdout(`Dry run: nothing was called.${note ? `\n${note}` : ""}`);
  io.stdout(table.toString());
  const range = `range ${plan.range[0]}-${plan.range[1]} calls${plan.usdRange ? `, ${usd(plan.usdRange[0])}-${usd(plan.usdRange[1])}` : ""}`;
  io.stdout(`Planned: ${plan.calls} calls, ${usd(plan.usd)}${plan.unpriced.length ? ` + unknown for ${plan.unpriced.join(", ")} (no price)` : ""} (${range}), about ${Math.ceil(plan.seconds)} s at concurrency ${suite.providers.openai.concurrency}.`);
  io.stdout(`Assumptions: ${plan.assumptions.join("; ")}.`);
  if (!showPrompts) io.stdout("Add --show-prompts to print every prompt as it would be sent.");
  if (suite.budget.usd !== undefined && plan.usd !== null && plan.usd > suite.budget.usd) io.stdout(`The plan exceeds --budget-usd ${suite.budget.usd}: the run would stop early at the cap.`);
  return 0;
}
