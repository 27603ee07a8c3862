import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { ROOT, critic, tempDir } from "../helpers/cli.js";

// Pairwise verdicts as input to `critic compare`, and the statistics files a run writes.

let sim: SimServer;
let cwd: string;
let cleanup: () => Promise<void>;
let run: string;
/** Human verdicts derived from the dataset's gold politeness levels: the higher level wins, equal is a tie. */
let verdicts: { item: string; a: string; b: string; verdict: string }[];

const csvRows = (text: string): Record<string, string>[] => parse(text, { columns: true });

beforeAll(async () => {
  sim = await startSimServer({ seed: 4 });
  ({ path: cwd, cleanup } = await tempDir());
  const r = await critic(
    ["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--critic", "openai:sim-critic-fast", "--base-url", sim.openaiBaseURL, "--out", "first", "--quiet"],
    { cwd },
  );
  expect(r.code).toBe(0);
  run = (await readdir(join(cwd, ".critic/runs")))[0]!;
  const gold = new Map<string, Map<string, number>>();
  for (const row of csvRows(await readFile(join(ROOT, "datasets/support-judged.csv"), "utf8"))) {
    if (row["gold:politeness"] === "") continue;
    gold.set(row.id!, (gold.get(row.id!) ?? new Map()).set(row.candidate!, Number(row["gold:politeness"])));
  }
  verdicts = [];
  for (const [item, byCandidate] of gold) {
    const cands = [...byCandidate.keys()];
    for (let i = 0; i < cands.length; i++) {
      for (let j = i + 1; j < cands.length; j++) {
        const [x, y] = [byCandidate.get(cands[i]!)!, byCandidate.get(cands[j]!)!];
        verdicts.push({ item, a: cands[i]!, b: cands[j]!, verdict: x > y ? "A" : x < y ? "B" : "tie" });
      }
    }
  }
  // One refusal: a judge that gave no verdict.
  const body = ["item,a,b,verdict", ...verdicts.map((v) => `${v.item},${v.a},${v.b},${v.verdict}`), "s99,v1,v2,"].join("\n");
  await writeFile(join(cwd, "verdicts.csv"), `${body}\n`);
});

afterAll(async () => {
  await sim.close();
  await cleanup();
});

describe("statistics a run writes beside its report", () => {
  it("preferences, pairwise, Bradley-Terry and calibration CSVs agree with summary.json", async () => {
    const summary = JSON.parse(await readFile(join(cwd, "first/summary.json"), "utf8"));
    const prefs = csvRows(await readFile(join(cwd, "first/preferences.csv"), "utf8"));
    const pairs = csvRows(await readFile(join(cwd, "first/pairwise.csv"), "utf8"));
    const bt = csvRows(await readFile(join(cwd, "first/bradley-terry.csv"), "utf8"));
    const cal = csvRows(await readFile(join(cwd, "first/calibration.csv"), "utf8"));
    expect(prefs.length).toBe(20 * 3);
    expect(pairs.length).toBe(summary.pairwise.length);
    for (const p of summary.pairwise) {
      const row = pairs.find((x) => x.a === p.a && x.b === p.b)!;
      expect(Number(row.expected_a_win_prob)).toBeCloseTo(p.winRate, 9);
      expect(Number(row.decided_a_win_rate)).toBeCloseTo(p.decisionWinRate, 9);
      expect(row.verdict).toBe(p.verdict);
      expect(row.correction).toBe("holm");
    }
    expect(bt.filter((x) => x.source === "expected wins").map((x) => Number(x.theta))).toEqual(summary.ranking.map((e: { theta: number }) => expect.closeTo(e.theta, 9)));
    expect(bt.filter((x) => x.source === "raw wins").length).toBe(3);
    expect(cal.length).toBe(summary.calibration.length);
    for (const c of cal) expect(Number(c.pearson)).toBeCloseTo(summary.calibration.find((s: { who: string }) => s.who === c.who).pearson, 9);
  });
});

