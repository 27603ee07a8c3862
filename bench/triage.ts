// Production triage (issue 12) at a budget of 2% of the lines, on simulated logs with planted
// failure modes and known truth (src/triage/simulate.ts):
// - through the product: `critic triage` runs in its own process on a 100,000-line JSONL log,
//   judged by the simulator over HTTP, once with three noisy signals and once with none (which
//   is uniform sampling at the same budget); truly bad lines listed in failures.csv are counted
//   against the known truth, and the cause groups in summary.json against the planted causes;
// - in-process: interval coverage over 200 seeded 100,000-line logs, with a seeded model of a
//   noisy critic instead of HTTP calls (200 x 2,000 judgments through HTTP would take hours);
// - peak RSS of `critic triage` on a 1,000,000-line log, heap capped at 256 MB.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { DEFAULT_SIM_MODELS } from "../src/providers/sim/models.js";
import { startSimServer } from "../src/providers/sim/server.js";
import { drawSample } from "../src/triage/draw.js";
import { failureRate } from "../src/triage/estimate.js";
import { SIM_LOG_WRITERS, simCriticLevel, simLogLine, writeSimLog } from "../src/triage/simulate.js";
import type { BenchRow } from "./row.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const LINES = 100_000;
const BUDGET = 0.02;
const SEEDS = 200;
const BIG = 1_000_000;
const HEAP_MB = 256;
const SIM_SEED = 12;

const SIGNALS = [
  { name: "thumbs_down", column: "feedback", equals: -1 },
  { name: "regenerated", column: "regenerated", equals: true },
  { name: "slow", column: "latency_ms", above: 4000 },
];

/** `critic triage` in its own process (async: the simulator serves from this one). */
async function triage(dir: string, name: string, heapMb?: number): Promise<{ wallMs: number; maxRssKb: number; code: number; errors: string[] }> {
  const args = [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), join(HERE, "triage-child.js"), "--config", join(dir, `${name}.json`), "--out", join(dir, name)];
  const { stdout } = await run(process.execPath, args, { cwd: dir, env: { ...process.env, OPENAI_API_KEY: "bench" }, maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim());
}

async function endToEnd(dir: string, baseURL: string): Promise<BenchRow[]> {
  const log = join(dir, "log.jsonl");
  // No empty replies here: the simulator judges a text it did not write at random, not as the truth says.
  const bad = await writeSimLog(log, LINES, { seed: "e2e", emptyRate: 0 }, SIM_SEED);
  const base = { rubrics: ["helpfulness"], critics: ["openai:sim-critic-strong"], providers: { openai: { baseURL, concurrency: 32 } }, cacheDir: join(dir, ".critic") };
  const n = Math.round(BUDGET * LINES);
  await writeFile(join(dir, "signals.json"), JSON.stringify({ ...base, triage: { log, maxJudgments: n, signals: SIGNALS } }));
  await writeFile(join(dir, "uniform.json"), JSON.stringify({ ...base, triage: { log, maxJudgments: n, signals: [], slowest: 0 } }));
  const withSignals = await triage(dir, "signals");
  const uniform = await triage(dir, "uniform");
  if (withSignals.code !== 0 || uniform.code !== 0) throw new Error(`critic triage failed: ${[...withSignals.errors, ...uniform.errors].join("; ")}`);
  const listed = async (name: string) => {
    const rows = parse(await readFile(join(dir, name, "failures.csv"), "utf8"), { columns: true }) as { id: string }[];
    return { failing: rows.length, trulyBad: rows.filter((r) => bad.has(r.id)).length };
  };
  const a = await listed("signals");
  const b = await listed("uniform");
  const ratio = a.trulyBad / Math.max(1, b.trulyBad);
  // A planted cause appears as a group when one group is mostly its lines (>= 80% of the group's
  // failing lines) and holds most of the cause's failing judged lines (>= 50%).
  const summary = JSON.parse(await readFile(join(dir, "signals", "summary.json"), "utf8")) as { causes: { ids: string[]; facets: Record<string, string> }[]; failureRate: { estimate: number; ci95: { lo: number; hi: number } } };
  const causeOf = new Map<string, string>();
  for (let i = 0; i < LINES; i++) {
    const { line, truth } = simLogLine({ seed: "e2e", emptyRate: 0 }, i);
    if (truth.cause && truth.cause !== "random") causeOf.set(line.id, truth.cause);
  }
  const planted = ["v3-billing", "small-technical"];
  const failingIds = summary.causes.flatMap((g) => g.ids);
  const found = planted.filter((c) => {
    const ofCause = failingIds.filter((id) => causeOf.get(id) === c).length;
    return summary.causes.some((g) => {
      const mine = g.ids.filter((id) => causeOf.get(id) === c).length;
      return mine >= 0.8 * g.ids.length && mine >= 0.5 * ofCause && ofCause > 0;
    });
  });
  const groups = summary.causes.slice(0, 3).map((g) => Object.entries(g.facets).map(([k, v]) => `${k}=${v}`).join("&") || "signals").join(", ");
  return [
    {
      area: "triage",
      metric: `truly bad lines listed in failures.csv, 3 noisy signals vs uniform (no signals), ${n.toLocaleString("en-US")} judgments on a ${LINES.toLocaleString("en-US")}-line log, simulator over HTTP`,
      value: `${a.trulyBad} vs ${b.trulyBad}: ${ratio.toFixed(1)}x (${a.failing} vs ${b.failing} failing lines listed; ${(withSignals.wallMs / 1000).toFixed(0)} s and ${(uniform.wallMs / 1000).toFixed(0)} s)`,
      target: ">= 5x",
      ok: ratio >= 5,
    },
    {
      area: "triage",
      metric: `planted causes (v3 & billing, small model & technical) that appear as a group in the report (group >= 80% that cause, holding >= 50% of its failing lines)`,
      value: `${found.length} of ${planted.length} (top groups: ${groups})`,
      target: "all",
      ok: found.length === planted.length,
    },
  ];
}

