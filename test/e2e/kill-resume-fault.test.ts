import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/stats/rng.js";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { journaledJudgments, onlyRun, spawnCritic } from "../helpers/spawn.js";
import { writeSupportCsv } from "../helpers/suite.js";

// Exactly-once under kills: each answer is journaled before its concurrency slot frees, so a
// SIGKILL at any moment leaves at most `concurrency` answers paid for and not on disk. Over
// many seeds, the server counts every request, and a resumed run pays again for at most those.

const scratch = useScratch();
const ROWS = 150;
const CONCURRENCY = 16;
const SEEDS = 6;

describe("killed at random moments and resumed", () => {
  it(`pays again for at most the calls in flight at each kill (${SEEDS} seeds, concurrency ${CONCURRENCY})`, async () => {
    const lines: string[] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const rng = createRng(`kill-resume:${seed}`);
      const sim = await scratch.sim({ seed: 40 + seed, latencyMs: 30, jitterMs: 30 });
      const cwd = await scratch.workdir("critic-kill-");
      await writeSupportCsv(cwd, ROWS);
      // Half the seeds without the response cache: the run log alone must keep every answer.
      const args = ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--concurrency", String(CONCURRENCY), "--out", "rep", "--quiet", ...(seed % 2 ? [] : ["--no-cache"])];
      let kills = 0;
      let run: string | null = null;
      const atKill: number[] = [];
      // One or two kills per seed, each at a random point of the run: once a random number of
      // judgments is on disk, after a random few milliseconds more (mid-call, mid-write).
      const killCount = 1 + rng.int(2);
      for (let k = 0; k < killCount; k++) {
        const p = spawnCritic(run ? [...args, "--resume", run] : args, { cwd });
        let gone = false;
        void p.exited.then(() => (gone = true));
        const target = (atKill.at(-1) ?? 0) + rng.int(ROWS / 2);
        for (;;) {
          const r = await onlyRun(cwd);
          if (gone || (r && (await journaledJudgments(cwd, r)).length >= target)) break;
          await new Promise((res) => setTimeout(res, 3));
        }
        await new Promise((r) => setTimeout(r, rng.int(40)));
        p.child.kill("SIGKILL");
        const out = await p.exited;
        run ??= await onlyRun(cwd);
        if (out.signal !== "SIGKILL") break;
        kills++;
        atKill.push((await journaledJudgments(cwd, run!)).length);
      }
      const final = run ? await critic([...args, "--resume", run], { cwd }) : await critic(args, { cwd });
      expect(final.stderr).toBe("");
      expect(final.code).toBe(0);
      const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
      expect(summary.complete).toBe(true);
      expect(summary.judgments).toBe(ROWS);
      const stats = sim.stats();
      const distinct = Object.keys(stats.byBody).length;
      const paidTwice = stats.total - distinct;
      lines.push(`seed ${seed}: ${kills} kills (at ${atKill.join(", ")} of ${ROWS} journaled), ${stats.total} requests for ${distinct} distinct prompts, ${paidTwice} paid twice (bound ${kills * CONCURRENCY})`);
      expect(paidTwice).toBeLessThanOrEqual(kills * CONCURRENCY);
    }
    console.log(`kill-resume:\n  ${lines.join("\n  ")}`);
  }, 300_000);
});
