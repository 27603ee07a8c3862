import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_RUBRIC_DIR, closest, loadRubricFile, missingColumns, resolveRubric, rubricFromObject } from "../../../src/config/rubric.js";
import { parseRubric } from "../../../src/config/rubric-yaml.js";
import { ConfigError, InputError } from "../../../src/errors.js";

const FIX = "test/fixtures/bad-input";

/** Run `f`, expect an InputError, and return it for closer checks. */
async function inputError(f: () => Promise<unknown> | unknown): Promise<InputError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError, got none");
}

const SEVEN = "scale:\n  1: a\n  2: b\n  3: c\n  4: d\n  5: e\n  6: f\n  7: g\n";

describe("bundled rubrics", () => {
  it("every bundled rubric loads with seven distinct described levels and an id matching its file", async () => {
    const files = (await readdir(BUNDLED_RUBRIC_DIR)).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) {
      const r = await loadRubricFile(join(BUNDLED_RUBRIC_DIR, f));
      expect(r.id).toBe(f.replace(/\.yaml$/, ""));
      expect(r.levels).toHaveLength(7);
      expect(new Set(r.levels.map((l) => l.toLowerCase())).size).toBe(7);
      // A described level says what an output looks like, not just a word like "good".
      for (const l of r.levels) expect(l.split(/\s+/).length).toBeGreaterThanOrEqual(8);
    }
  });

  it("load as the build parsed them exactly as the YAML parser reads the files (an edited file is parsed afresh)", async () => {
    const { readFile } = await import("node:fs/promises");
    for (const f of (await readdir(BUNDLED_RUBRIC_DIR)).filter((x) => x.endsWith(".yaml"))) {
      const file = join(BUNDLED_RUBRIC_DIR, f);
      expect(await loadRubricFile(file)).toEqual(parseRubric(await readFile(file, "utf8"), file));
    }
    const dir = await mkdtemp(join(tmpdir(), "critic-rubric-"));
    const edited = (await readFile(join(BUNDLED_RUBRIC_DIR, "helpfulness.yaml"), "utf8")).replace(/^title: .*$/m, "title: Edited");
    await writeFile(join(dir, "helpfulness.yaml"), edited);
    expect((await loadRubricFile(join(dir, "helpfulness.yaml"))).title).toBe("Edited");
    await rm(dir, { recursive: true });
  });

  it("ships the rubrics the product promises, resolvable by id", async () => {
    for (const id of ["accuracy", "helpfulness", "fluency", "conciseness", "politeness", "safety", "relevance"]) {
      const r = await resolveRubric(id, []);
      expect(r.id).toBe(id);
    }
  });

  it("shows the reference to the critic where the rubric judges against it", async () => {
    expect((await resolveRubric("accuracy", [])).inputs).toContain("reference");
    expect((await resolveRubric("completeness", [])).inputs).toContain("reference");
    expect((await resolveRubric("fluency", [])).inputs).not.toContain("reference");
  });
});

