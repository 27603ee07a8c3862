/**
 * The only report code that touches disk. Everything is rendered first (a rendering bug
 * writes nothing), then each file goes to a temp file in the target directory and is
 * renamed into place, so a reader never sees a half-written report.
 */
import { randomBytes } from "node:crypto";
import { appendFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RunResult } from "../run-result.js";
import { renderJudgmentsCsv, renderScoresCsv } from "./csv.js";
import { renderHtml } from "./html.js";
import { renderJunit } from "./junit.js";
import { renderBradleyTerryCsv, renderCalibrationCsv, renderPairwiseCsv, renderPreferencesCsv } from "./statistics-csv.js";
import { renderStepSummary } from "./step-summary.js";
import { renderSummaryJson } from "./json.js";
import { renderMarkdown } from "./markdown.js";

export type ReportFormat = "md" | "csv" | "json" | "html";
export const REPORT_FORMATS: readonly ReportFormat[] = ["md", "csv", "json", "html"];

/** File names per format; "csv" writes judgments.csv, scores.csv and the statistics behind the report. */
const FILES: Record<ReportFormat, [string, (r: RunResult) => string][]> = {
  md: [["report.md", renderMarkdown]],
  csv: [
    ["judgments.csv", renderJudgmentsCsv],
    ["scores.csv", renderScoresCsv],
    ["preferences.csv", renderPreferencesCsv],
    ["pairwise.csv", renderPairwiseCsv],
    ["bradley-terry.csv", renderBradleyTerryCsv],
    ["calibration.csv", renderCalibrationCsv],
  ],
  json: [["summary.json", renderSummaryJson]],
  html: [["report.html", renderHtml]],
};

/**
 * Write the requested report files into `dir` (created if needed) and return their paths.
 * @example
 *   const paths = await writeReports(result, "reports/2025-03-14");
 */
export async function writeReports(r: RunResult, dir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<string[]> {
  const wanted = REPORT_FORMATS.filter((f) => formats.includes(f));
  const rendered = wanted.flatMap((f) => FILES[f].map(([name, render]) => ({ path: join(dir, name), text: render(r) })));
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const temps: string[] = [];
  try {
    for (const f of rendered) {
      const tmp = `${f.path}.${tag}.tmp`;
      temps.push(tmp);
      await writeFile(tmp, f.text, "utf8");
    }
    // Rename only once every file is fully on disk: the set appears together or not at all
    // (short of a failure between renames, which leaves complete files, never partial ones).
    for (let i = 0; i < rendered.length; i++) await rename(temps[i], rendered[i].path);
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw e;
  }
  return rendered.map((f) => f.path);
}

/** JUnit XML (one testcase per gate) at `file`, written whole via temp file + rename. */
export async function writeJunit(r: RunResult, file: string): Promise<string> {
  const text = renderJunit(r);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, text, "utf8");
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return file;
}

/** Append the compact Markdown summary to `$GITHUB_STEP_SUMMARY` (other steps may have written there too, so never overwrite). */
export async function appendStepSummary(r: RunResult, file: string): Promise<void> {
  await appendFile(file, renderStepSummary(r), "utf8");
}
