import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { writeSupportCsv } from "../helpers/suite.js";

const scratch = useScratch();

async function cacheFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of await readdir(dir)) for (const f of await readdir(join(dir, sub))) out.push(join(dir, sub, f));
  return out;
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
    // Every entry is whole JSON (written by rename), and no temp file is left behind.
    const files = await cacheFiles(join(work, ".critic/cache"));
    expect(files.every((f) => f.endsWith(".json"))).toBe(true);
    for (const f of files) expect(() => JSON.parse(readFileSync(f, "utf8"))).not.toThrow();
    expect(await readdir(join(work, ".critic/runs"))).toHaveLength(2);

    sim.reset();
    const c = await critic(args("c"), { cwd: work, env });
    expect(c.code).toBe(0);
    const s = JSON.parse(await readFile(join(work, "c/summary.json"), "utf8"));
    expect(s.cacheHits).toBe(judgments);
    expect(s.calls).toBe(0);
    expect(sim.stats().total).toBe(0);
  });
});
