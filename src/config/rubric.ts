import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, InputError, fieldPath } from "../errors.js";

const level = z.string().trim().min(1, "level description is empty");

/** A rubric file: exactly seven described levels, 7 best. */
export const RubricSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "id must be lower-case letters, digits, - or _"),
    title: z.string().trim().min(1),
    question: z.string().trim().min(1),
    inputs: z.array(z.enum(["input", "output", "reference"])).default(["input", "output"]),
    scale: z.record(z.string(), level),
  })
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
      const norm = v.trim().toLowerCase();
      const other = seen.get(norm);
      if (other) ctx.addIssue({ code: "custom", path: ["scale", k], message: `description duplicates level ${other}` });
      seen.set(norm, k);
    }
  });

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

export const BUNDLED_RUBRIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../rubrics");

/** Parse and validate rubric YAML text; errors name the file and the field. */
export function parseRubric(text: string, file: string): Rubric {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new InputError({ file, line }, `not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  // YAML reads `1:` keys as numbers and may read duplicate keys as an error above; normalise keys to strings.
  if (doc && typeof doc === "object" && "scale" in doc && doc.scale && typeof doc.scale === "object") {
    doc = { ...doc, scale: Object.fromEntries(Object.entries(doc.scale as object).map(([k, v]) => [String(k), v])) };
  }
  const parsed = RubricSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError({ file, field: fieldPath(issue.path) || undefined }, issue.message);
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