/** 200 seeded logs, drawn and estimated as the product does, judged by a seeded noisy critic in-process. */
function coverage(): BenchRow[] {
  let wilson = 0;
  let wald = 0;
  let ratio = 0;
  const n = Math.round(BUDGET * LINES);
  const widths: number[] = [];
  for (let s = 0; s < SEEDS; s++) {
    const patterns = new Uint32Array(LINES);
    const failed = new Array<boolean>(LINES);
    let truth = 0;
    for (let i = 0; i < LINES; i++) {
      const { line, truth: t } = simLogLine({ seed: `cov-${s}` }, i);
      patterns[i] = (line.feedback === -1 ? 1 : 0) | (line.regenerated ? 2 : 0) | (line.latency_ms > 4000 ? 4 : 0) | (line.output === "" ? 8 : 0);
      failed[i] = simCriticLevel(`cov-${s}`, line.id, t.bad) <= 3;
      truth += failed[i] ? 1 : 0;
    }
    truth /= LINES;
    const d = drawSample(patterns, 4, { size: n, seed: s });
    const est = failureRate(d.lines.map((i) => failed[i]!), d.pi);
    if (est.ci95!.lo <= truth && truth <= est.ci95!.hi) wilson++;
    if (Math.abs(est.estimate! - truth) <= 1.959964 * est.se!) wald++;
    widths.push(est.ci95!.hi - est.ci95!.lo);
    ratio += truth;
  }
  const cov = wilson / SEEDS;
  // Coverage from SEEDS logs is itself an estimate: quote its binomial standard error.
  const covSe = Math.sqrt((cov * (1 - cov)) / SEEDS);
  return [
    {
      area: "triage",
      metric: `95% interval coverage of the log's failure rate over ${SEEDS} seeded ${LINES.toLocaleString("en-US")}-line logs at 2% (Hájek, Wilson at Kish n_eff; seeded noisy critic in-process)`,
      value: `${(cov * 100).toFixed(1)}% ± ${(covSe * 100).toFixed(1)} (binomial SE over the seeds; plain Wald on the same draws: ${((wald / SEEDS) * 100).toFixed(1)}%; mean rate ${((ratio / SEEDS) * 100).toFixed(2)}%, mean width ${((widths.reduce((a, b) => a + b, 0) / SEEDS) * 100).toFixed(2)} points)`,
      target: "93-97%",
      ok: cov >= 0.93 && cov <= 0.97,
    },
  ];
}

async function memory(dir: string, baseURL: string): Promise<BenchRow[]> {
  const log = join(dir, "big.jsonl");
  await writeSimLog(log, BIG, { seed: "big", emptyRate: 0 }, SIM_SEED);
  await writeFile(join(dir, "big.json"), JSON.stringify({ rubrics: ["helpfulness"], critics: ["openai:sim-critic-strong"], providers: { openai: { baseURL, concurrency: 32 } }, cacheDir: join(dir, ".critic"), triage: { log, maxJudgments: 2000, signals: SIGNALS } }));
  let r: Awaited<ReturnType<typeof triage>> | null = null;
  try {
    r = await triage(dir, "big", HEAP_MB);
  } catch {
    r = null; // out of heap
  }
  return [
    {
      area: "triage",
      metric: `${BIG.toLocaleString("en-US")}-line log (2,000 judgments), heap capped at ${HEAP_MB} MB: peak RSS of critic triage`,
      value: r && r.code === 0 ? `${(r.maxRssKb / 1024).toFixed(0)} MB (${(r.wallMs / 1000).toFixed(0)} s)` : `failed${r ? `: ${r.errors.join("; ")}` : " (out of heap)"}`,
      target: "completes",
      ok: r !== null && r.code === 0,
    },
  ];
}

export async function rows(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), "critic-triage-bench-"));
  const sim = await startSimServer({ seed: SIM_SEED, models: [...DEFAULT_SIM_MODELS, ...SIM_LOG_WRITERS] });
  try {
    return [...(await endToEnd(dir, sim.openaiBaseURL)), ...coverage(), ...(await memory(dir, sim.openaiBaseURL))];
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
