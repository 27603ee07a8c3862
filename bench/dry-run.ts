/**
 * How close `critic run --dry-run` comes to what the run then makes and is billed for, where the
 * dry run cannot know the answer: the server bills tokens by a tokenizer-like rule (not the dry
 * run's characters / 4) and the candidates write answers of a long-tailed length the config does
 * not state. Both commands run as a user runs them, against an in-process simulator.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SIM_MODELS, simModel } from "../src/providers/sim/models.js";
import { startSimServer } from "../src/providers/sim/server.js";
import type { BenchRow } from "./row.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Billed tokens: one per piece of the GPT-4-family pre-tokenizer split (words with their leading
 * space, runs of up to three digits, punctuation runs, whitespace), a word of more than 8 letters
 * one token per 8. Checked once against js-tiktoken's o200k_base: within 5% on the support
 * questions, simulated answers, critic prompts and README paragraphs, where characters / 4 is
 * 13-31% high on the English prose and 4% low on the README's code-heavy text.
 */
const PIECE = /'(?:s|t|re|ve|m|ll|d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu;
export function billedTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(PIECE)) {
    const letters = m[0].replace(/[^\p{L}]/gu, "").length;
    n += letters > 0 ? Math.ceil(letters / 8) : 1;
  }
  return n;
}

/** Candidates whose answers are mostly short with a long tail (a share written four to ten times longer). */
const CANDIDATES = [
  simModel({ name: "bench-terse", role: "candidate", verbosity: 2, longShare: 0.15, longVerbosity: 20, defaultQuality: 4 }),
  simModel({ name: "bench-chatty", role: "candidate", verbosity: 6, longShare: 0.3, longVerbosity: 24, defaultQuality: 5 }),
];

function cli(args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, "bin/critic.js"), ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && err.code !== 1) reject(new Error(`critic ${args.join(" ")}: ${stderr.slice(0, 200)}`));
      else resolve(stdout);
    });
  });
}

interface Plan {
  calls: number;
  usd: number;
  callRange: [number, number];
  usdRange: [number, number];
}

async function dryRun(cwd: string, env: Record<string, string>): Promise<Plan> {
  const out = await cli(["run", "--dry-run"], cwd, env);
  const m = /Planned: (\d+) calls, \$([\d.]+) \(range (\d+)-(\d+) calls, \$([\d.]+)-\$([\d.]+)\)/.exec(out);
  if (!m) throw new Error(`no plan line in: ${out.slice(-300)}`);
  const [calls, usd, lo, hi, usdLo, usdHi] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return { calls, usd, callRange: [lo, hi], usdRange: [usdLo, usdHi] };
}

interface Summary {
  calls: number;
  costUsd: number;
  usage: { id: string; role: string; calls: number; outputTokens: number }[];
}

