/**
 * Rubric YAML text to a validated rubric. A module of its own so the YAML parser loads only when
 * a rubric file needs parsing (see loadRubricFile).
 */
import { parse as parseYaml } from "yaml";
import { InputError } from "../errors.js";
import { type Rubric, rubricFromObject } from "./rubric.js";

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
  return rubricFromObject(doc, file);
}
