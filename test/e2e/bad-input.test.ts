import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, critic, tempDir } from "../helpers/cli.js";

// The bad-input catalogue: one case per kind of bad input a user can hand critic. Each must
// exit 2 with a message naming the file, the line or field, and what is wrong (no stack), and
// leave no report directory behind.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
  console.log(`bad-input catalogue: ${CASES.length + 1} bad inputs tried, each rejected with exit 2 before any report was written`);
});

const GOOD_CSV = "id,input,output\n1,How do I reset my password?,Open Settings and choose Reset.\n2,Where is my order?,It ships tomorrow.\n";
const RUBRIC = (levels: string) => `id: tone\ntitle: Tone\nquestion: Is the tone right?\nscale:\n${levels}`;
const SEVEN = [7, 6, 5, 4, 3, 2, 1].map((n) => `  ${n}: level ${n} description`).join("\n");

interface Case {
  name: string;
  files: Record<string, string | Buffer>;
  /** Arguments after `critic`; default runs the dataset data.csv. */
  args?: string[];
  /** What the message must contain: the file, the line or field, and what is wrong. */
  expect: (string | RegExp)[];
}

const run = (dataset = "data.csv", extra: string[] = []) => ["run", "--dataset", dataset, "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", "http://127.0.0.1:9/v1", "--out", "rep", ...extra];

const CASES: Case[] = [
  { name: "CSV with an unclosed quote", files: { "data.csv": 'id,input,output\n1,hi,"hello\n2,hey,there\n' }, expect: ["data.csv:2", /unclosed quote/] },
  { name: "CSV with a ragged row", files: { "data.csv": "id,input,output\n1,hi,hello\n2,hey,there,extra\n" }, expect: ["data.csv:3", /4 fields, the header has 3/] },
  { name: "JSONL with a line that is not JSON", files: { "data.jsonl": '{"id":"1","input":"hi","output":"hello"}\n{"id":"2","input":"hey",\n' }, args: run("data.jsonl"), expect: ["data.jsonl:2", /not valid JSON/] },
  { name: "JSONL with a field of the wrong type", files: { "data.jsonl": '{"id":"1","input":"hi","output":42}\n' }, args: run("data.jsonl"), expect: ["data.jsonl:1", /field "output" must be a string/] },
  { name: "a missing required column", files: { "data.csv": "id,input,answer\n1,hi,hello\n" }, expect: ["data.csv:1", /missing required column "output"/] },
  { name: "an empty required cell", files: { "data.csv": "id,input,output\n1,hi,\n" }, expect: ["data.csv:2", /column "output" is empty/] },
  { name: "duplicate ids", files: { "data.csv": "id,input,output\n1,hi,hello\n2,hey,there\n1,yo,again\n" }, expect: ["data.csv:4", /duplicate id "1".*line 2/] },
  { name: "an empty file", files: { "data.csv": "" }, expect: ["data.csv", /empty/] },
  { name: "a header and no rows", files: { "data.csv": "id,input,output\n" }, expect: ["data.csv", /no rows/] },
  { name: "non-UTF-8 bytes", files: { "data.csv": Buffer.concat([Buffer.from("id,input,output\n1,caf"), Buffer.from([0xe9]), Buffer.from(",ok\n")]) }, expect: ["data.csv:2", /not valid UTF-8: byte 0xE9/] },
  { name: "a dataset in an unknown format", files: { "data.txt": "id,input,output\n" }, args: run("data.txt"), expect: ["data.txt", /unknown dataset format/] },
  { name: "a gold label outside the scale", files: { "data.csv": "id,input,output,gold:helpfulness\n1,hi,hello,5\n2,hey,there,9\n" }, expect: ["data.csv:3", /"gold:helpfulness" is "9", not an integer from 1 to 7/] },
  { name: "a rubric with six levels", files: { "data.csv": GOOD_CSV, "rubrics/tone.yaml": RUBRIC(SEVEN.split("\n").slice(0, 6).join("\n")) }, args: [...run(), "--rubric", "tone"], expect: ["tone.yaml", "scale.1", /level 1 is missing/] },
  { name: "a rubric with a level given twice", files: { "data.csv": GOOD_CSV, "rubrics/tone.yaml": RUBRIC(`${SEVEN}\n  7: again`) }, args: [...run(), "--rubric", "tone"], expect: ["tone.yaml:12", /Map keys must be unique/] },
  { name: "a rubric with two levels described alike", files: { "data.csv": GOOD_CSV, "rubrics/tone.yaml": RUBRIC(SEVEN.replace("level 2 description", "Level 1  description")) }, args: [...run(), "--rubric", "tone"], expect: ["tone.yaml", "scale.2", /description duplicates level 1/] },
  { name: "a reference to an unknown rubric", files: { "data.csv": GOOD_CSV }, args: [...run(), "--rubric", "tonne"], expect: ["rubrics", /unknown rubric "tonne"/] },
  { name: "a critic that is not provider:model", files: { "data.csv": GOOD_CSV }, args: ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "gpt-4o-mini", "--out", "rep"], expect: ["critics[0]", /expected "<provider>:<model>": "openai:<model>", "anthropic:<model>"/] },
  { name: "a config with wrong types", files: { "data.csv": GOOD_CSV, "critic.config.json": JSON.stringify({ dataset: "data.csv", rubrics: ["helpfulness"], critics: ["openai:m"], concurrency: "eight" }) }, args: ["run", "--base-url", "http://127.0.0.1:9/v1", "--out", "rep"], expect: ["critic.config.json", "concurrency", /expected number/] },
  { name: "a config with a negative budget", files: { "data.csv": GOOD_CSV, "critic.config.yaml": "dataset: data.csv\nrubrics: [helpfulness]\ncritics: ['openai:m']\nbudget:\n  usd: -5\n" }, args: ["run", "--base-url", "http://127.0.0.1:9/v1", "--out", "rep"], expect: ["critic.config.yaml", "budget.usd", /expected number to be >0/] },
  {
    name: "a critic naming a provider the config does not define",
    files: { "data.csv": GOOD_CSV },
    args: ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "local:qwen2.5", "--out", "rep"],
    expect: ['critics[0]: "local:qwen2.5" names provider "local", which is not configured'],
  },
  {
    name: "--budget-usd with a model that has no price",
    files: { "data.csv": GOOD_CSV },
    args: ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:my-local-model", "--base-url", "http://127.0.0.1:9/v1", "--out", "rep", "--budget-usd", "2"],
    expect: ['model "my-local-model" (openai:my-local-model) has no price', /prices: \{ "my-local-model": \{ input: .*, output: .* \} \}/],
  },
  { name: "a negative --budget-usd", files: { "data.csv": GOOD_CSV }, args: run("data.csv", ["--budget-usd=-1"]), expect: ["--budget-usd", /must be a positive number, got -1/] },
  { name: "aggregate labels outside --k", files: { "labels.csv": "item,labeler,label\na,w1,3\na,w2,4\nb,w1,9\n" }, args: ["aggregate", "labels.csv", "--k", "7", "--out", "rep"], expect: ["labels.csv:4", "label", /label 9 is outside the 7-point scale/] },
  { name: "aggregate labels that are not whole levels", files: { "labels.csv": "item,labeler,label\na,w1,3\na,w2,3.5\n" }, args: ["aggregate", "labels.csv", "--out", "rep", "--continuous", "error"], expect: ["labels.csv:3", "label", /"3.5" is not an integer level/] },
  { name: "aggregate --k that is not a scale", files: { "labels.csv": "item,labeler,label\na,w1,3\n" }, args: ["aggregate", "labels.csv", "--k", "1", "--out", "rep"], expect: ["--k", /integer ≥ 2, got "1"/] },
];

