import { relative } from "node:path";
import Table from "cli-table3";
import { ConfigError } from "../errors.js";
import { fmtInt, fmtPct, fmtUsd } from "../report/format.js";
import { pctCi } from "../triage/report/sections.js";
import { type TriageFlags, loadTriage, planTriage, runTriage } from "../triage/run-triage.js";
import { type Command, type FlagValues, bool, str } from "./command.js";
import { createProgress } from "./progress.js";

function num(values: FlagValues, name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

function flags(values: FlagValues): TriageFlags {
  const maxJudgments = num(values, "max-judgments");
  if (maxJudgments !== undefined && !Number.isInteger(maxJudgments)) throw new ConfigError(`--max-judgments must be a whole number, got ${maxJudgments}`);
  return {
    config: str(values, "config"),
    log: str(values, "log"),
    maxJudgments,
    budgetUsd: num(values, "budget-usd"),
    maxCalls: num(values, "max-calls"),
    baseURL: str(values, "base-url"),
    concurrency: num(values, "concurrency"),
    out: str(values, "out"),
    seed: str(values, "seed") === undefined ? undefined : Number(str(values, "seed")),
  };
}

export const triageCommand: Command = {
  name: "triage",
  summary: "find what fails in a production log: signals point, critics judge a budgeted sample, estimates stay honest",
  usage: "--config FILE [--log FILE] [--max-judgments N] [--budget-usd X] [--dry-run] [--resume RUN] [flags]",
  flags: {
    config: { type: "string" },
    log: { type: "string" },
    "max-judgments": { type: "string" },
    "budget-usd": { type: "string" },
    "max-calls": { type: "string" },
    "base-url": { type: "string" },
    concurrency: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    resume: { type: "string" },
    "dry-run": { type: "boolean" },
    "assume-latency-ms": { type: "string" },
    "no-cache": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  flagHelp: {
    config: "config with a `triage` section (log, signals, facets, maxJudgments, failAtMost) plus critics and rubrics",
    log: "the production log (overrides triage.log): JSONL, CSV or an OpenTelemetry OTLP/JSON span export",
    "max-judgments": "lines a critic judges (overrides triage.maxJudgments, default 400)",
    "budget-usd": "dollar cap: the sample shrinks to what it buys at the planned price, and judging stops at the cap",
    "max-calls": "stop cleanly after this many API calls",
    "base-url": "OpenAI-compatible base URL (default: OPENAI_BASE_URL)",
    concurrency: "parallel calls per provider (default 8)",
    out: "report directory (default reports/<run>)",
    seed: "seed of the draw (default 1)",
    resume: "continue triage RUN: the same drawn lines, no completed judgment paid again",
    "dry-run": "read the log, draw the sample and price the judging; make no call",
    "assume-latency-ms": "latency per call the dry run assumes for its time estimate (default 1000)",
    "no-cache": "do not read or write the response cache",
    quiet: "no progress display",
  },
  async run({ values }, io) {
    const t = await loadTriage(flags(values), io.cwd);
    if (bool(values, "dry-run")) {
      // A dry run calls nothing: it needs no key.
      const p = await planTriage(t, io.env, { latencyMs: num(values, "assume-latency-ms") ?? 1000, offline: true });
      const d = p.design;
      io.stdout(`Dry run: nothing was called. ${fmtInt(d.lines)} lines read from ${relative(io.cwd, d.log) || d.log}${d.skipped.count ? ` (${d.skipped.count} unreadable, skipped)` : ""}.`);
      for (const s of d.signals) io.stdout(`  signal ${s.name}: fires on ${fmtInt(s.fired)} lines (${fmtPct(s.coverage, 2)}), estimated precision ${fmtPct(s.precision)}`);
      io.stdout(`Sample: ${fmtInt(d.drawn.length)} lines (floor ${fmtPct(d.floor, 3)} per line; ${d.drawn.filter((x) => x.forced).length} slowest for certain).${p.budgetNote ? ` ${p.budgetNote}` : ""}`);
      const table = new Table({ head: ["Model", "Role", "Calls", "Input tokens", "Output tokens", "Dollars"], style: { head: [], border: [] } });
      for (const l of p.plan.lines) table.push([l.id, l.role, l.calls, fmtInt(l.inputTokens), fmtInt(l.outputTokens), fmtUsd(l.usd)]);
      io.stdout(table.toString());
      const range = `range ${p.plan.range[0]}-${p.plan.range[1]} calls${p.plan.usdRange ? `, ${fmtUsd(p.plan.usdRange[0])}-${fmtUsd(p.plan.usdRange[1])}` : ""}`;
      io.stdout(`Planned: ${p.plan.calls} calls, ${fmtUsd(p.plan.usd)}${p.plan.unpriced.length ? ` + unknown for ${p.plan.unpriced.join(", ")} (no price)` : ""} (${range}), about ${Math.ceil(p.plan.seconds)} s.`);
      io.stdout(`Assumptions: ${p.plan.assumptions.join("; ")}.`);
      return 0;
    }
    const progress = bool(values, "quiet") ? undefined : createProgress(io.progress, { tty: io.isTTY });
    const { result: r, files } = await runTriage(t, { cwd: io.cwd, env: io.env, resume: str(values, "resume"), noCache: bool(values, "no-cache"), replay: io.env.CRITIC_REPLAY === "1", signal: io.signal, onEvent: progress?.onEvent });
    io.stdout(`Triage of ${fmtInt(r.lines)} lines: ${fmtInt(r.judged)} judged, ${fmtInt(r.failing)} failing; ${fmtInt(r.calls)} calls, ${fmtUsd(r.costUsd)}.`);
    io.stdout(`Failure rate: ${pctCi(r.failureRate.estimate, r.failureRate.ci95, 2)} (95% CI), about ${fmtInt(r.estimatedFailures.estimate)} failing lines.`);
    for (const g of r.causes.slice(0, 5)) {
      const what = g.kind === "slice" ? Object.entries(g.facets).map(([k, v]) => `${k}=${v}`).join(", ") : `${Object.keys(g.rubrics).join("+")} failed, signals: ${Object.keys(g.signals).join(", ") || "none"}`;
      io.stdout(`  ~${fmtInt(g.estimatedFailures)} failing lines: ${what} (${g.judgedFailures} judged)`);
    }
    io.stdout(`\nReports (run ${r.run}):`);
    for (const f of files) io.stdout(`  ${relative(io.cwd, f) || f}`);
    if (!r.complete) io.stdout(`\nThe judging stopped early (${r.stopReason}); the reports are marked incomplete. Continue with: critic triage --config ${str(values, "config") ?? "FILE"} --resume ${r.run}`);
    return r.stopReason === "interrupted" ? 130 : 0;
  },
};
