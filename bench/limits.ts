// Limits: a 100,000-row run through the real OpenAI SDK to the simulator, in a process whose
// heap is capped, so "streams without loading everything at once" is measured, not assumed.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./row.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROWS = 100_000;
const HEAP_MB = 256;

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`simulator exited ${code}`)));
  });
}

export async function rows(): Promise<BenchRow[]> {
  const sim = spawn(process.execPath, [join(HERE, "sim-child.js"), "0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const { openaiBaseURL } = JSON.parse(await firstLine(sim)) as { openaiBaseURL: string };
    let r: { wallMs: number; maxRssKb: number; judgments: number; failed: number } | null = null;
    try {
      const out = execFileSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, join(HERE, "harness-child.js"), openaiBaseURL, String(ROWS), "64"], { encoding: "utf8", maxBuffer: 1 << 24 });
      r = JSON.parse(out.trim().split("\n").pop()!);
    } catch {
      r = null; // out of heap: the run path holds too much per row
    }
    const ok = r !== null && r.judgments === ROWS && r.failed === 0;
    return [
      {
        area: "limits",
        metric: `${ROWS.toLocaleString("en-US")}-row run, heap capped at ${HEAP_MB} MB: peak RSS`,
        value: r ? `${(r.maxRssKb / 1024).toFixed(0)} MB (${r.judgments} judgments, ${r.failed} failed, ${(r.wallMs / 1000).toFixed(0)} s)` : "ran out of heap",
        target: `completes`,
        ok,
      },
    ];
  } finally {
    sim.kill("SIGTERM");
  }
}
