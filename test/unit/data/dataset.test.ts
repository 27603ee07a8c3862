import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexDataset, loadDataset, readDataset } from "../../../src/data/dataset.js";
import { readLines } from "../../../src/data/lines.js";
import { InputError } from "../../../src/errors.js";

const FIX = "test/fixtures/bad-input";
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "critic-dataset-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function temp(name: string, content: string | Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

/** The message of the InputError that reading `file` throws, the same whether it is read whole or indexed as a stream. */
async function errorOf(file: string, opts?: { requireOutput?: boolean; scale?: number; scales?: Record<string, number> }): Promise<string> {
  const messages: string[] = [];
  for (const read of [loadDataset, indexDataset]) {
    try {
      await read(file, opts);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      messages.push((e as Error).message);
      continue;
    }
    throw new Error(`expected ${read.name}(${file}) to fail`);
  }
  expect(messages[1]).toBe(messages[0]);
  return messages[0]!;
}

describe("bundled datasets", () => {
  it("support-judged.csv: 20 items x 3 candidates with gold politeness and accuracy on about half", async () => {
    const ds = await loadDataset("datasets/support-judged.csv");
    expect(ds.format).toBe("csv");
    expect(ds.rows).toHaveLength(60);
    expect(ds.candidates).toEqual(["v1", "v2", "v3"]);
    expect(new Set(ds.rows.map((r) => r.id)).size).toBe(20);
    expect(ds.goldRubrics).toEqual(["politeness", "accuracy"]);
    expect(ds.metaColumns).toEqual(["topic"]);
    expect(ds.columns).toEqual(["id", "candidate", "input", "reference", "output", "topic", "gold:politeness", "gold:accuracy"]);
    const labelled = ds.rows.filter((r) => r.gold.politeness !== null);
    expect(labelled.length).toBeGreaterThanOrEqual(24);
    expect(labelled.length).toBeLessThanOrEqual(36);
    // A gold label spans the scale: some candidates are rude, some excellent.
    const levels = new Set(labelled.map((r) => r.gold.politeness));
    expect(Math.min(...(levels as Set<number>))).toBeLessThanOrEqual(2);
    expect(levels.has(7)).toBe(true);
    for (const r of ds.rows) {
      expect(r.output).not.toBeNull();
      expect(r.reference).not.toBeNull();
    }
    expect(ds.rows[0]!.line).toBe(2);
  });

  it("support.csv: 40 requests without outputs, ten per topic", async () => {
    const ds = await loadDataset("datasets/support.csv", { requireOutput: false });
    expect(ds.rows).toHaveLength(40);
    expect(ds.candidates).toEqual(["default"]);
    expect(ds.goldRubrics).toEqual([]);
    const topics = new Map<string, number>();
    for (const r of ds.rows) {
      expect(r.output).toBeNull();
      expect(r.reference).not.toBeNull();
      topics.set(r.meta.topic!, (topics.get(r.meta.topic!) ?? 0) + 1);
    }
    expect(Object.fromEntries(topics)).toEqual({ billing: 10, shipping: 10, account: 10, technical: 10 });
  });

  it("support.csv needs outputs unless candidates generate them, and says so", async () => {
    expect(await errorOf("datasets/support.csv")).toBe(
      'datasets/support.csv:1: missing required column "output" (the header has id, input, reference, topic); to generate outputs instead, list candidates in the config',
    );
  });

  it("summaries.jsonl: 40 passages to summarise with key facts as reference", async () => {
    const ds = await loadDataset("datasets/summaries.jsonl", { requireOutput: false });
    expect(ds.format).toBe("jsonl");
    expect(ds.rows).toHaveLength(40);
    expect(ds.metaColumns).toEqual(["domain"]);
    ds.rows.forEach((r, i) => {
      expect(r.input.startsWith("Summarise: ")).toBe(true);
      expect(r.reference).not.toBeNull();
      expect(r.line).toBe(i + 1);
    });
  });
});

