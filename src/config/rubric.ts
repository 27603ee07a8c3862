import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, InputError, fieldPath } from "../errors.js";
import { packageRoot } from "../paths.js";

/** Messages say what is wrong in the user's terms: "is missing", "must be text", not zod's type names. */
const text = (what: string) =>
  z
    .string({ error: (iss) =>
        iss.input === undefined ? "is missing" : iss.input === null ? `${what} is empty` : `must be text, got ${typeName(iss.input)}`,
    })
    .trim()
    .min(1, `${what} is empty`);

const level = text("level description");

const FIELDS = ["id", "title", "question", "inputs", "scale"];

/** A rubric file: exactly seven described levels, 7 best. */
export const RubricSchema = z
  .object(
    {
      id: text("id").pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "id must be lower-case letters, digits, - or _")),
      title: text("title"),
      question: text("question"),
      inputs: z
        .array(z.enum(["input", "output", "reference"], { error: "must be one of input, output, reference" }), {
          error: "must be a list such as [input, output, reference]",
        })
        .default(["input", "output"]),
      scale: z.record(z.string(), level, {
        error: (iss) =>
          iss.input === undefined ? "is missing" : "must map each level 1..7 to its description (1: ..., 7: ...)",
      }),
    },
    { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field (a rubric has ${FIELDS.join(", ")})` : undefined) },
  )
  .strict()
  .superRefine((r, ctx) => {
    const keys = Object.keys(r.scale);
    const want = ["1", "2", "3", "4", "5", "6", "7"];
    for (const k of keys) {
      if (!want.includes(k)) ctx.addIssue({ code: "custom", path: ["scale", k], message: `level ${k} is not one of 1..7` });
    }
    for (const k of want) {
      if (!keys.includes(k)) ctx.addIssue({ code: "custom", path: ["scale", k], message: `level ${k} is missing (a rubric describes exactly levels 1..7)` });
    }
    const seen = new Map<string, string>();
    for (const [k, v] of Object.entries(r.scale)) {
      // Whitespace and case differences do not make two levels distinct for a critic.
      const norm = v.replace(/\s+/g, " ").trim().toLowerCase();
      const other = seen.get(norm);
      if (other) ctx.addIssue({ code: "custom", path: ["scale", k], message: `description duplicates level ${other}` });
      seen.set(norm, k);
    }
  });

function typeName(v: unknown): string {
  if (v === null) return "an empty value";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "a mapping" : `a ${typeof v}`;
}

export interface Rubric {
  id: string;
  title: string;
  question: string;
  inputs: ("input" | "output" | "reference")[];
  /** levels[0] describes level 1, levels[6] level 7. */
  levels: string[];
  /** Where it came from, for error messages. */
  file: string;
}

export const BUNDLED_RUBRIC_DIR = join(packageRoot(), "rubrics");

/** Parse and validate rubric YAML text; errors name the file and the field. */
export function parseRubric(text: string, file: string): Rubric {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    // The yaml message repeats "at line L, column C:"; the location already leads the message.
    const msg = (e as Error).message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new InputError({ file, line: pos?.line }, `not valid YAML${pos ? ` (column ${pos.col})` : ""}: ${msg}`);
  }
  if (doc == null) throw new InputError({ file }, "rubric file is empty");
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new InputError({ file }, `a rubric is a mapping with ${FIELDS.join(", ")}; this file holds ${typeName(doc)}`);
  }
  // A YAML list has keys 0..6 once read as a record; say what is wrong instead of "level 0 is not one of 1..7".
  if ("scale" in doc && Array.isArray(doc.scale)) {
    throw new InputError({ file, field: "scale" }, "must map each level to its description (1: ..., 7: ...), not be a list");
  }
  const parsed = RubricSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key is reported on the object; name the key itself as the field.
    const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new InputError({ file, field: fieldPath(path) || undefined }, issue.message);
  }
  const r = parsed.data;
  return {
    id: r.id,
    title: r.title,
    question: r.question,
    inputs: r.inputs,
    levels: ["1", "2", "3", "4", "5", "6", "7"].map((k) => r.scale[k]!),
    file,
  };
}

export async function loadRubricFile(file: string): Promise<Rubric> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError({ file }, `cannot read rubric: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseRubric(text, file);
}

/**
 * Resolve a rubric reference: a path to a YAML file, or the id of a rubric in `dirs`
 * (the project's rubrics/ first, then the bundled ones).
 */
export async function resolveRubric(ref: string, dirs: string[]): Promise<Rubric> {
  if (/\.ya?ml$/i.test(ref) || ref.includes("/")) return loadRubricFile(ref);
  for (const dir of [...dirs, BUNDLED_RUBRIC_DIR]) {
    for (const ext of [".yaml", ".yml"]) {
      const file = join(dir, ref + ext);
      if (existsSync(file)) {
        const rubric = await loadRubricFile(file);
        if (rubric.id !== ref) throw new InputError({ file, field: "id" }, `id "${rubric.id}" does not match the file name "${basename(file)}"`);
        return rubric;
      }
    }
  }
  throw new ConfigError(`unknown rubric "${ref}": no ${ref}.yaml in ${[...dirs, "the bundled rubrics"].join(", ")}`, { field: "rubrics" });
}
