import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { ROOT, critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();
const LOG = join(ROOT, "datasets/support-logs.jsonl");

const SIGNALS = [
  { name: "thumbs_down", column: "feedback", equals: -1 },
  { name: "regenerated", column: "regenerated", equals: true },
  { name: "slow", column: "latency_ms", above: 4000 },
  { name: "empty", derived: "empty_output" },
  { name: "refusal", derived: "refusal" },
];

async function setup(triage: Record<string, unknown> = {}) {
  const sim = await scratch.sim({ seed: 12 });
  const cwd = await scratch.workdir("critic-triage-");
  const config = { rubrics: ["helpfulness"], critics: ["openai:sim-critic-strong"], providers: { openai: { baseURL: sim.openaiBaseURL } }, triage: { log: LOG, maxJudgments: 80, signals: SIGNALS, ...triage } };
  await writeFile(join(cwd, "triage.json"), JSON.stringify(config));
  return { sim, cwd };
}

const logIds = async () => new Map((await readFile(LOG, "utf8")).trim().split("\n").map((l) => { const r = JSON.parse(l); return [r.id as string, r]; }));

describe("critic triage on the bundled support log, through the simulator", () => {
  it("judges a budgeted sample and writes report.md, report.html, summary.json and failures.csv that agree", async () => {
    const { sim, cwd } = await setup();
    const r = await critic(["triage", "--config", "triage.json", "--out", "out", "--quiet"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Failure rate: \d+\.\d+% \[\d+\.\d+%, \d+\.\d+%\] \(95% CI\)/);
    for (const f of ["report.md", "report.html", "summary.json", "failures.csv"]) expect(existsSync(join(cwd, "out", f)), f).toBe(true);

    const s = JSON.parse(await readFile(join(cwd, "out/summary.json"), "utf8"));
    expect(s.lines).toBe(400);
    expect(s.sampled).toBe(80);
    expect(s.judged).toBeGreaterThan(70);
    expect(s.judged).toBeLessThanOrEqual(80);
    expect(s.calls).toBeGreaterThan(0);
    expect(s.calls).toBeLessThanOrEqual(sim.stats().total);
    expect(typeof s.costUsd).toBe("number");
    const fr = s.failureRate;
    expect(fr.ci95.lo).toBeLessThanOrEqual(fr.estimate);
    expect(fr.estimate).toBeLessThanOrEqual(fr.ci95.hi);
    expect(fr.ci95.lo).toBeGreaterThanOrEqual(0);
    expect(fr.ci95.hi).toBeLessThanOrEqual(1);
    // Every signal reports its coverage over the whole log and its precision on the judged lines.
    expect(s.signals.map((x: { name: string }) => x.name)).toEqual(SIGNALS.map((x) => x.name));
    const empty = s.signals.find((x: { name: string }) => x.name === "empty");
    expect(empty.fired).toBe([...(await logIds()).values()].filter((l) => l.output === "").length);
    // Facets by default: model, prompt version and topic, each value with its share of the failures.
    expect(s.facets.map((f: { column: string }) => f.column).sort()).toEqual(["model", "prompt_version", "topic"]);
    for (const f of s.facets) {
      const shares = f.values.reduce((t: number, v: { shareOfFailures: number | null }) => t + (v.shareOfFailures ?? 0), 0);
      if (s.failing > 0) expect(shares).toBeCloseTo(1, 6);
      expect(f.values.reduce((t: number, v: { lines: number }) => t + v.lines, 0)).toBe(400);
    }
    // The slowest lines were judged for certain.
    expect(s.latency.slowest.length).toBeGreaterThan(0);
    for (const x of s.latency.slowest.slice(0, 8)) expect(x.judged).toBe(true);
    expect(s.latency.p50).toBeLessThanOrEqual(s.latency.p95);

    // failures.csv: one row per failing judged line, worst first, ids from the log.
    const rows = parse(await readFile(join(cwd, "out/failures.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(s.failing);
    expect(Object.keys(rows[0] ?? { id: "", helpfulness: "", signals: "", topic: "" })).toEqual(expect.arrayContaining(["id", "helpfulness", "signals", "topic", "model", "prompt_version"]));
    const ids = await logIds();
    for (const row of rows) {
      expect(ids.has(row.id!)).toBe(true);
      expect(Number(row.helpfulness)).toBeLessThanOrEqual(3);
      expect(row.topic).toBe(ids.get(row.id!).topic);
    }
    const worst = rows.map((x) => Number(x.worst_score));
    expect([...worst].sort((a, b) => a - b)).toEqual(worst);
    expect(new Set(rows.map((x) => x.id)).size).toBe(rows.length);
    // Every failing line sits in exactly one cause group.
    expect(s.causes.flatMap((g: { ids: string[] }) => g.ids).sort()).toEqual(rows.map((x) => x.id).sort());

    const md = await readFile(join(cwd, "out/report.md"), "utf8");
    for (const h of ["## Summary", "## Failure rate by facet", "## Worst experiences, grouped by cause", "## Signals", "## Latency tail"]) expect(md).toContain(h);
    const html = await readFile(join(cwd, "out/report.html"), "utf8");
    expect(html).toContain('<section id="causes">');
    expect(html).toContain("Content-Security-Policy");
  });

  it("--dry-run prices the triage, calls nothing and writes nothing", async () => {
    const { sim, cwd } = await setup();
    const r = await critic(["triage", "--config", "triage.json", "--dry-run"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dry run: nothing was called\. 400 lines read/);
    expect(r.stdout).toMatch(/Sample: 80 lines/);
    expect(r.stdout).toMatch(/Planned: 80 calls, \$\d/);
    expect(sim.stats().total).toBe(0);
    expect(await readdir(cwd)).toEqual(["triage.json"]);
  });

  it("--budget-usd shrinks the sample to what it buys; --max-calls stops early and --resume finishes the same lines without paying twice", async () => {
    const { sim, cwd } = await setup();
    const budget = await critic(["triage", "--config", "triage.json", "--dry-run", "--budget-usd", "0.005"], { cwd });
    expect(budget.code).toBe(0);
    expect(budget.stdout).toMatch(/--budget-usd 0.005 buys about \d+ of the 80 lines/);

    const first = await critic(["triage", "--config", "triage.json", "--out", "out", "--quiet", "--max-calls", "25"], { cwd });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/stopped early/);
    const s1 = JSON.parse(await readFile(join(cwd, "out/summary.json"), "utf8"));
    expect(s1.complete).toBe(false);
    expect(s1.judged).toBeLessThan(80);
    const before = sim.stats().total;
    const again = await critic(["triage", "--config", "triage.json", "--out", "out2", "--quiet", "--resume", s1.run], { cwd });
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    const s2 = JSON.parse(await readFile(join(cwd, "out2/summary.json"), "utf8"));
    expect(s2.run).toBe(s1.run);
    expect(s2.complete).toBe(true);
    expect(s2.sampled).toBe(80);
    expect(s2.judged).toBeGreaterThan(s1.judged);
    // The resumed process paid only for lines the first did not judge (plus re-asks of unparseable replies).
    expect(sim.stats().total - before).toBeLessThanOrEqual(80 - s1.judged + 8);
  });

  it("a bad signal is a configuration error naming the file and the field; nothing is written", async () => {
    const { cwd } = await setup({ signals: [{ name: "slow", column: "latency_ms" }] });
    const r = await critic(["triage", "--config", "triage.json"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/triage\.json: triage\.signals\[0\]: signal "slow" needs exactly one of equals, above, below, in, matches/);
    expect(await readdir(cwd)).toEqual(["triage.json"]);
  });
});
