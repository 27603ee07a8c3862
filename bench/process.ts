// Whole-process figures: `node bin/critic.js run` from process start to exit, as a user runs it
// (module loading, dataset checks, the run, the result, five reports), timed by /usr/bin/time
// against the simulator in a process of its own. And the response cache's cost: CPU with the
// cache on against off in the same session, and the files and bytes it leaves.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { cacheStats } from "../src/store/cache.js";
import type { BenchRow } from "./row.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** CRITIC_BENCH_BIN measures another build (say, the last release) with the same rows. */
const BIN = process.env.CRITIC_BENCH_BIN ?? join(HERE, "../../bin/critic.js");

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`simulator exited ${code}`)));
  });
}

interface Timed {
  wallS: number;
  cpuS: number;
  rssMb: number;
}

/** One CLI run under GNU time: wall, user + system CPU and peak RSS of the critic process itself. */
function timedRun(cwd: string, args: string[], env: NodeJS.ProcessEnv): Timed {
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S %M", process.execPath, BIN, ...args], { cwd, env, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`critic run exited ${r.status}: ${r.stderr.slice(-300)}`);
  return parseTime(r.stderr);
}

function parseTime(stderr: string): Timed {
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (!m) throw new Error(`no timing in: ${stderr.slice(-300)}`);
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024 };
}

function dataset(dir: string, n: number): void {
  const lines = ["id,input,output"];
  for (let i = 0; i < n; i++) lines.push(`q${i},"Question number ${i} about the product?","Answer ${i}: here is what you can do, step by step, in ${(i % 5) + 2} steps."`);
  writeFileSync(join(dir, `data-${n}.csv`), `${lines.join("\n")}\n`);
}