describe("CSV", () => {
  it("keeps a multi-line quoted field whole and numbers each row by the line it starts on", async () => {
    const file = await temp("multi.csv", 'id,input,output,note\na,"line one\nline two",ok,x\nb,plain,"say ""hi""",\n');
    const ds = await loadDataset(file);
    expect(ds.rows.map((r) => [r.id, r.line])).toEqual([["a", 2], ["b", 4]]);
    expect(ds.rows[0]!.input).toBe("line one\nline two");
    expect(ds.rows[1]!.output).toBe('say "hi"');
    expect(ds.rows[1]!.meta).toEqual({ note: "" });
    expect(ds.rows[0]!.candidate).toBe("default");
  });

  it("accepts a UTF-8 byte-order mark and CRLF line endings, as spreadsheets write them", async () => {
    const file = await temp("excel.csv", "\uFEFFid,input,output,gold:politeness\r\nq1,Café?,Oui,5\r\nq2,Tea?,Yes,\r\n");
    const ds = await loadDataset(file);
    expect(ds.columns).toEqual(["id", "input", "output", "gold:politeness"]);
    expect(ds.rows.map((r) => [r.id, r.input, r.output, r.gold.politeness, r.line])).toEqual([
      ["q1", "Café?", "Oui", 5, 2],
      ["q2", "Tea?", "Yes", null, 3],
    ]);
  });

  it("reads a CRLF file as LF, even where a 64 KiB read splits a line end, and inside a quoted field", async () => {
    // The first read ends between the "\r" and the "\n" that end row a (byte 65,535 is the "\r").
    const head = "id,input,output\r\n";
    const row1 = `a,x,${"y".repeat(64 * 1024 - head.length - 5)}\r\n`;
    const row2 = `b,"two\r\nlines",${"z".repeat(64 * 1024 - 15)}\r\n`;
    expect((head + row1).indexOf("\r\n", head.length)).toBe(64 * 1024 - 1);
    const file = await temp("split.csv", `${head}${row1}${row2}c,q,r\r\n`);
    const ds = await loadDataset(file);
    expect(ds.rows.map((r) => [r.id, r.line])).toEqual([
      ["a", 2],
      ["b", 3],
      ["c", 5],
    ]);
    expect(ds.rows[0]!.output?.endsWith("y")).toBe(true);
    expect(ds.rows[1]!.input).toBe("two\nlines");
    expect(ds.rows.every((r) => !r.output!.includes("\r"))).toBe(true);
  });

  it("names the line of a bad byte that lies beyond the first read", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `r${i},question ${i},answer ${i} ${"x".repeat(20)}`);
    const bad = Buffer.concat([Buffer.from(`id,input,output\n${rows.join("\n")}\nbad,caf`), Buffer.from([0xe9]), Buffer.from(",ok\n")]);
    expect(bad.length).toBeGreaterThan(64 * 1024);
    expect(await errorOf(await temp("late-latin1.csv", bad))).toMatch(/late-latin1\.csv:3002: not valid UTF-8: byte 0xE9 at byte 8 of the line/);
  });

  it("skips blank lines and rows of empty cells but keeps counting physical lines", async () => {
    const file = await temp("blank.csv", "id,input,output\n\na,b,c\n,,\nd,e,f\n");
    expect((await loadDataset(file)).rows.map((r) => r.line)).toEqual([3, 5]);
  });

  it("with requireOutput false, a missing or empty output is null", async () => {
    const file = await temp("gen.csv", "id,input,output\na,b,\nc,d,e\n");
    expect((await loadDataset(file, { requireOutput: false })).rows.map((r) => r.output)).toEqual([null, "e"]);
  });

  it("checks gold labels against the scale it is given", async () => {
    const file = await temp("scale5.csv", "id,input,output,gold:accuracy\na,b,c,5\nd,e,f,6\n");
    expect(await errorOf(file, { scale: 5 })).toBe(`${file}:3: column "gold:accuracy" is "6", not an integer from 1 to 5`);
    expect((await loadDataset(file)).rows.map((r) => r.gold.accuracy)).toEqual([5, 6]);
  });

  it("checks each rubric's gold labels against that rubric's own number of levels", async () => {
    const file = await temp("scales.csv", "id,input,output,gold:tone,gold:detail\na,b,c,9,3\nd,e,f,10,6\n");
    // tone has 10 levels, so 9 and 10 are labels; detail has 5, so 6 is not.
    expect(await errorOf(file, { scales: { tone: 10, detail: 5 } })).toBe(`${file}:3: column "gold:detail" is "6", not an integer from 1 to 5`);
    expect((await loadDataset(file, { scales: { tone: 10, detail: 7 } })).rows.map((r) => r.gold.tone)).toEqual([9, 10]);
  });
});