async function setup(files: Case["files"]): Promise<string> {
  const d = await tempDir("critic-bad-");
  cleanups.push(d.cleanup);
  for (const [name, content] of Object.entries(files)) {
    const path = join(d.path, name);
    await import("node:fs/promises").then((fs) => fs.mkdir(join(path, ".."), { recursive: true }));
    await writeFile(path, content);
  }
  return d.path;
}

describe.concurrent("the bad-input catalogue", () => {
  it.each(CASES)("rejects $name with exit 2, a message naming where and what, and no report", async (c) => {
    const cwd = await setup(c.files);
    const r = await critic(c.args ?? run(), { cwd });
    expect(r.code, r.stderr).toBe(2);
    for (const want of c.expect) {
      if (typeof want === "string") expect(r.stderr).toContain(want);
      else expect(r.stderr).toMatch(want);
    }
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(cwd, "rep"))).toBe(false);
    expect(existsSync(join(cwd, "reports"))).toBe(false);
  });

  it("rejects a critic model the server does not know with exit 2, naming the critic, and no report", async () => {
    const { startSimServer } = await import("../../src/providers/sim/server.js");
    const sim = await startSimServer({ seed: 2, serveUnknownModels: false });
    try {
      const cwd = await setup({ "data.csv": GOOD_CSV });
      const r = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:no-such-critic", "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/openai:no-such-critic: .*404.*check the model name/);
      expect(existsSync(join(cwd, "rep"))).toBe(false);
    } finally {
      await sim.close();
    }
  });

  it("accepts a UTF-8 byte-order mark (spreadsheets write one) and reads the first column name intact", async () => {
    const { startSimServer } = await import("../../src/providers/sim/server.js");
    const sim = await startSimServer({ seed: 2 });
    try {
      const cwd = await setup({ "data.csv": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD_CSV)]) });
      const r = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"], { cwd });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
      expect(summary.judgments).toBe(2);
    } finally {
      await sim.close();
    }
  });
});

void ROOT;
