import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { DEFAULT_SIM_MODELS, simModel } from "../../src/providers/sim/models.js";
import { SIM_LOG_WRITERS, writeSimLog } from "../../src/triage/simulate.js";
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
    // Every line has a probability of being bad: its signal combination's, and a chance to be judged above 0.
    const patterns = s.design.patterns as { lines: number; pBad: number; pi: number }[];
    expect(patterns.reduce((t, p) => t + p.lines, 0)).toBe(400);
    for (const p of patterns) {
      expect(p.pBad).toBeGreaterThan(0);
      expect(p.pBad).toBeLessThan(1);
      expect(p.pi).toBeGreaterThan(0);
    }
    // The slowest lines were judged for certain.
    expect(s.latency.slowest.length).toBeGreaterThan(0);
    for (const x of s.latency.slowest.slice(0, 8)) expect(x.judged).toBe(true);
    expect(s.latency.p50).toBeLessThanOrEqual(s.latency.p95);

    // failures.csv: one row per failing judged line, worst first, ids from the log.
    const rows = parse(await readFile(join(cwd, "out/failures.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(s.failing);
    expect(Object.keys(rows[0] ?? { id: "", helpfulness: "", signals: "", topic: "" })).toEqual(expect.arrayContaining(["id", "helpfulness", "signals", "topic", "model", "prompt_version", "p_bad", "weight"]));
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
    // 80 lines, one rubric, one critic: 80 calls, a few more for re-asks of unparseable replies.
    expect(r.stdout).toMatch(/Planned: \d+ calls, \$[\d.]+ \(range 80-160 calls/);
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

describe("critic triage with its defaults on a 20,000-line log, ~3% bad, three noisy signals, 400 judgments", () => {
  it("lists mostly truly bad lines in failures.csv and brackets the bad rate in summary.json's interval", async () => {
    const seed = 21;
    // A near-exact critic, so the failure rate the critic sees is close to the log's known bad rate.
    const exact = simModel({ name: "sim-critic-exact", role: "critic", accuracy: 0.995, confidence: 0.9 });
    const sim = await scratch.sim({ seed, models: [...DEFAULT_SIM_MODELS, ...SIM_LOG_WRITERS, exact] });
    const cwd = await scratch.workdir("critic-triage-20k-");
    const log = join(cwd, "log.jsonl");
    const bad = await writeSimLog(log, 20_000, { seed: "check", causeScale: 0.5, emptyRate: 0 }, seed);
    const config = { rubrics: ["helpfulness"], critics: ["openai:sim-critic-exact"], providers: { openai: { baseURL: sim.openaiBaseURL, concurrency: 16 } }, triage: { log, signals: SIGNALS.slice(0, 3) } };
    await writeFile(join(cwd, "triage.json"), JSON.stringify(config));
    const r = await critic(["triage", "--config", "triage.json", "--out", "out", "--quiet"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(await readFile(join(cwd, "out/summary.json"), "utf8"));
    expect(s.sampled).toBe(400);
    const rate = bad.size / 20_000;
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.04);
    const rows = parse(await readFile(join(cwd, "out/failures.csv"), "utf8"), { columns: true }) as { id: string }[];
    const truly = rows.filter((x) => bad.has(x.id)).length;
    // Uniform sampling would judge about 400 x 3% = 12 bad lines; the signals steer the budget to them.
    expect(truly).toBeGreaterThanOrEqual(48);
    expect(truly / rows.length).toBeGreaterThanOrEqual(0.8);
    // The critic fails bad lines and passes fine ones with few mistakes, so the log's failure
    // rate is close to the bad rate; the interval brackets it.
    expect(s.failureRate.ci95.lo).toBeLessThan(rate);
    expect(s.failureRate.ci95.hi).toBeGreaterThan(rate);
    console.log(`triage 20k: bad rate ${rate}, estimate ${s.failureRate.estimate.toFixed(4)} [${s.failureRate.ci95.lo.toFixed(4)}, ${s.failureRate.ci95.hi.toFixed(4)}]; ${truly} of ${rows.length} listed failures truly bad`);
    expect(s.failureRate.ci95.hi - s.failureRate.ci95.lo).toBeLessThan(0.05);
  });
});

describe("critic triage on an OpenTelemetry GenAI span export", () => {
  it("reads OTLP/JSON lines, judges the spans and names them by span id", async () => {
    const sim = await scratch.sim({ seed: 5 });
    const cwd = await scratch.workdir("critic-triage-otel-");
    const attr = (key: string, value: string | number) => ({ key, value: typeof value === "number" ? { intValue: String(value) } : { stringValue: value } });
    const lines: string[] = [];
    for (let b = 0; b < 10; b++) {
      const spans = Array.from({ length: 5 }, (_, k) => {
        const i = b * 5 + k;
        const start = 1_700_000_000_000_000_000n + BigInt(i) * 10_000_000_000n;
        return {
          traceId: `t${i}`,
          spanId: `span-${i}`,
          name: "chat gpt-4o-mini",
          startTimeUnixNano: String(start),
          endTimeUnixNano: String(start + BigInt(i % 7 === 0 ? 6_000_000_000 : 800_000_000)),
          attributes: [
            attr("gen_ai.operation.name", "chat"),
            attr("gen_ai.request.model", i % 2 ? "gpt-4o-mini" : "gpt-4.1-mini"),
            attr("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: `Where is order ${i}?` }] }])),
            attr("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: i % 9 === 0 ? "" : `Order ${i} ships tomorrow.` }] }])),
          ],
          status: { code: i % 11 === 0 ? 2 : 1 },
        };
      });
      lines.push(JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr("service.name", "shop-bot")] }, scopeSpans: [{ spans }] }] }));
    }
    await writeFile(join(cwd, "traces.jsonl"), `${lines.join("\n")}\n`);
    const config = {
      rubrics: ["helpfulness"],
      critics: ["openai:sim-critic-strong"],
      providers: { openai: { baseURL: sim.openaiBaseURL } },
      triage: { log: "traces.jsonl", maxJudgments: 20, signals: [{ name: "slow", column: "latency_ms", above: 4000 }, { name: "error", column: "status", equals: "error" }, { name: "empty", derived: "empty_output" }] },
    };
    await writeFile(join(cwd, "triage.json"), JSON.stringify(config));
    const r = await critic(["triage", "--config", "triage.json", "--out", "out", "--quiet"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(await readFile(join(cwd, "out/summary.json"), "utf8"));
    expect(s.format).toBe("otel");
    expect(s.lines).toBe(50);
    expect(s.judged).toBe(20);
    expect(s.signals.map((x: { name: string; fired: number }) => [x.name, x.fired])).toEqual([["slow", 8], ["error", 5], ["empty", 6]]);
    expect(s.facets.map((f: { column: string }) => f.column)).toEqual(["model"]);
    expect(s.latency.max).toBe(6000);
    const rows = parse(await readFile(join(cwd, "out/failures.csv"), "utf8"), { columns: true }) as { id: string }[];
    for (const row of rows) expect(row.id).toMatch(/^span-\d+$/);
  });
});