describe("JSONL", () => {
  it("reads numeric ids, gold objects and gold: keys, and keeps other fields as text", async () => {
    const lines = [
      JSON.stringify({ id: 7, input: "Summarise: x", output: "x", gold: { accuracy: 6 }, tags: ["a"], source: "wire" }),
      "",
      JSON.stringify({ id: "8", input: "Summarise: y", output: "y", candidate: "v2", "gold:fluency": 4, source: null }),
    ];
    const file = await temp("rows.jsonl", `${lines.join("\n")}\n`);
    const ds = await loadDataset(file);
    expect(ds.goldRubrics).toEqual(["accuracy", "fluency"]);
    expect(ds.metaColumns).toEqual(["tags", "source"]);
    expect(ds.candidates).toEqual(["default", "v2"]);
    const [a, b] = ds.rows;
    expect(a).toEqual({ id: "7", input: "Summarise: x", output: "x", candidate: "default", reference: null, gold: { accuracy: 6, fluency: null }, meta: { tags: '["a"]', source: "wire" }, line: 1 });
    expect(b!.gold).toEqual({ fluency: 4, accuracy: null });
    expect(b!.meta).toEqual({});
    expect(b!.line).toBe(3);
  });

  it("names a missing field and a field of the wrong type with their line", async () => {
    const file = await temp("missing.jsonl", '{"id":"a","input":"i","output":"o"}\n{"id":"b","input":"i"}\n');
    expect(await errorOf(file)).toBe(`${file}:2: field "output" is missing`);
    const typed = await temp("typed.jsonl", '{"id":"a","input":["i"],"output":"o"}\n');
    expect(await errorOf(typed)).toBe(`${typed}:1: field "input" must be a string, got an array`);
  });
});

