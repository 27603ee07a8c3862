// Limits: a 100,000-row run through the real OpenAI SDK to the simulator, in a process whose
// heap is capped, so "streams without loading everything at once" is measured, not assumed.
import { childFigures, startSimProcess } from "./child.js";
import type { BenchRow } from "./row.js";

const ROWS = 100_000;
const HEAP_MB = 256;

export async function rows(): Promise<BenchRow[]> {
  const sim = await startSimProcess(0);
  try {
    let r: { wallMs: number; maxRssKb: number; judgments: number; failed: number } | null = null;
    try {
      r = childFigures("harness-child.js", [sim.openaiBaseURL, String(ROWS), "64"], { nodeFlags: [`--max-old-space-size=${HEAP_MB}`] });
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
    sim.close();
  }
}
