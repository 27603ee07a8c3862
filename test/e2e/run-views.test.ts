import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { ROOT, critic, tempDir } from "../helpers/cli.js";

// `critic report`, `critic calibrate` and `critic compare` read a finished run's journal: no calls.

let sim: SimServer;
let cwd: string;
let cleanup: () => Promise<void>;
let run: string;

beforeAll(async () => {
  sim = await startSimServer({ seed: 4 });
  ({ path: cwd, cleanup } = await tempDir());
  const r = await critic(
    ["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--critic", "openai:sim-critic-fast", "--base-url", sim.openaiBaseURL, "--out", "first", "--quiet"],
    { cwd },
  );
  expect(r.code).toBe(0);
  run = (await readdir(join(cwd, ".critic/runs")))[0]!;
});

afterAll(async () => {
  await sim.close();
  await cleanup();
});

describe("views of a finished run", () => {
  it("`critic report RUN` re-renders the same numbers from the journal without calling anything", async () => {
    const before = sim.stats().total;
    const r = await critic(["report", run, "--out", "again"], { cwd });
    expect(r.code).toBe(0);
    expect(sim.stats().total).toBe(before);
    const a = JSON.parse(await readFile(join(cwd, "first/summary.json"), "utf8"));
    const b = JSON.parse(await readFile(join(cwd, "again/summary.json"), "utf8"));
    expect(b.cells).toEqual(a.cells);
    expect(b.judgments).toBe(a.judgments);
  });

  it("`critic calibrate RUN --gold FILE` scores each critic and the aggregate against human labels", async () => {
    await writeFile(join(cwd, "gold.csv"), ["item,candidate,gold", "s01,v1,6", "s01,v3,2", "s02,v2,7", "s02,v3,3", "s03,v1,5", "s05,v2,6", "s13,v3,1", "s16,v1,6", "s08,v2,7", "s19,v3,2", "s10,v1,5", "s11,v2,6"].join("\n"));
    const r = await critic(["calibrate", run, "--gold", "gold.csv", "--out", "cal"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const who of ["openai:sim-critic-strong", "openai:sim-critic-fast", "mean of critics", "aggregate"]) expect(r.stdout).toContain(who);
    expect(r.stdout).toMatch(/levels off on average/);
    const summary = JSON.parse(await readFile(join(cwd, "cal/summary.json"), "utf8"));
    expect(summary.calibration.length).toBe(4);
    expect(summary.calibration[0].n).toBe(12);
  });

  it("`critic calibrate` rejects a gold label off the scale, naming the file, line and field", async () => {
    await writeFile(join(cwd, "bad-gold.csv"), "item,candidate,gold\ns01,v1,6\ns02,v2,9\n");
    const r = await critic(["calibrate", run, "--gold", "bad-gold.csv"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad-gold.csv:3: gold");
  });

  it("`critic compare RUN` ranks the candidates with intervals and verdicts", async () => {
    const r = await critic(["compare", run], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/politeness:/);
    for (const c of ["v1", "v2", "v3"]) expect(r.stdout).toContain(c);
    expect(r.stdout).toMatch(/better|undecided/);
    // Three candidates, three pairs: the verdicts are Holm-corrected by default, and say so.
    expect(r.stdout).toContain("Holm's correction over the 3 pairs");
    const summary = JSON.parse(await readFile(join(cwd, "first/summary.json"), "utf8"));
    expect(summary.pairwiseCorrection).toBe("holm");
    for (const p of summary.pairwise) {
      expect(p.familywise).toMatchObject({ method: "holm", pairs: 3 });
      expect(["A better", "B better", "undecided"]).toContain(p.verdict);
      expect(p.decisionWinRate).toBeGreaterThanOrEqual(0);
    }
    expect(await readFile(join(cwd, "first/report.md"), "utf8")).toContain("Holm's correction over the 3 pairs");
    const none = await critic(["compare", run, "--pairwise-correction", "none"], { cwd });
    expect(none.stdout).toContain("not corrected for multiplicity");
    const bad = await critic(["compare", run, "--pairwise-correction", "bonferroni"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--pairwise-correction");
  });
});