/** The floor: the same critic prompts through the OpenAI adapter alone, timed inside its process (see sdk-floor-child.ts). */
function sdkFloor(baseURL: string, n: number, c: number): { cpuMs: number; wallMs: number } {
  const r = spawnSync(process.execPath, [join(HERE, "sdk-floor-child.js"), baseURL, String(n), String(c)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sdk floor exited ${r.status}: ${r.stderr.slice(-300)}`);
  return JSON.parse(r.stdout) as { cpuMs: number; wallMs: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function rows(): Promise<BenchRow[]> {
  const LATENCY = 50;
  const C = 64;
  const RUNS = 3;
  const sim = spawn(process.execPath, [join(HERE, "sim-child.js"), String(LATENCY)], { stdio: ["ignore", "pipe", "inherit"] });
  const fast = spawn(process.execPath, [join(HERE, "sim-child.js"), "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const dir = mkdtempSync(join(tmpdir(), "critic-process-"));
  const load0 = loadavg()[0]!;
  try {
    const { openaiBaseURL } = JSON.parse(await firstLine(sim)) as { openaiBaseURL: string };
    const { openaiBaseURL: fastURL } = JSON.parse(await firstLine(fast)) as { openaiBaseURL: string };
    for (const n of [1, 500, 2000, 5000]) dataset(dir, n);
    const env = { ...process.env, OPENAI_API_KEY: "bench", OPENAI_BASE_URL: "", ANTHROPIC_API_KEY: "" };
    const run = (n: number, url: string, extra: string[]) => timedRun(dir, ["run", "--dataset", `data-${n}.csv`, "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", url, "--concurrency", String(C), "--quiet", "--out", join(dir, "rep"), ...extra], env);
    // Interleaved, so a slow spell on a shared machine hits every kind of run alike.
    const big: Timed[] = [];
    const small: Timed[] = [];
    const one: Timed[] = [];
    const cacheOff: Timed[] = [];
    const cacheOn: Timed[] = [];
    const floor: { cpuMs: number; wallMs: number }[] = [];
    let cacheFiles = { files: 0, bytes: 0, disk: 0, entries: 0 };
    for (let i = 0; i < RUNS; i++) {
      big.push(run(5000, openaiBaseURL, ["--no-cache"]));
      floor.push(sdkFloor(openaiBaseURL, 5000, C));
      small.push(run(500, openaiBaseURL, ["--no-cache"]));
      one.push(run(1, fastURL, ["--no-cache"]));
      cacheOff.push(run(2000, fastURL, ["--no-cache"]));
      const cacheDir = join(dir, ".critic");
      rmSync(cacheDir, { recursive: true, force: true });
      cacheOn.push(run(2000, fastURL, []));
      cacheFiles = await cacheStats(cacheDir);
    }
    const bare = parseTime(spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S %M", process.execPath, "-e", "0"], { encoding: "utf8" }).stderr);
    const ideal = (n: number) => (Math.ceil(n / C) * LATENCY) / 1000;
    const b = { wallS: median(big.map((t) => t.wallS)), cpuS: median(big.map((t) => t.cpuS)), rssMb: Math.max(...big.map((t) => t.rssMb)) };
    const ratio = b.wallS / ideal(5000);
    const cpuPer = (b.cpuS * 1000) / 5000;
    const f = { cpuMs: median(floor.map((x) => x.cpuMs)), wallMs: median(floor.map((x) => x.wallMs)) };
    const beyond = median(small.map((t) => t.wallS)) - ideal(500);
    const cacheRatio = median(cacheOn.map((t) => t.cpuS)) / median(cacheOff.map((t) => t.cpuS));
    const load = `load ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
    return [
      { area: "process", metric: `whole process, wall / ideal: \`node bin/critic.js run\`, 5,000 judgments, c=${C}, ${LATENCY} ms (median of ${RUNS}; ${load})`, value: `${ratio.toFixed(3)} (${b.wallS.toFixed(2)} s vs ${ideal(5000).toFixed(2)} s)`, target: "<= 1.15", ok: ratio <= 1.15 },
      { area: "process", metric: "whole process, CPU (user + system) per judgment, same runs", value: `${cpuPer.toFixed(3)} ms`, target: "<= 0.6 ms", ok: cpuPer <= 0.6 },
      {
        area: "process",
        metric: `the same 5,000 calls through the OpenAI SDK alone (the floor: official client, critic's fetch, no start-up, cache, journal or reports), interleaved: CPU per call; wall / ideal; whole process CPU / floor CPU`,
        value: `${(f.cpuMs / 5000).toFixed(3)} ms; ${(f.wallMs / 1000 / ideal(5000)).toFixed(3)}; ${((b.cpuS * 1000) / f.cpuMs).toFixed(2)}x`,
        target: "",
        ok: null,
      },
      { area: "process", metric: `whole process, peak RSS, same runs (largest of ${RUNS})`, value: `${b.rssMb.toFixed(0)} MB`, target: "<= 250 MB", ok: b.rssMb <= 250 },
      { area: "process", metric: `whole process, 500 judgments: wall beyond the ${ideal(500).toFixed(2)} s ideal (median of ${RUNS})`, value: `${beyond.toFixed(2)} s`, target: "<= 0.3 s", ok: beyond <= 0.3 },
      {
        area: "process",
        metric: `whole process, 1 judgment at 0 ms: the fixed costs (start-up, dataset, result, reports), wall; CPU (median of ${RUNS}; bare \`node -e 0\` beside it)`,
        value: `${median(one.map((t) => t.wallS)).toFixed(2)} s; ${median(one.map((t) => t.cpuS)).toFixed(2)} s (node alone ${bare.wallS.toFixed(2)} s; ${bare.cpuS.toFixed(2)} s)`,
        target: "",
        ok: null,
      },
      { area: "cache", metric: `whole process, 2,000 judgments at 0 ms: CPU with a fresh cache / with --no-cache (median of ${RUNS} each, interleaved)`, value: `${cacheRatio.toFixed(2)} (${median(cacheOn.map((t) => t.cpuS)).toFixed(2)} s vs ${median(cacheOff.map((t) => t.cpuS)).toFixed(2)} s)`, target: "<= 1.20", ok: cacheRatio <= 1.2 },
      { area: "cache", metric: "the cache those 2,000 responses leave: files; bytes; disk use in blocks (as du counts)", value: `${cacheFiles.files} files; ${(cacheFiles.bytes / 1024).toFixed(0)} KiB; ${(cacheFiles.disk / 1024).toFixed(0)} KiB on disk`, target: "<= 5 files", ok: cacheFiles.files <= 5 },
    ];
  } finally {
    sim.kill("SIGTERM");
    fast.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
