import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./row.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "../..");

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", (l) => resolve(l));
    child.once("exit", (code) => reject(new Error(`child exited ${code}`)));
  });
}

interface ChildFigures {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  judgments?: number;
  failed?: number;
  /** Writing the run's five reports, after the timed run. */
  reportMs?: number;
}

/** Run a child script against a fresh simulator in its own process; return the figures it prints. */
async function againstSim(script: string, judgments: number, concurrency: number, latencyMs: number): Promise<ChildFigures> {
  const sim = spawn(process.execPath, [join(HERE, "sim-child.js"), String(latencyMs)], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const { openaiBaseURL } = JSON.parse(await firstLine(sim)) as { openaiBaseURL: string };
    const out = execFileSync(process.execPath, [join(HERE, script), openaiBaseURL, String(judgments), String(concurrency)], { encoding: "utf8" });
    return JSON.parse(out.trim().split("\n").pop()!) as ChildFigures;
  } finally {
    sim.kill("SIGTERM");
  }
}

function coldStartMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [join(ROOT, "bin/critic.js"), "--version"]);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[3]!;
}

function duBytes(path: string): number {
  return Number(execFileSync("du", ["-sb", path], { encoding: "utf8" }).split("\t")[0]);
}

/** What `npm ci --omit=dev` installs, plus the package's own shipped files. */
function productionInstallBytes(): number {
  const dir = mkdtempSync(join(tmpdir(), "critic-prod-"));
  try {
    cpSync(join(ROOT, "package.json"), join(dir, "package.json"));
    cpSync(join(ROOT, "package-lock.json"), join(dir, "package-lock.json"));
    execFileSync("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, stdio: "ignore" });
    return duBytes(join(dir, "node_modules")) + ["dist/src", "dist/cli", "rubrics", "datasets", "bin"].reduce((t, p) => t + duBytes(join(ROOT, p)), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Each figure is the median of `runs` measurements (the peak RSS is the largest), harness and
 * floor interleaved so a slow spell on a shared machine hits both alike.
 */
async function measured(runs: number, n: number, c: number, latency: number): Promise<{ r: ChildFigures; floor: ChildFigures }> {
  const rs: ChildFigures[] = [];
  const floors: ChildFigures[] = [];
  for (let i = 0; i < runs; i++) {
    rs.push(await againstSim("harness-child.js", n, c, latency));
    floors.push(await againstSim("sdk-floor-child.js", n, c, latency));
  }
  const summary = (xs: ChildFigures[]): ChildFigures => ({
    wallMs: median(xs.map((x) => x.wallMs)),
    cpuMs: median(xs.map((x) => x.cpuMs)),
    maxRssKb: Math.max(...xs.map((x) => x.maxRssKb)),
    judgments: Math.min(...xs.map((x) => x.judgments ?? 0)),
    failed: Math.max(...xs.map((x) => x.failed ?? 0)),
    reportMs: median(xs.map((x) => x.reportMs ?? 0)),
  });
  return { r: summary(rs), floor: summary(floors) };
}

export async function rows(): Promise<BenchRow[]> {
  const n = 5000;
  const c = 64;
  const latency = 50;
  const runs = 3;
  const { r, floor } = await measured(runs, n, c, latency);
  const ideal = Math.ceil(n / c) * latency;
  const ratio = r.wallMs / ideal;
  const cpuPer = r.cpuMs / n;
  const rssMb = r.maxRssKb / 1024;
  const cold = coldStartMs() / 1000;
  const prod = productionInstallBytes() / 2 ** 20;
  return [
    { area: "runner", metric: `wall / ideal (${n} judgments, c=${c}, ${latency} ms; median of ${runs} runs)`, value: `${ratio.toFixed(3)} (${(r.wallMs / 1000).toFixed(2)} s vs ${(ideal / 1000).toFixed(2)} s; ${r.failed} failed)`, target: "<= 1.10", ok: ratio <= 1.1 },
    { area: "runner", metric: `harness CPU per judgment (median of ${runs})`, value: `${cpuPer.toFixed(3)} ms`, target: "<= 0.3 ms", ok: cpuPer <= 0.3 },
    {
      area: "runner",
      metric: "the same calls through the OpenAI SDK alone (floor), interleaved with those runs: CPU per call; wall / ideal; peak RSS",
      value: `${(floor.cpuMs / n).toFixed(3)} ms; ${(floor.wallMs / ideal).toFixed(3)}; ${(floor.maxRssKb / 1024).toFixed(0)} MB (harness CPU = ${(r.cpuMs / floor.cpuMs).toFixed(2)} x floor)`,
      target: "",
      ok: null,
    },
    { area: "runner", metric: `writing that run's reports (md, html, csv, json; not in the wall time above)`, value: `${((r.reportMs ?? 0) / 1000).toFixed(2)} s`, target: "", ok: null },
    { area: "runner", metric: `harness peak RSS, run and reports (largest of ${runs})`, value: `${rssMb.toFixed(0)} MB`, target: "<= 250 MB", ok: rssMb <= 250 },
    { area: "cli", metric: "cold start `critic --version` (median of 7)", value: `${cold.toFixed(3)} s`, target: "<= 0.3 s", ok: cold <= 0.3 },
    { area: "install", metric: "production install (npm ci --omit=dev + package files)", value: `${prod.toFixed(1)} MiB`, target: "<= 40 MiB", ok: prod <= 40 },
  ];
}
