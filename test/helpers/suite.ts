import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Rubric } from "../../src/config/rubric.js";

/** A seven-level helpfulness rubric for tests that build critic prompts themselves. */
export const HELPFULNESS: Rubric = {
  id: "helpfulness",
  title: "Helpfulness",
  question: "Does the output help the user?",
  inputs: ["input", "output"],
  levels: ["useless", "barely", "a little", "somewhat", "mostly", "very", "fully"],
  file: "test",
};

/** A CSV dataset of `rows` support answers, two candidates, written to `dir/name`; returns its path. */
export async function writeSupportCsv(dir: string, rows: number, name = "data.csv"): Promise<string> {
  const lines = ["id,input,output,candidate"];
  for (let i = 0; i < rows; i++) {
    lines.push(`q${i},"How do I reset my password (case ${i})?","Open Settings, choose Account, then Reset password. ${"More detail. ".repeat(i % 4)}",${i % 2 ? "v2" : "v1"}`);
  }
  const file = join(dir, name);
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}
