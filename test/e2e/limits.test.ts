import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { readDataset } from "../../src/data/dataset.js";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

describe("limits", () => {
  it("truncates a 1 MB output for the critic with a note, and the report says so", async () => {
    const sim = await scratch.sim({ seed: 4 });
    const work = await scratch.workdir("critic-limits-");
    const huge = "This answer goes on and on. ".repeat(40_000).slice(0, 1_000_000);
    const rows = [
      { id: "short", input: "How do I reset my password?", output: "Open Settings and choose Reset." },
      { id: "huge", input: "How do I reset my password?", output: huge },
    ];
    await writeFile(join(work, "data.jsonl"), `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const r = await critic(["run", "--dataset", "data.jsonl", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"], { cwd: work });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // The critic was sent about 20,000 characters, not a million: a few thousand tokens at most.
    const stats = sim.stats();
    expect(stats.byKind.critic).toBe(2);
    expect(stats.tokens.prompt).toBeLessThan(15_000);
    const summary = JSON.parse(await readFile(join(work, "rep/summary.json"), "utf8"));
    expect(summary.failed).toBe(0);
    expect(summary.notes.join("\n")).toMatch(/Truncated for the critic: 1 output longer than 20,000 characters \(longest 1,000,000 characters: huge\/default\)/);
    expect(await readFile(join(work, "rep/report.md"), "utf8")).toContain("Truncated for the critic: 1 output longer than 20,000 characters");
    const scores = parse(await readFile(join(work, "rep/scores.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(scores.find((s) => s.item === "huge")!.output_chars).toBe("1000000");
  });

  it("reads a 100,000-row dataset as a stream, one row at a time", async () => {
    const work = await scratch.workdir("critic-limits-");
    const lines = ["id,input,output"];
    for (let i = 0; i < 100_000; i++) lines.push(`r${i},question ${i},answer ${i}`);
    await writeFile(join(work, "big.csv"), `${lines.join("\n")}\n`);
    let n = 0;
    let last = "";
    for await (const row of readDataset(join(work, "big.csv"))) {
      n++;
      last = row.id;
    }
    expect(n).toBe(100_000);
    expect(last).toBe("r99999");
  });
});
