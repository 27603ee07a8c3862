import { readFile } from "node:fs/promises";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
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

const FIELDS = ["id", "title", "question", "inputs", "judge", "scale"];

/** Levels a rubric may have; seven is the default and the recommendation. */
export const MIN_LEVELS = 3;
export const MAX_LEVELS = 10;

/** A dataset column name (or `output`, `conversation`) a rubric shows the critic. */
const COLUMN = /^[A-Za-z_][\w:.-]*$/;

/** A rubric file: 3 to 10 described levels (7 recommended), the highest best. */
export const RubricSchema = z
  .object(
    {
      id: text("id").pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "id must be lower-case letters, digits, - or _")),
      title: text("title"),
      question: text("question"),
      inputs: z
        .array(z.string({ error: "must be a column name" }).regex(COLUMN, "must be a column name such as input, reference, context or conversation"), {
          error: "must be a list such as [input, output, reference]",
        })
        .default(["input", "output"]),
      /** For a conversation: rate its last turn (the output) or the assistant's whole part in it. */
      judge: z.enum(["last-turn", "conversation"], { error: "must be last-turn or conversation" }).default("last-turn"),
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
    // The levels are 1..K without gaps; K is the highest level given (7 when none is valid).
    const numeric = keys.filter((k) => /^\d+$/.test(k)).map(Number);
    const k = Math.max(0, ...numeric.filter((n) => n >= 1 && n <= MAX_LEVELS));
    for (const key of keys) {
      if (!/^\d+$/.test(key) || Number(key) < 1 || Number(key) > MAX_LEVELS) {
        ctx.addIssue({ code: "custom", path: ["scale", key], message: `level ${key} is not one of 1..${k >= MIN_LEVELS ? k : 7} (a rubric has ${MIN_LEVELS} to ${MAX_LEVELS} levels, 7 recommended)` });
      }
    }
    if (k < MIN_LEVELS) {
      ctx.addIssue({ code: "custom", path: ["scale"], message: `has ${k} levels; a rubric describes ${MIN_LEVELS} to ${MAX_LEVELS} levels, 1 worst (7 recommended)` });
      return;
    }
    for (let i = 1; i <= k; i++) {
      if (!keys.includes(String(i))) ctx.addIssue({ code: "custom", path: ["scale", String(i)], message: `level ${i} is missing (a rubric describes every level from 1 to its highest, ${k})` });
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
  /** Texts the critic sees besides the output: input, reference, conversation, or any dataset column. */
  inputs: string[];
  /** For a conversation: rate the last turn (the output, the default), or the assistant's whole part in it. */
  judge?: "last-turn" | "conversation";
  /** levels[0] describes level 1, levels[K-1] level K (the best). */
  levels: string[];
  /** Where it came from, for error messages. */
  file: string;
  /** Given inline (a rubric object in the config), not read from a file. */
  inline?: boolean;
}

/** Number of levels K: the scale runs 1..K, K best. */
export const levelsOf = (r: Pick<Rubric, "levels">): number => r.levels.length;

export const BUNDLED_RUBRIC_DIR = join(packageRoot(), "rubrics");

/** Validate a rubric given as an object (a parsed YAML file, or a rubric written inline in a config). */
export function rubricFromObject(doc: unknown, file: string): Rubric {
  // A YAML list has keys 0..6 once read as a record; say what is wrong instead of "level 0 is not one of 1..7".
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new InputError({ file }, `a rubric is a mapping with ${FIELDS.join(", ")}; this file holds ${typeName(doc)}`);
  }
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
    judge: r.judge,
    levels: Object.keys(r.scale)
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => r.scale[String(k)]!),
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
  const doc = bundledDocs().get(text);
  if (doc !== undefined) return rubricFromObject(doc, file);
  const { parseRubric } = await import("./rubric-yaml.js");
  return parseRubric(text, file);
}

let bundled: Map<string, unknown> | undefined;

/**
 * The bundled rubrics as the build parsed them (dist/bundled-rubrics.json: each file's text and
 * the document it parses to), so a run that uses only bundled rubrics never loads the YAML
 * parser, about 40 ms of every start. Keyed by the text itself: an edited file is not found
 * and is parsed as usual. Without a build (tests on src/) the map is empty.
 */
function bundledDocs(): Map<string, unknown> {
  if (bundled) return bundled;
  try {
    const entries = JSON.parse(readFileSync(join(packageRoot(), "dist", "bundled-rubrics.json"), "utf8")) as [string, unknown][];
    bundled = new Map(entries);
  } catch {
    bundled = new Map();
  }
  return bundled;
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
  const bundled = bundledRubricIds();
  const near = closest(ref, [...new Set([...dirs.flatMap(rubricIdsIn), ...bundled])]);
  throw new ConfigError(
    `unknown rubric "${ref}"${near ? ` (did you mean "${near}"?)` : ""}: no ${ref}.yaml in ${[...dirs, "the bundled rubrics"].join(", ")}. Bundled: ${bundled.join(", ")}`,
    { field: "rubrics" },
  );
}

function rubricIdsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => f.replace(/\.ya?ml$/, ""))
      .sort();
  } catch {
    return [];
  }
}

/** The ids of the rubrics that ship with critic. */
export function bundledRubricIds(): string[] {
  return rubricIdsIn(BUNDLED_RUBRIC_DIR);
}

/** Levenshtein distance: the usual measure for "did you mean". */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest id, when it is close enough to be a plausible typo (at most a third of the letters differ) or a prefix. */
export function closest(ref: string, ids: string[]): string | null {
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const id of ids) {
    const d = id.startsWith(ref.toLowerCase()) || ref.toLowerCase().startsWith(id) ? 0.5 : editDistance(ref.toLowerCase(), id);
    if (d < bestD) {
      bestD = d;
      best = id;
    }
  }
  return best && bestD <= Math.max(2, Math.ceil(ref.length / 3)) ? best : null;
}

/** A rubric as the object a config may hold inline (what `suiteToConfig` stores for an inline rubric). */
export function rubricToObject(r: Rubric): { id: string; title: string; question: string; inputs: string[]; judge: NonNullable<Rubric["judge"]>; scale: Record<string, string> } {
  return { id: r.id, title: r.title, question: r.question, inputs: r.inputs, judge: r.judge ?? "last-turn", scale: Object.fromEntries(r.levels.map((t, i) => [String(i + 1), t])) };
}

/**
 * The dataset columns a rubric needs that the dataset lacks. `input` is met by a conversation
 * (`messages`), `conversation` needs one, `output` is always there (read or generated).
 */
export function missingColumns(rubric: Pick<Rubric, "inputs">, columns: readonly string[]): string[] {
  const has = (c: string) => columns.includes(c);
  return rubric.inputs.filter((c) => {
    if (c === "output") return false;
    if (c === "input") return !has("input") && !has("messages");
    if (c === "conversation") return !has("messages");
    return !has(c);
  });
}
