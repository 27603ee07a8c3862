import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { loadSuite } from "../../src/config/load.js";
import type { DatasetRow } from "../../src/data/dataset.js";
import { executeRun, plannedUnits } from "../../src/runner/run.js";
import { WHOLE_DATASET_BYTES, runSuite } from "../../src/runner/run-suite.js";
import { unitWindow } from "../../src/runner/window.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

it("pulls rows from a stream only as the window needs them, so a large dataset is never all in memory", async () => {
  const sim = await scratch.sim({ seed: 2 });
  const dir = await scratch.workdir("critic-stream-");
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
  // The window is unitWindow([4]) = 32 units: far fewer rows than the dataset were read before the first result.
  expect(unitWindow([4])).toBe(32);
  expect(pulledAtFirstJudgment).toBeGreaterThan(0);
  expect(pulledAtFirstJudgment).toBeLessThanOrEqual(unitWindow([4]) + 1);
});

it("runs a dataset too big to hold whole from its index and a stream of its texts", async () => {
  const sim = await scratch.sim({ seed: 2 });
  const dir = await scratch.workdir("critic-stream-");
  const rows = 9;
  const big = "x".repeat(Math.ceil(WHOLE_DATASET_BYTES / (rows - 1)));
  const lines = ["id,input,output", ...Array.from({ length: rows }, (_, i) => `r${i},question ${i},${big}${i}`)];
  await writeFile(join(dir, "big.csv"), `${lines.join("\n")}\n`);
  expect((await stat(join(dir, "big.csv"))).size).toBeGreaterThan(WHOLE_DATASET_BYTES);
  const suite = await loadSuite({}, dir, {}, {
    dataset: join(dir, "big.csv"),
    rubrics: ["conciseness"],
    critics: ["openai:sim-critic-strong"],
    providers: { openai: { baseURL: sim.openaiBaseURL } },
    cacheDir: join(dir, ".critic"),
  });
  const { result } = await runSuite(suite, { cwd: dir, write: false });
  expect(result.totals.judgments).toBe(rows);
  expect(result.totals.failed).toBe(0);
  expect(result.scores.map((s) => [s.item, s.outputChars])).toEqual(Array.from({ length: rows }, (_, i) => [`r${i}`, big.length + 1]));
});