describe("bad input: every error names file:line and what is wrong", () => {
  it.each([
    ["ragged.csv", undefined, `${FIX}/ragged.csv:5: row has 4 fields, the header has 5`],
    ["unclosed-quote.csv", undefined, `${FIX}/unclosed-quote.csv:3: unclosed quote: a quoted field that starts in this row is never closed`],
    ["missing-output.csv", undefined, `${FIX}/missing-output.csv:1: missing required column "output" (the header has id, input, reference); to generate outputs instead, list candidates in the config`],
    ["empty-output.csv", undefined, `${FIX}/empty-output.csv:3: column "output" is empty`],
    ["duplicate.csv", undefined, `${FIX}/duplicate.csv:5: duplicate id "s1" for candidate "v1" (also on line 2)`],
    ["empty.csv", undefined, `${FIX}/empty.csv: file is empty`],
    ["header-only.csv", undefined, `${FIX}/header-only.csv: no rows after the header`],
    ["bad-gold.csv", undefined, `${FIX}/bad-gold.csv:4: column "gold:politeness" is "8", not an integer from 1 to 7`],
    ["latin1.csv", undefined, `${FIX}/latin1.csv:3: not valid UTF-8: byte 0xE9 at byte 10 of the line (save the file as UTF-8; Latin-1 and Windows-1252 are not accepted)`],
    ["not-object.jsonl", undefined, `${FIX}/not-object.jsonl:2: each line must be a JSON object, this one is an array`],
    ["dataset.txt", undefined, `${FIX}/dataset.txt: unknown dataset format ".txt": use .csv or .jsonl`],
  ])("%s", async (name, opts, message) => {
    expect(await errorOf(`${FIX}/${name}`, opts)).toBe(message);
  });

  it("bad-json.jsonl: the line and JSON.parse's own message", async () => {
    const msg = await errorOf(`${FIX}/bad-json.jsonl`);
    expect(msg.startsWith(`${FIX}/bad-json.jsonl:3: not valid JSON: `)).toBe(true);
    expect(msg.length).toBeGreaterThan(`${FIX}/bad-json.jsonl:3: not valid JSON: `.length);
  });

  it("empty id, input and candidate cells are named", async () => {
    const file = await temp("cells.csv", "id,candidate,input,output\na,v1,hi,yo\n ,v1,hi,yo\n");
    expect(await errorOf(file)).toBe(`${file}:3: column "id" is empty`);
    const input = await temp("input.csv", "id,input,output\na,   ,yo\n");
    expect(await errorOf(input)).toBe(`${input}:2: column "input" is empty`);
    const cand = await temp("cand.csv", "id,candidate,input,output\na,,hi,yo\n");
    expect(await errorOf(cand)).toBe(`${cand}:2: column "candidate" is empty`);
  });

  it("the header must name every column once, and case matters", async () => {
    const dup = await temp("dup-col.csv", "id,input,output,input\na,b,c,d\n");
    expect(await errorOf(dup)).toBe(`${dup}:1: column "input" appears twice in the header (columns 2 and 4)`);
    const blank = await temp("blank-col.csv", "id,input,output,\na,b,c,d\n");
    expect(await errorOf(blank)).toBe(`${blank}:1: column 4 has no name in the header`);
    const upper = await temp("upper.csv", "ID,input,output\na,b,c\n");
    expect(await errorOf(upper)).toBe(`${upper}:1: missing required column "id" (the header has ID, input, output); column names are case-sensitive: rename "ID" to "id"`);
  });

  it("a quote inside an unquoted field is reported on its line", async () => {
    const file = await temp("stray.csv", 'id,input,output\na,"two\nlines",ok\nb,say "hi",ok\n');
    expect(await errorOf(file)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4: a quote appears inside an unquoted field`));
  });

  it("the first problem in the file is the one reported, even past csv-parse's read-ahead", async () => {
    // Row 3 is ragged and row 4 has an unclosed quote; both sit in the same parser chunk.
    const file = await temp("first.csv", 'id,input,output\na,b,c\nd,e\nf,"g,h\n');
    expect(await errorOf(file)).toBe(`${file}:3: row has 2 fields, the header has 3`);
  });

  it("a missing file is an input error", async () => {
    expect(await errorOf(join(dir, "nope.csv"))).toBe(`${join(dir, "nope.csv")}: cannot read: no such file`);
  });
});

describe("streaming", () => {
  it("yields the first of 100,000 rows before the file has been read to its end", async () => {
    const file = join(dir, "big.csv");
    const rows = ["id,input,output,topic"];
    for (let i = 0; i < 100_000; i++) rows.push(`r${i},"What is ${i} plus one, please?",${i + 1},t${i % 4}`);
    await writeFile(file, `${rows.join("\n")}\n`);

    const gen = readDataset(file);
    const first = await gen.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ id: "r0", output: "1", line: 2 });
    // Appended now, this row can only be seen if the reader had not yet reached the end of the file.
    await appendFile(file, "late,appended after the first row was read,x,t0\n");
    let n = 1;
    let last = first.value as { id: string; line: number };
    for await (const row of gen) {
      n++;
      last = row;
    }
    expect(n).toBe(100_001);
    expect(last).toMatchObject({ id: "late", line: 100_002 });
  });

  it("stops reading and releases the file when the consumer stops early", async () => {
    const file = await temp("early.jsonl", `${Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: i, input: "x", output: "y" })).join("\n")}\n`);
    const seen: string[] = [];
    for await (const row of readDataset(file)) {
      seen.push(row.id);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(["0", "1", "2"]);
  });
});

describe("readLines", () => {
  it("numbers physical lines, strips CR, and yields a last line without a newline", async () => {
    const file = await temp("lines.txt", "\uFEFFone\r\n\ntwo\nthree");
    const got: [number, string][] = [];
    for await (const { line, text } of readLines(file)) got.push([line, text]);
    expect(got).toEqual([[1, "one"], [2, ""], [3, "two"], [4, "three"]]);
  });

  it("decodes a character split across read chunks", async () => {
    // The default read chunk is 64 KiB; put a two-byte "é" across that boundary.
    const file = await temp("split.txt", Buffer.concat([Buffer.alloc(65_535, "a"), Buffer.from("é\nnext\n")]));
    const got: string[] = [];
    for await (const { text } of readLines(file)) got.push(text);
    expect(got[0]!.endsWith("aé")).toBe(true);
    expect(got[0]!.length).toBe(65_536);
    expect(got[1]).toBe("next");
  });

  it("rejects a truncated multi-byte sequence at the end of a line", async () => {
    const file = await temp("cut.txt", Buffer.from([0x61, 0x0a, 0x62, 0xe2, 0x82, 0x0a]));
    const lines = async () => {
      for await (const _ of readLines(file)) {
        // drain
      }
    };
    await expect(lines()).rejects.toThrow(`${file}:2: not valid UTF-8: byte 0xE2 at byte 2 of the line`);
  });
});
