// Whole-process figures: `node bin/critic.js run` from process start to exit, as a user runs it
// (module loading, dataset checks, the run, the result, five reports), timed by /usr/bin/time
// against the simulator in a process of its own. And the response cache's cost: CPU with the
// cache on against off in the same session, and the files and bytes it leaves.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheStats } from "../src/store/cache.js";
import { childFigures, median, startSimProcess } from "./child.js";
import type { BenchRow } from "./row.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** CRITIC_BENCH_BIN measures another build (say, the last release) with the same rows. */
const BIN = process.env.CRITIC_BENCH_BIN ?? join(HERE, "../../bin/critic.js");

interface Timed {
  wallS: number;
  cpuS: number;
  rssMb: number;
  /** Epoch ms when the process was spawned. */
  spawnedAt?: number;
}

/** One CLI run under GNU time: wall, user + system CPU and peak RSS of the critic process itself. */
function timedRun(cwd: string, args: string[], env: NodeJS.ProcessEnv): Timed {
  const spawnedAt = Date.now();
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S %M", process.execPath, BIN, ...args], { cwd, env, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`critic run exited ${r.status}: ${r.stderr.slice(-300)}`);
  return { ...parseTime(r.stderr), spawnedAt };
}

/**
 * Instructions a command executes, counted by valgrind's callgrind over all its threads: unlike
 * seconds, the same for the same build whatever else the machine is doing. null without valgrind.
 */
function instructions(cwd: string, args: string[], env: NodeJS.ProcessEnv): number | null {
  const out = join(cwd, "callgrind.out");
  const r = spawnSync("valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, process.execPath, ...args], { cwd, env, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 24 });
  rmSync(out, { force: true });
  const m = /Collected : (\d+)/.exec(r.stderr ?? "");
  return r.status === 0 && m ? Number(m[1]) : null;
}

/**
 * Where a run's wall time went, from its own log: spawn to the run's start (module loading, the
 * dataset and its checks), the first to the last answer, and the last answer to exit (result,
 * reports, exit). The log's timestamps are the run's own; spawn and exit are the bench's clock.
 */
function phases(dir: string, t: Timed): { startS: number; callsS: number; afterS: number } {
  const runs = join(dir, ".critic", "runs");
  const newest = readdirSync(runs).sort().at(-1)!;
  let startedAt = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const line of readFileSync(join(runs, newest, "journal.jsonl"), "utf8").split("\n")) {
    if (!line) continue;
    const rec = JSON.parse(line) as { type: string; startedAt?: string; at?: string };
    if (rec.type === "run") startedAt = Date.parse(rec.startedAt!);
    else if (rec.type === "judgment") {
      const at = Date.parse(rec.at!);
      first = Math.min(first, at);
      last = Math.max(last, at);
    }
  }
  const exit = t.spawnedAt! + t.wallS * 1000;
  return { startS: (startedAt - t.spawnedAt!) / 1000, callsS: (last - first) / 1000, afterS: (exit - last) / 1000 };
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


export async function rows(): Promise<BenchRow[]> {
  const LATENCY = 50;
  const C = 64;
  const RUNS = 3;
  const sim = await startSimProcess(LATENCY);
  const fast = await startSimProcess(0);
  const dir = mkdtempSync(join(tmpdir(), "critic-process-"));
  const load0 = loadavg()[0]!;
  try {
    const { openaiBaseURL } = sim;
    const fastURL = fast.openaiBaseURL;
    for (const n of [1, 500, 2000, 5000]) dataset(dir, n);
    const env = { ...process.env, OPENAI_API_KEY: "bench", OPENAI_BASE_URL: "", ANTHROPIC_API_KEY: "" };
    const run = (n: number, url: string, extra: string[]) => timedRun(dir, ["run", "--dataset", `data-${n}.csv`, "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", url, "--concurrency", String(C), "--quiet", "--out", join(dir, "rep"), ...extra], env);
    // Interleaved, so a slow spell on a shared machine hits every kind of run alike.
    const big: Timed[] = [];
    const bigPhases: ReturnType<typeof phases>[] = [];
    const small: Timed[] = [];
    const one: Timed[] = [];
    const cacheOff: Timed[] = [];
    const cacheOn: Timed[] = [];
    const floor: { cpuMs: number; wallMs: number }[] = [];
    let cacheFiles = { files: 0, bytes: 0, disk: 0, entries: 0 };
    for (let i = 0; i < RUNS; i++) {
      big.push(run(5000, openaiBaseURL, ["--no-cache"]));
      bigPhases.push(phases(dir, big.at(-1)!));
      // The floor: the same critic prompts through the OpenAI adapter alone, timed inside its process.
      floor.push(childFigures("sdk-floor-child.js", [openaiBaseURL, "5000", String(C)]));
      small.push(run(500, openaiBaseURL, ["--no-cache"]));
      one.push(run(1, fastURL, ["--no-cache"]));
      cacheOff.push(run(2000, fastURL, ["--no-cache"]));
      const cacheDir = join(dir, ".critic");
      rmSync(cacheDir, { recursive: true, force: true });
      cacheOn.push(run(2000, fastURL, []));
      cacheFiles = await cacheStats(cacheDir);
    }
    // The fixed cost in instructions: one judgment against the fast simulator, and bare node.
    const oneArgs = [BIN, "run", "--dataset", "data-1.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", fastURL, "--quiet", "--out", join(dir, "rep"), "--no-cache"];
    const insOne = instructions(dir, oneArgs, env);
    const insBare = insOne === null ? null : instructions(dir, ["-e", "0"], env);
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
      {
        area: "process",
        metric: "where those runs' wall time went (medians; from each run's log and the bench's clock): spawn to the run's start; first to last answer (ideal for all calls: first + ideal); last answer to exit",
        value: `${median(bigPhases.map((p) => p.startS)).toFixed(2)} s; ${median(bigPhases.map((p) => p.callsS)).toFixed(2)} s (ideal ${(ideal(5000) - LATENCY / 1000).toFixed(2)} s); ${median(bigPhases.map((p) => p.afterS)).toFixed(2)} s`,
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
      {
        area: "process",
        metric: "whole process, 1 judgment: instructions executed (valgrind callgrind, all threads; the same on a busy machine), and beyond bare `node -e 0`",
        value: insOne === null || insBare === null ? "skipped: valgrind is not installed" : `${(insOne / 1e9).toFixed(3)} G; ${((insOne - insBare) / 1e9).toFixed(3)} G beyond node's ${(insBare / 1e9).toFixed(3)} G`,
        target: "",
        ok: null,
      },
      { area: "cache", metric: `whole process, 2,000 judgments at 0 ms: CPU with a fresh cache / with --no-cache (median of ${RUNS} each, interleaved)`, value: `${cacheRatio.toFixed(2)} (${median(cacheOn.map((t) => t.cpuS)).toFixed(2)} s vs ${median(cacheOff.map((t) => t.cpuS)).toFixed(2)} s)`, target: "<= 1.20", ok: cacheRatio <= 1.2 },
      { area: "cache", metric: "the cache those 2,000 responses leave: files; bytes; disk use in blocks (as du counts)", value: `${cacheFiles.files} files; ${(cacheFiles.bytes / 1024).toFixed(0)} KiB; ${(cacheFiles.disk / 1024).toFixed(0)} KiB on disk`, target: "<= 5 files", ok: cacheFiles.files <= 5 },
    ];
  } finally {
    sim.close();
    fast.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