async function run(cwd: string, env: Record<string, string>, out: string, extra: string[] = []): Promise<Summary> {
  await cli(["run", "--quiet", "--no-cache", "--out", out, ...extra], cwd, env);
  return JSON.parse(readFileSync(join(cwd, out, "summary.json"), "utf8")) as Summary;
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const inRange = (x: number, [lo, hi]: [number, number]) => x >= lo && x <= hi;

interface Trial {
  blind: Plan;
  informed: Plan;
  billed: Summary;
  stated: { id: string; expectedOutputTokens: number }[];
}

/** One world (simulator seed = sampling seed): the dry run blind, a pilot, the dry run informed, the whole run. */
async function trial(seed: number): Promise<Trial> {
  const sim = await startSimServer({ seed, models: [...DEFAULT_SIM_MODELS, ...CANDIDATES], countTokens: billedTokens });
  const cwd = mkdtempSync(join(tmpdir(), "critic-dry-bench-"));
  try {
    const config = {
      dataset: join(ROOT, "datasets/support.csv"),
      rubrics: ["helpfulness", "politeness"],
      critics: [{ id: "cheap", model: "openai:sim-critic-fast" }, "openai:sim-critic-strong"],
      cascade: { critics: ["cheap", "openai:sim-critic-strong"], threshold: 0.6, audit: 0.1 },
      candidates: CANDIDATES.map((m) => ({ id: m.name, model: `openai:${m.name}`, prompt: "{{input}}", system: "You are a support agent." })),
      prices: { "bench-terse": { input: 0.15, output: 0.6 }, "bench-chatty": { input: 2.5, output: 10 } },
      seed,
    };
    const write = (c: object) => writeFileSync(join(cwd, "critic.config.json"), JSON.stringify(c));
    const env = { OPENAI_BASE_URL: sim.openaiBaseURL, OPENAI_API_KEY: "sk-bench" };
    // 1. No answer length stated: the dry run assumes its default.
    write(config);
    const blind = await dryRun(cwd, env);
    // 2. What the README advises: a small pilot (5 items), then each candidate's expectedOutputTokens
    //    set to the mean billed answer it shows in the pilot's usage table, then the dry run again.
    const pilot = await run(cwd, env, "pilot", ["--sample", "5"]);
    const stated = config.candidates.map((c) => {
      const u = pilot.usage.find((x) => x.id === c.id)!;
      return { ...c, expectedOutputTokens: Math.max(1, Math.round(u.outputTokens / u.calls)) };
    });
    write({ ...config, candidates: stated });
    const informed = await dryRun(cwd, env);
    // 3. The whole run, billed.
    const billed = await run(cwd, env, "out");
    return { blind, informed, billed, stated };
  } finally {
    await sim.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

const SEEDS = [1, 2, 3];

export async function rows(): Promise<BenchRow[]> {
  const trials: Trial[] = [];
  for (const seed of SEEDS) trials.push(await trial(seed));
  const off = (planned: number, actual: number) => (planned - actual) / actual;
  const each = (f: (t: Trial) => string) => trials.map(f).join("; ");
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const callsOff = trials.map((t) => off(t.informed.calls, t.billed.calls));
  const informedOff = trials.map((t) => off(t.informed.usd, t.billed.costUsd));
  const how = `seeds ${SEEDS.join(", ")}; 40 items x 2 candidates x 2 rubrics, 2 critics in a cascade; answers of a long-tailed length; usage billed by a tokenizer-like rule (bench/dry-run.ts), dollars = usage x list price`;
  return [
    {
      area: "spend",
      metric: `dry-run planned calls vs calls made (${how})`,
      value: each((t) => `${t.informed.calls} (${t.informed.callRange.join("-")}) vs ${t.billed.calls}: ${pct(off(t.informed.calls, t.billed.calls))}`),
      target: "in range, median within 15%",
      ok: trials.every((t) => inRange(t.billed.calls, t.informed.callRange)) && Math.abs(median(callsOff)) <= 0.15,
    },
    {
      area: "spend",
      metric: "dry-run dollars vs billed, answer lengths not stated (the dry run assumes 200 tokens)",
      value: each((t) => `$${t.blind.usd.toFixed(3)} ($${t.blind.usdRange[0].toFixed(3)}-$${t.blind.usdRange[1].toFixed(3)}) vs $${t.billed.costUsd.toFixed(3)}: ${pct(off(t.blind.usd, t.billed.costUsd))}`),
      target: "in range",
      ok: trials.every((t) => inRange(t.billed.costUsd, t.blind.usdRange)),
    },
    {
      area: "spend",
      metric: "the same after a 5-item pilot run sets each candidate's expectedOutputTokens from its usage table, as the README advises",
      value: each((t) => `${t.stated.map((c) => c.expectedOutputTokens).join("/")} tokens: $${t.informed.usd.toFixed(3)} vs $${t.billed.costUsd.toFixed(3)}: ${pct(off(t.informed.usd, t.billed.costUsd))}`),
      target: "median within 25%",
      ok: Math.abs(median(informedOff)) <= 0.25,
    },
  ];
}
