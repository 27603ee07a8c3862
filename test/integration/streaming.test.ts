import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadSuite } from "../../src/config/load.js";
import type { DatasetRow } from "../../src/data/dataset.js";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { executeRun, plannedUnits } from "../../src/runner/run.js";

let sim: SimServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("pulls rows from a stream only as the window needs them, so a large dataset is never all in memory", async () => {
  sim = await startSimServer({ seed: 2 });
  dir = await mkdtemp(join(tmpdir(), "critic-stream-"));
  const suite = await loadSuite({}, dir, {}, {
    dataset: join(dir, "unused.csv"),
    rubrics: ["politeness"],
    critics: ["openai:sim-critic-strong"],
    providers: { openai: { baseURL: sim.openaiBaseURL } },
    cacheDir: join(dir, ".critic"),
    concurrency: 4,
  });
  const n = 2000;
  let pulled = 0;
  let pulledAtFirstJudgment = -1;
  async function* rows(): AsyncGenerator<DatasetRow> {
    for (let i = 0; i < n; i++) {
      pulled++;
      yield { id: `r${i}`, input: `question ${i}`, output: `answer ${i}`, candidate: "default", reference: null, gold: {}, meta: {}, line: i + 2 };
    }
  }
  const ids = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, candidate: "default" }));
  const ex = await executeRun({
    suite,
    rows: rows(),
    units: plannedUnits(ids, suite),
    run: "stream",
    noCache: true,
    signal: new AbortController().signal,
    onEvent: (e) => {
      if (e.type === "judged" && pulledAtFirstJudgment < 0) pulledAtFirstJudgment = pulled;
    },
  });
  expect(ex.judgments).toHaveLength(n);
  // The window is max(64, 4 x concurrency) units: far fewer rows than the dataset were read before the first result.
  expect(pulledAtFirstJudgment).toBeGreaterThan(0);
  expect(pulledAtFirstJudgment).toBeLessThanOrEqual(64 + 1);
});