describe("invalid rubric files name the file and the field", () => {
  it("six levels is a six-level rubric (3 to 10 are allowed, 7 recommended)", async () => {
    const r = await loadRubricFile(`${FIX}/six-levels.yaml`);
    expect(r.levels).toHaveLength(6);
  });

  it("a gap in the levels names the missing one", async () => {
    const e = await inputError(() => parseRubric(`id: a\ntitle: T\nquestion: Q\n${SEVEN.replace("  4: d\n", "")}`, "r.yaml"));
    expect(e.field).toBe("scale.4");
    expect(e.message).toBe("r.yaml: scale.4: level 4 is missing (a rubric describes every level from 1 to its highest, 7)");
  });

  it("two levels are too few", async () => {
    const e = await inputError(() => parseRubric("id: a\ntitle: T\nquestion: Q\nscale:\n  1: bad\n  2: good\n", "r.yaml"));
    expect(e.message).toBe("r.yaml: scale: has 2 levels; a rubric describes 3 to 10 levels, 1 worst (7 recommended)");
  });

  it("duplicate level text (ignoring case): names the later level and the one it copies", async () => {
    const e = await inputError(() => loadRubricFile(`${FIX}/duplicate-level.yaml`));
    expect(e.message).toBe(`${FIX}/duplicate-level.yaml: scale.7: description duplicates level 6`);
  });

  it("missing field: says which one", async () => {
    const e = await inputError(() => loadRubricFile(`${FIX}/missing-question.yaml`));
    expect(e.message).toBe(`${FIX}/missing-question.yaml: question: is missing`);
    expect(e.exitCode).toBe(2);
  });

  it("bad YAML: gives the line and the parser's complaint", async () => {
    const e = await inputError(() => loadRubricFile(`${FIX}/bad-yaml.yaml`));
    expect(e.line).toBeGreaterThanOrEqual(6);
    expect(e.message).toMatch(new RegExp(`^${FIX}/bad-yaml\\.yaml:${e.line}: not valid YAML \\(column \\d+\\): \\S`));
  });

  it("a file that does not exist is an input error, not a crash", async () => {
    const e = await inputError(() => loadRubricFile(`${FIX}/no-such-rubric.yaml`));
    expect(e.message).toBe(`${FIX}/no-such-rubric.yaml: cannot read rubric: ENOENT`);
  });

  it.each([
    ["empty file", "", "r.yaml: rubric file is empty"],
    ["a list instead of a mapping", "- a\n- b\n", "r.yaml: a rubric is a mapping with id, title, question, inputs, judge, scale; this file holds a list"],
    ["an unknown field", `id: a\ntitle: T\nquestion: Q\nweight: 2\n${SEVEN}`, "r.yaml: weight: unknown field (a rubric has id, title, question, inputs, judge, scale)"],
    ["a level left blank", `id: a\ntitle: T\nquestion: Q\n${SEVEN.replace("7: g", "7:")}`, "r.yaml: scale.7: level description is empty"],
    ["a level that is a number", `id: a\ntitle: T\nquestion: Q\n${SEVEN.replace("7: g", "7: 5")}`, "r.yaml: scale.7: must be text, got a number"],
    ["a level 11", `id: a\ntitle: T\nquestion: Q\n${SEVEN}  11: h\n`, "r.yaml: scale.11: level 11 is not one of 1..7 (a rubric has 3 to 10 levels, 7 recommended)"],
    ["scale as a list", "id: a\ntitle: T\nquestion: Q\nscale: [a, b, c, d, e, f, g]\n", "r.yaml: scale: must map each level to its description (1: ..., 7: ...), not be a list"],
    ["an input that is not a column name", `id: a\ntitle: T\nquestion: Q\ninputs: [input, "two words"]\n${SEVEN}`, "r.yaml: inputs[1]: must be a column name such as input, reference, context or conversation"],
    ["an id with capitals", `id: Polite\ntitle: T\nquestion: Q\n${SEVEN}`, "r.yaml: id: id must be lower-case letters, digits, - or _"],
  ])("%s", async (_name, text, message) => {
    const e = await inputError(() => parseRubric(text, "r.yaml"));
    expect(e.message).toBe(message);
  });

  it("a valid rubric keeps levels in order 1..7 and defaults inputs to input and output", () => {
    const r = parseRubric(`id: a\ntitle: T\nquestion: Q\n${SEVEN}`, "r.yaml");
    expect(r.levels).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(r.inputs).toEqual(["input", "output"]);
  });
});

describe("resolveRubric", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "critic-rubric-"));
    await writeFile(join(dir, "politeness.yaml"), `id: politeness\ntitle: House politeness\nquestion: Q\n${SEVEN}`);
    await writeFile(join(dir, "tone.yaml"), `id: voice\ntitle: T\nquestion: Q\n${SEVEN}`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("prefers the project's rubric over the bundled one of the same id", async () => {
    expect((await resolveRubric("politeness", [dir])).title).toBe("House politeness");
  });

  it("rejects a rubric whose id does not match its file name", async () => {
    const e = await inputError(() => resolveRubric("tone", [dir]));
    expect(e.field).toBe("id");
    expect(e.message).toContain('id "voice" does not match the file name "tone.yaml"');
  });

  it("an unknown id is a configuration error naming it", async () => {
    await expect(resolveRubric("charm", [dir])).rejects.toThrow(ConfigError);
    await expect(resolveRubric("charm", [dir])).rejects.toThrow(/unknown rubric "charm"/);
  });
});

describe("rubric ids and columns", () => {
  it("suggests the closest id for a typo or a prefix, and nothing for an unrelated word", () => {
    const ids = ["accuracy", "completeness", "helpfulness", "politeness", "safety"];
    expect(closest("helpfullness", ids)).toBe("helpfulness");
    expect(closest("polite", ids)).toBe("politeness");
    expect(closest("Accuracy", ids)).toBe("accuracy");
    expect(closest("banana", ids)).toBeNull();
  });

  it("names the columns a rubric shows that the dataset lacks; a conversation stands in for the input", () => {
    expect(missingColumns({ inputs: ["input", "output", "reference"] }, ["id", "input", "output"])).toEqual(["reference"]);
    expect(missingColumns({ inputs: ["input", "context", "output"] }, ["id", "messages"])).toEqual(["context"]);
    expect(missingColumns({ inputs: ["conversation", "output"] }, ["id", "input"])).toEqual(["conversation"]);
    expect(missingColumns({ inputs: ["input", "output"] }, ["id", "input"])).toEqual([]);
  });

  it("a rubric object from a config is validated like a file, with the place it came from", () => {
    const r = rubricFromObject({ id: "tone", title: "Tone", question: "Q", inputs: ["input", "output"], scale: { 1: "a", 2: "b", 3: "c", 4: "d", 5: "e" } }, "critic.config.ts: rubrics[1]");
    expect(r.levels).toEqual(["a", "b", "c", "d", "e"]);
    expect(() => rubricFromObject({ id: "tone", title: "Tone", question: "Q", scale: { 1: "a", 2: "a", 3: "c" } }, "critic.config.ts: rubrics[1]")).toThrow("critic.config.ts: rubrics[1]: scale.2: description duplicates level 1");
  });
});
