/**
 * Rubrics as a user writes and uses them, through the CLI: `critic rubric new` writes a template
 * that `critic rubric check` accepts and prints as the critic will see it; a rubric that needs a
 * column the dataset lacks, or an id nobody has, stops the run with exit 2 and nothing written.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

describe("critic rubric", () => {
  it("new writes a commented seven-level template that check accepts and prints as the critic sees it", async () => {
    const cwd = await scratch.workdir("critic-rubric-");
    const made = await critic(["rubric", "new", "brand-voice"], { cwd });
    expect(made.code).toBe(0);
    const text = await readFile(join(cwd, "brand-voice.yaml"), "utf8");
    expect(text).toMatch(/^# A critic rubric/);
    for (let k = 1; k <= 7; k++) expect(text).toContain(`  ${k}: >-`);

    const checked = await critic(["rubric", "check", "brand-voice.yaml"], { cwd });
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('valid rubric "brand-voice" with 7 levels');
    expect(checked.stdout).toContain("7 level descriptions still say TODO");
    expect(checked.stdout).toMatch(/<<<OUTPUT [0-9a-f]{12}>>>/);
    expect(checked.stdout).toContain("Reply with one whole number from 1 to 7 and nothing else.");

    // Refuses to overwrite the file it wrote.
    expect((await critic(["rubric", "new", "brand-voice"], { cwd })).code).toBe(2);
  });

  it("check names the file and field of a broken rubric (exit 2), and shows a rubric's own columns", async () => {
    const cwd = await scratch.workdir("critic-rubric-");
    await writeFile(join(cwd, "bad.yaml"), "id: bad\ntitle: T\nquestion: Q\nscale:\n  1: a\n  2: b\n  4: d\n");
    const bad = await critic(["rubric", "check", "bad.yaml"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad.yaml: scale.3: level 3 is missing");

    await writeFile(join(cwd, "grounded.yaml"), "id: grounded\ntitle: Grounded\nquestion: Is it supported by the documents?\ninputs: [input, context, output]\nscale:\n  1: Unsupported.\n  2: Partly supported.\n  3: Fully supported.\n");
    const ok = await critic(["rubric", "check", "grounded.yaml"], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("with 3 levels (7 is the recommendation)");
    expect(ok.stdout).toMatch(/<<<CONTEXT [0-9a-f]{12}>>>\n<the dataset's context column>/);
    expect(ok.stdout).toContain("Levels (3 is best):");
  });
});

describe("rubrics in a run", () => {
  it("a rubric that shows the critic a column the dataset lacks is a configuration error, nothing written", async () => {
    const cwd = await scratch.workdir("critic-rubric-run-");
    await writeFile(join(cwd, "data.csv"), "id,input,output\na,Hi,Hello there\n");
    const r = await critic(["run", "--dataset", "data.csv", "--rubric", "accuracy", "--critic", "openai:m", "--base-url", "http://127.0.0.1:9/v1", "--out", "rep"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/accuracy\.yaml: inputs: rubric "accuracy" shows the critic "reference", which .*data\.csv does not have \(its columns: id, input, output\)/);
    expect(existsSync(join(cwd, "rep"))).toBe(false);
  });

  it("an unknown rubric id lists the bundled ids and the closest match", async () => {
    const cwd = await scratch.workdir("critic-rubric-run-");
    await writeFile(join(cwd, "data.csv"), "id,input,output\na,Hi,Hello there\n");
    const r = await critic(["run", "--dataset", "data.csv", "--rubric", "politness", "--critic", "openai:m", "--base-url", "http://127.0.0.1:9/v1"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rubric "politness" (did you mean "politeness"?)');
    expect(r.stderr).toContain("Bundled: accuracy, completeness, conciseness, fluency, helpfulness, politeness, relevance, safety");
  });
});
