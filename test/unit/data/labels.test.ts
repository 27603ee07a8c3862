import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readGold, readLabels } from "../../../src/data/labels.js";
import { InputError } from "../../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "critic-labels-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("readLabels", () => {
  it("reads CSV with an empty label as an abstention and gold from any row", async () => {
    const t = await readLabels(file("a.csv", "item,labeler,label,gold\nx,w1,3,\nx,w2,,4\ny,w1,5,\n"));
    expect(t.rows).toEqual([
      { item: "x", labeler: "w1", label: "3" },
      { item: "x", labeler: "w2", label: null },
      { item: "y", labeler: "w1", label: "5" },
    ]);
    expect(t.gold.get("x")).toBe("4");
  });

  it("reads JSONL and crowd header aliases (question, worker, answer)", async () => {
    const j = await readLabels(file("b.jsonl", '{"item":"x","labeler":"w","label":2}\n\n{"item":"y","labeler":"w","label":null}\n'));
    expect(j.rows.map((r) => r.label)).toEqual(["2", null]);
    const c = await readLabels(file("c.csv", "question,worker,answer\nq1,A1,0\n"));
    expect(c.rows[0]).toEqual({ item: "q1", labeler: "A1", label: "0" });
  });

  it("names the file and line of a bad row", async () => {
    const p = file("d.csv", "item,labeler,label\nx,w,1\n,w,2\n");
    await expect(readLabels(p)).rejects.toThrow(InputError);
    await expect(readLabels(p)).rejects.toThrow(`${p}:3`);
    await expect(readLabels(file("e.csv", "item,label\nx,1\n"))).rejects.toThrow(/no "labeler" column/);
    await expect(readLabels(file("f.csv", "item,labeler,label\nx,w,3.5\n"))).rejects.toThrow(/not an integer/);
  });

  it("rejects conflicting gold for one item", async () => {
    await expect(readLabels(file("g.csv", "item,labeler,label,gold\nx,a,1,1\nx,b,1,2\n"))).rejects.toThrow(/gold "2" here but "1"/);
  });

  it("reads a separate gold file and headerless files by column index", async () => {
    expect((await readGold(file("t.csv", "question,truth\nq1,1\nq2,\n"))).get("q1")).toBe("1");
    const h = await readLabels(file("h.csv", "w1,t1,0,1\nw2,t1,1,-1\n"), { columns: { labeler: 0, item: 1, label: 2, gold: 3 }, goldMissing: ["-1"] });
    expect(h.rows.length).toBe(2);
    expect([...h.gold]).toEqual([["t1", "1"]]);
  });
});
