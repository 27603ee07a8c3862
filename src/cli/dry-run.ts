import Table from "cli-table3";
import type { Suite } from "../config/load.js";
import { loadDataset } from "../data/dataset.js";
import { planRun } from "../runner/plan.js";
import { sampleRows } from "../runner/sample-rows.js";
import type { CommandIO } from "./command.js";

const usd = (x: number | null) => (x == null ? "n/a" : x < 1 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`);

/** `critic run --dry-run`: the plan, priced, and no call made. */
export async function dryRun(io: CommandIO, suite: Suite, latencyMs = 1000): Promise<number> {
  const dataset = await loadDataset(suite.dataset, { requireOutput: suite.candidates.length === 0 });
  const { rows, note } = sampleRows(dataset.rows, suite);
  const plan = planRun(suite, rows, latencyMs);
  const table = new Table({ head: ["Model", "Role", "Calls", "Input tokens", "Output tokens", "Dollars"], style: { head: [], border: [] } });
  for (const l of plan.lines) table.push([l.id, l.role, l.calls, l.inputTokens.toLocaleString("en-US"), l.outputTokens.toLocaleString("en-US"), usd(l.usd)]);
  io.stdout(`Dry run: nothing was called.${note ? `\n${note}` : ""}`);
  io.stdout(table.toString());
  io.stdout(`Planned: ${plan.calls} calls, ${usd(plan.usd)}${plan.unpriced.length ? ` + unknown for ${plan.unpriced.join(", ")} (no price)` : ""}, about ${Math.ceil(plan.seconds)} s at concurrency ${suite.providers.openai.concurrency}.`);
  io.stdout(`Assumptions: ${plan.assumptions.join("; ")}.`);
  if (suite.budget.usd !== undefined && plan.usd !== null && plan.usd > suite.budget.usd) io.stdout(`The plan exceeds --budget-usd ${suite.budget.usd}: the run would stop early at the cap.`);
  return 0;
}
