import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPairwiseLabels } from "../../../src/data/pairwise-labels.js";
import { InputError } from "../../../src/errors.js";
import { itemWinsFromVerdicts, missingCount, winRatesFromItemWins } from "../../../src/stats/pairwise.js";
import { tempDir } from "../../helpers/cli.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir("critic-pairwise-labels-"));
});
afterAll(() => cleanup());

async function file(name: string, body: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, body);
  return p;
}

async function error(p: string): Promise<InputError> {
  const e = await readPairwiseLabels(p).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

describe("pairwise verdict files", () => {
  it("reads CSV verdicts as A / B / tie / a candidate's name, and an empty verdict as missing", async () => {
    const t = await readPairwiseLabels(await file("v.csv", "item,a,b,verdict,judge\nq1,v1,v2,A,ann\nq1,v1,v2,tie,bob\nq2,v2,v1,v1,ann\nq3,v1,v2,,ann\nq4,v1,v3,b,ann\n"));
    expect(t.candidates).toEqual(["v1", "v2", "v3"]);
    expect(t.rows.map((r) => r.verdict)).toEqual(["a", "tie", "b", null, "b"]);
    expect(t.rows[0]!.judge).toBe("ann");
    expect(t.rows[3]!.line).toBe(5);
  });

  it("reads JSONL with null as a missing verdict", async () => {
    const t = await readPairwiseLabels(await file("v.jsonl", '{"item":1,"a":"x","b":"y","verdict":"B","rubric":"help"}\n\n{"item":2,"a":"x","b":"y","verdict":null,"rubric":"help"}\n'));
    expect(t.rows.map((r) => [r.item, r.verdict, r.line])).toEqual([
      ["1", "b", 1],
      ["2", null, 3],
    ]);
    expect(t.rubrics).toEqual(["help"]);
  });

  it("names the file, line and field of a bad row", async () => {
    expect((await error(await file("bad1.csv", "item,a,b,verdict\nq1,v1,v2,A\nq2,v1,v2,maybe\n"))).message).toMatch(/bad1\.csv:3: verdict: "maybe" is not A, B, tie, v1 or v2/);
    expect((await error(await file("bad2.csv", "item,a,b,verdict\nq1,v1,v1,A\n"))).message).toMatch(/bad2\.csv:2: b: "v1" is the same candidate as a/);
    expect((await error(await file("bad3.csv", "item,a,verdict\nq1,v1,A\n"))).message).toMatch(/bad3\.csv:2: b: is missing/);
    expect((await error(await file("bad4.jsonl", '{"item":"q1","a":"x","b":"y","verdict":"A"}\n{"item":"q2","a":"x",\n'))).message).toMatch(/bad4\.jsonl:2: not valid JSON/);
    expect((await error(await file("bad5.csv", "item,a,b,verdict\n,v1,v2,A\n"))).message).toMatch(/bad5\.csv:2: item: is empty/);
    expect((await error(join(dir, "absent.csv"))).message).toMatch(/absent\.csv: cannot read: file not found/);
    expect((await error(await file("empty.csv", "item,a,b,verdict\n"))).message).toMatch(/no verdict rows/);
  });
});

describe("verdicts as win-rate input", () => {
  const rows = [
    { item: "q1", a: "v1", b: "v2", verdict: "a" as const },
    { item: "q1", a: "v2", b: "v1", verdict: "tie" as const }, // a second rater, other order
    { item: "q2", a: "v1", b: "v2", verdict: "b" as const },
    { item: "q3", a: "v1", b: "v2", verdict: null },
  ];

  it("averages several verdicts on one item, so an item counts once", () => {
    const w = winRatesFromItemWins(itemWinsFromVerdicts(rows, ["v1", "v2"]));
    // q1: (1 + ½)/2 = 0.75 for v1; q2: 0; q3 missing and dropped.
    expect(w.n[0]![1]).toBe(2);
    expect(w.winRate[0]![1]).toBeCloseTo((0.75 + 0) / 2, 12);
    expect(w.tieRate[0]![1]).toBeCloseTo(0.25, 12);
  });

  it("counts a missing verdict as a tie or leaves it out, as asked, and counts it either way", () => {
    const drop = itemWinsFromVerdicts(rows, ["v1", "v2"], { missing: "drop" });
    const tie = itemWinsFromVerdicts(rows, ["v1", "v2"], { missing: "tie" });
    expect(missingCount(drop, 0, 1)).toBe(1);
    expect(missingCount(tie, 0, 1)).toBe(1);
    expect(winRatesFromItemWins(tie).n[0]![1]).toBe(3);
    expect(winRatesFromItemWins(tie).winRate[0]![1]).toBeCloseTo((0.75 + 0 + 0.5) / 3, 12);
  });
});
