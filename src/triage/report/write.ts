/** Write the triage report files together: rendered first, then each via temp file and rename. */
import { join } from "node:path";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import type { TriageResult } from "../result.js";
import { renderTriageHtml } from "./html.js";
import { renderTriageMarkdown } from "./markdown.js";
import { renderFailuresCsv, renderTriageSummary } from "./files.js";

export const TRIAGE_FILES: [string, (r: TriageResult) => string][] = [
  ["report.md", renderTriageMarkdown],
  ["report.html", renderTriageHtml],
  ["summary.json", renderTriageSummary],
  ["failures.csv", renderFailuresCsv],
];

export async function writeTriageReports(r: TriageResult, dir: string): Promise<string[]> {
  const rendered = TRIAGE_FILES.map(([name, render]) => ({ path: join(dir, name), text: render(r) }));
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const temps = rendered.map((f) => `${f.path}.${tag}.tmp`);
  try {
    for (let i = 0; i < rendered.length; i++) await writeFile(temps[i]!, rendered[i]!.text, "utf8");
    for (let i = 0; i < rendered.length; i++) await rename(temps[i]!, rendered[i]!.path);
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw e;
  }
  return rendered.map((f) => f.path);
}
