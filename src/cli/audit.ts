import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import Table from "cli-table3";
import { loadSuite } from "../config/load.js";
import { ConfigError } from "../errors.js";
import { fmtInterval, fmtPct, fmtUsd } from "../report/format.js";
import { md, table } from "../report/md-table.js";
import { type PositionAuditReport, runPositionAudit } from "../runner/position-audit.js";
import { type Command, bool, str } from "./command.js";
import { SUITE_FLAGS, SUITE_FLAG_HELP, suiteFlags } from "./run.js";

const HEAD = ["Critic", "Rubric", "Pairs", "Verdict flips when swapped", "Picks the first slot", "95% interval", "Order-consistent agrees with its own scores", "Accuracy vs gold"];

function cells(r: PositionAuditReport["rows"][number]): string[] {
  return [r.critic, r.rubric, String(r.pairs), fmtPct(r.flipRate), fmtPct(r.firstSlot), fmtInterval(r.firstSlotCi95), r.consistentCompared ? `${fmtPct(r.agreementWithDerived)} (n = ${r.consistentCompared})` : "n/a", fmtPct(r.accuracy)];
}

const EXPLAIN = [
  "Each pair of outputs was shown to each critic as \"which is better, A or B?\" twice, once in each order.",
  "A flip means the verdict changed with the order alone; a critic without position bias picks the first slot 50% of the time.",
  "critic never asks this question: it scores each output alone, so the order cannot matter. The last columns check each critic's order-consistent verdicts against the preference implied by its own separate scores of the two outputs (a tie there agrees half).",
];

function markdown(rep: PositionAuditReport): string {
  return [
    "# Position-bias audit",
    "",
    `Run ${md(rep.run)}, seed ${rep.seed}: ${rep.pairs} of ${rep.pairsAvailable} item x candidate pairs, ${rep.calls} pairwise calls (${fmtUsd(rep.costUsd)}).`,
    "",
    ...EXPLAIN.map((l) => `${l}`),
    "",
    table(HEAD, rep.rows.map((r) => cells(r).map(md)), ["l", "l", "r", "r", "r", "r", "r", "r"]),
    "",
  ].join("\n");
}

export const auditCommand: Command = {
  name: "audit",
  summary: "audit position bias: ask the critics 'A or B?' in both orders on a seeded sample and compare with critic's own scores",
  usage: "position [--config FILE] [--pairs N] [--seed N] [--out DIR]",
  allowPositionals: true,
  flags: { ...SUITE_FLAGS, pairs: { type: "string" }, "no-cache": { type: "boolean" } },
  flagHelp: { ...SUITE_FLAG_HELP, pairs: "item x candidate pairs to audit (default 50)", out: "where to write position-audit.md and .json (default reports/<audit run>)" },
  async run({ values, positionals }, io) {
    if (positionals[0] !== "position" || positionals.length > 1) throw new ConfigError(`critic audit: expected "critic audit position", got "${positionals.join(" ") || "nothing"}"`);
    const pairsFlag = str(values, "pairs");
    const pairs = pairsFlag === undefined ? 50 : Number(pairsFlag);
    if (!Number.isInteger(pairs) || pairs < 1) throw new ConfigError(`--pairs must be a whole number of at least 1, got "${pairsFlag}"`);
    const suite = await loadSuite(suiteFlags(values), io.cwd, io.env, undefined, { offline: io.env.CRITIC_REPLAY === "1" });
    const rep = await runPositionAudit(suite, { pairs, signal: io.signal, noCache: bool(values, "no-cache"), replay: io.env.CRITIC_REPLAY === "1" });
    if (rep.pairs === 0) throw new ConfigError(`${suite.dataset}: no item has outputs from two candidates, so there is no pair to audit`);
    const t = new Table({ head: HEAD, style: { head: [], border: [] } });
    for (const r of rep.rows) t.push(cells(r));
    io.stdout(`Position-bias audit: ${rep.pairs} of ${rep.pairsAvailable} pairs, both orders, ${rep.calls} calls (${fmtUsd(rep.costUsd)}).`);
    io.stdout(t.toString());
    io.stdout(EXPLAIN.join("\n"));
    const dir = resolve(io.cwd, str(values, "out") ?? suite.out ?? join("reports", rep.run));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "position-audit.json"), `${JSON.stringify(rep, null, 2)}\n`);
    await writeFile(join(dir, "position-audit.md"), markdown(rep));
    io.stdout(`\nReports:\n  ${relative(io.cwd, join(dir, "position-audit.md"))}\n  ${relative(io.cwd, join(dir, "position-audit.json"))}`);
    return 0;
  },
};
