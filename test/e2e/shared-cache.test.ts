import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { writeSupportCsv } from "../helpers/suite.js";

const scratch = useScratch();

async function segments(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.startsWith("seg-")).map((f) => join(dir, f));
}

describe("two processes sharing one cache directory", () => {
  it("run the same suite at once without corrupting it, and a third run is all cache hits", async () => {
    const ROWS = 80;
    const sim = await scratch.sim({ seed: 41, latencyMs: 5, jitterMs: 10 });
    const work = await scratch.workdir("critic-shared-");
    await writeSupportCsv(work, ROWS);
    const args = (out: string) => ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--critic", "anthropic:sim-critic-lenient", "--base-url", sim.openaiBaseURL, "--concurrency", "8", "--out", out, "--quiet"];
    const env = { ANTHROPIC_BASE_URL: sim.anthropicBaseURL };
    const [a, b] = await Promise.all([critic(args("a"), { cwd: work, env }), critic(args("b"), { cwd: work, env })]);
    expect(a.stderr + b.stderr).toBe("");
    expect([a.code, b.code]).toEqual([0, 0]);
    const judgments = ROWS * 2 * 2;
    for (const out of ["a", "b"]) {
      const s = JSON.parse(await readFile(join(work, out, "summary.json"), "utf8"));
      expect(s.judgments).toBe(judgments);
      expect(s.failed).toBe(0);
    }
    // One segment per process, every line whole JSON, an index written by rename, no temp file left behind.
    const cacheDir = join(work, ".critic/cache");
    const segs = await segments(cacheDir);
    expect(segs).toHaveLength(2);
    for (const f of segs) for (const line of readFileSync(f, "utf8").trimEnd().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    expect((await readdir(cacheDir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(readFileSync(join(cacheDir, "index.txt"), "utf8").split("\n")[0]).toBe("critic-cache-index 1");
    expect(await readdir(join(work, ".critic/runs"))).toHaveLength(2);

    sim.reset();
    const c = await critic(args("c"), { cwd: work, env });
    expect(c.code).toBe(0);
    const s = JSON.parse(await readFile(join(work, "c/summary.json"), "utf8"));
    expect(s.cacheHits).toBe(judgments);
    expect(s.calls).toBe(0);
    expect(sim.stats().total).toBe(0);

    // Prune keeps what the most recent run used (all of it here), in one segment.
    const pruned = await critic(["cache", "prune", "--keep-runs", "1"], { cwd: work });
    expect(pruned.code).toBe(0);
    expect(await segments(cacheDir)).toHaveLength(1);
    sim.reset();
    const d = await critic(args("d"), { cwd: work, env });
    expect(d.code).toBe(0);
    expect(JSON.parse(await readFile(join(work, "d/summary.json"), "utf8")).cacheHits).toBe(judgments);
    expect(sim.stats().total).toBe(0);
  });
});
