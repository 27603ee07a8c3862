// Function candidates: what the task path costs on top of judging outputs read from a file, and
// whether tasks really run side by side under the suite's concurrency. Both runs of a pair use the
// same simulator in the same process, interleaved, median of three, so a slow spell on a shared
// machine hits both.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSuite } from "../src/config/load.js";
import type { SuiteConfigInput } from "../src/config/schema.js";
import { startSimServer } from "../src/providers/sim/server.js";
import { runSuite } from "../src/runner/run-suite.js";
import { median } from "./child.js";
import type { BenchRow } from "./row.js";

const ROWS = 2000;
const SLEEP_ROWS = 200;
const SLEEP_MS = 20;
const CONCURRENCY = 8;

const answer = (i: number) => `Open Settings, choose Account, then Reset password (case ${i}).`;

async function timed(dir: string, config: SuiteConfigInput): Promise<number> {
  const suite = await loadSuite({}, dir, {}, { ...config, cacheDir: join(dir, ".critic") });
  const t0 = performance.now();
  const { result } = await runSuite(suite, { cwd: dir, write: false, noCache: true });
  const ms = performance.now() - t0;
  if (result.totals.failed) throw new Error(`${result.totals.failed} judgments failed`);
  return ms;
}

export async function rows(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), "critic-bench-cand-"));
  const sim = await startSimServer({ seed: 1, latencyMs: 0, perModelLatency: false });
  try {
    const lines = ["id,input,output"];
    for (let i = 0; i < ROWS; i++) lines.push(`q${i},"How do I reset my password (case ${i})?","${answer(i)}"`);
    const file = join(dir, "rows.csv");
    await writeFile(file, `${lines.join("\n")}\n`);
    const base = { dataset: file, rubrics: ["helpfulness"], critics: ["openai:sim-critic-strong"], providers: { openai: { baseURL: sim.openaiBaseURL } }, concurrency: 32 };
    const fromFile: number[] = [];
    const fromTask: number[] = [];
    for (let k = 0; k < 3; k++) {
      fromFile.push(await timed(dir, base));
      // The same texts, returned by a function instead of read from the file.
      fromTask.push(await timed(dir, { ...base, candidates: [{ id: "app", task: (row) => answer(Number(row.id.slice(1))) }] }));
    }
    const ratio = median(fromTask) / median(fromFile);

    // Tasks that each take SLEEP_MS: at concurrency 8, the generations alone take at least SLEEP_ROWS * SLEEP_MS / 8.
    const sleepy: SuiteConfigInput = {
      ...base,
      concurrency: CONCURRENCY,
      sample: SLEEP_ROWS,
      candidates: [{ id: "app", task: async (row) => new Promise<string>((r) => setTimeout(() => r(answer(Number(row.id.slice(1)))), SLEEP_MS)) }],
    };
    const ideal = (SLEEP_ROWS * SLEEP_MS) / CONCURRENCY;
    const walls: number[] = [];
    for (let k = 0; k < 3; k++) walls.push(await timed(dir, sleepy));
    const wall = median(walls);
    return [
      {
        area: "candidates",
        metric: `${ROWS.toLocaleString("en-US")} outputs from a function vs read from the dataset, 1 critic (simulator): wall-time ratio, median of 3 interleaved`,
        value: `${ratio.toFixed(2)}x (${(median(fromTask) / 1000).toFixed(2)} s vs ${(median(fromFile) / 1000).toFixed(2)} s)`,
        target: "<= 1.25x",
        ok: ratio <= 1.25,
      },
      {
        area: "candidates",
        metric: `${SLEEP_ROWS} rows, a task taking ${SLEEP_MS} ms, concurrency ${CONCURRENCY}: whole run vs the generations' floor (${ideal} ms if tasks overlap, ${SLEEP_ROWS * SLEEP_MS} ms if serial)`,
        value: `${wall.toFixed(0)} ms (${(wall / ideal).toFixed(2)}x the floor)`,
        target: `< ${SLEEP_ROWS * SLEEP_MS} ms`,
        ok: wall < SLEEP_ROWS * SLEEP_MS,
      },
    ];
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