describe("`critic compare --labels`: pairwise verdicts as input", () => {
  it("ranks candidates from verdicts alone, says how many were missing and which rule counted them, and writes the statistics", async () => {
    const r = await critic(["compare", "--labels", "verdicts.csv", "--out", "lab"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`from ${verdicts.length + 1} pairwise verdicts`);
    expect(r.stdout).toContain("1 verdict was missing (a refusal): left out");
    const lab = JSON.parse(await readFile(join(cwd, "lab/labels.json"), "utf8"));
    expect(lab).toHaveLength(1);
    expect(lab[0].candidates.sort()).toEqual(["v1", "v2", "v3"]);
    expect(lab[0].missing).toEqual({ count: 1, rule: "drop" });
    // Gold puts v3 (the curt answers) below v1 and v2 on every item: it ranks last from the verdicts.
    expect(lab[0].ranking.find((e: { rank: number }) => e.rank === 3).candidate).toBe("v3");
    const v1v2 = lab[0].pairs.find((p: { a: string; b: string }) => p.a === "v1" && p.b === "v2");
    expect(v1v2.missing).toEqual({ count: 1, rule: "drop" });
    expect(v1v2.familywise).toMatchObject({ method: "holm", pairs: 3 });
    const csvBt = csvRows(await readFile(join(cwd, "lab/labels-bradley-terry.csv"), "utf8"));
    expect(csvBt.length).toBe(3);

    const tie = await critic(["compare", "--labels", "verdicts.csv", "--missing", "tie", "--out", "lab-tie"], { cwd });
    expect(tie.code).toBe(0);
    expect(tie.stdout).toContain("counted as ties (--missing tie)");
    const labTie = JSON.parse(await readFile(join(cwd, "lab-tie/labels.json"), "utf8"));
    const v1v2Tie = labTie[0].pairs.find((p: { a: string; b: string }) => p.a === "v1" && p.b === "v2");
    expect(v1v2Tie.n).toBe(v1v2.n + 1);
  });

  it("beside a run: both rankings, and how often the run's per-item decisions agree with the verdicts", async () => {
    const r = await critic(["compare", run, "--labels", "verdicts.csv", "--out", "both"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("politeness: from the run's scores");
    const m = /agree with (\d+) of (\d+) verdicts/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBe(verdicts.length);
    const lab = JSON.parse(await readFile(join(cwd, "both/labels.json"), "utf8"));
    expect(lab[0].agreement[0]).toMatchObject({ rubric: "politeness", verdicts: verdicts.length, agree: Number(m![1]) });
    // The critics track the gold levels: on the verdicts that pick a side, the run's decisions are mostly right.
    expect(lab[0].agreement[0].decisive.verdicts).toBe(verdicts.filter((v) => v.verdict !== "tie").length);
    expect(lab[0].agreement[0].decisive.accuracy).toBeGreaterThan(0.5);
    for (const f of ["preferences.csv", "pairwise.csv", "bradley-terry.csv", "labels-pairwise.csv"]) expect(existsSync(join(cwd, "both", f))).toBe(true);
  });

  it("rejects a bad verdict naming the file, line and field, exits 2 and writes nothing", async () => {
    await writeFile(join(cwd, "bad.csv"), "item,a,b,verdict\ns01,v1,v2,A\ns02,v1,v2,better\n");
    const r = await critic(["compare", "--labels", "bad.csv", "--out", "bad-out"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.csv:3: verdict: "better" is not A, B, tie, v1 or v2');
    expect(existsSync(join(cwd, "bad-out"))).toBe(false);
    const neither = await critic(["compare"], { cwd });
    expect(neither.code).toBe(2);
  });
});

describe("refused scores in a run's comparisons: left out or ties, as the user says, and counted", () => {
  it("`critic compare RUN --missing tie` counts the refusals as ties, and says how many", async () => {
    // Its own directory, so its run log is the only one there.
    const where = join(cwd, "refusals-run");
    await mkdir(where);
    const garbled = await startSimServer({ seed: 5, rateGarbage: 0.4 });
    try {
      const r = await critic(["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--base-url", garbled.openaiBaseURL, "--out", "refusals", "--quiet"], { cwd: where });
      expect(r.code).toBe(0);
    } finally {
      await garbled.close();
    }
    const summary = JSON.parse(await readFile(join(where, "refusals/summary.json"), "utf8"));
    const refused = summary.pairwise.reduce((t: number, p: { missing: { count: number } }) => t + p.missing.count, 0);
    expect(refused).toBeGreaterThan(0);
    for (const p of summary.pairwise) expect(p.missing.rule).toBe("drop");
    expect(await readFile(join(where, "refusals/report.md"), "utf8")).toContain(`${refused} item comparisons had a refused or abstained score on one side: left out`);

    const id = (await readdir(join(where, ".critic/runs")))[0]!;
    const tie = await critic(["compare", id, "--missing", "tie", "--out", "refusals-tie"], { cwd: where });
    expect(tie.code).toBe(0);
    expect(tie.stdout).toContain(`${refused} item comparisons had a refused or abstained score on one side: counted as ties`);
    const pairs = csvRows(await readFile(join(where, "refusals-tie/pairwise.csv"), "utf8"));
    for (const p of summary.pairwise) {
      const row = pairs.find((x) => x.a === p.a && x.b === p.b)!;
      expect(row.missing_rule).toBe("tie");
      // Every refusal is now compared, as a tie.
      expect(Number(row.n)).toBe(p.n + p.missing.count);
    }
  });
});

