import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderJudgmentsCsv, renderScoresCsv } from "../../../src/report/csv.js";
import { renderHtml } from "../../../src/report/html.js";
import { renderSummaryJson } from "../../../src/report/json.js";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { renderBradleyTerryCsv, renderCalibrationCsv, renderPairwiseCsv, renderPreferencesCsv } from "../../../src/report/statistics-csv.js";
import { writeReports } from "../../../src/report/write.js";
import { buildRunResult } from "../../fixtures/run-result.js";

describe("writeReports", () => {
  const r = buildRunResult({ items: 12 });
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "critic-report-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates the directory and writes every file with the rendered text", async () => {
    const dir = join(root, "nested", "run");
    const paths = await writeReports(r, dir);
    const stats = ["preferences.csv", "pairwise.csv", "bradley-terry.csv", "calibration.csv"];
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(["report.md", "judgments.csv", "scores.csv", ...stats, "summary.json", "report.html"]);
    expect((await readdir(dir)).sort()).toEqual(["judgments.csv", "report.html", "report.md", "scores.csv", "summary.json", ...stats].sort());
    expect(await readFile(join(dir, "report.md"), "utf8")).toBe(renderMarkdown(r));
    expect(await readFile(join(dir, "judgments.csv"), "utf8")).toBe(renderJudgmentsCsv(r));
    expect(await readFile(join(dir, "scores.csv"), "utf8")).toBe(renderScoresCsv(r));
    expect(await readFile(join(dir, "summary.json"), "utf8")).toBe(renderSummaryJson(r));
    expect(await readFile(join(dir, "report.html"), "utf8")).toBe(renderHtml(r));
  });

  it("writes only the requested formats and replaces older files", async () => {
    await writeFile(join(root, "summary.json"), "stale");
    const paths = await writeReports(r, root, ["json"]);
    expect(paths).toEqual([join(root, "summary.json")]);
    expect(await readdir(root)).toEqual(["summary.json"]);
    expect(await readFile(join(root, "summary.json"), "utf8")).toBe(renderSummaryJson(r));
  });

  it("leaves no temp or partial file when a file cannot be put in place", async () => {
    // A directory where report.html should go makes the final rename fail.
    await mkdir(join(root, "report.html", "x"), { recursive: true });
    await expect(writeReports(r, root)).rejects.toThrow();
    const left = await readdir(root);
    expect(left.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    for (const f of left.filter((f) => f !== "report.html")) {
      const text = await readFile(join(root, f), "utf8");
      const whole = {
        "report.md": renderMarkdown,
        "judgments.csv": renderJudgmentsCsv,
        "scores.csv": renderScoresCsv,
        "preferences.csv": renderPreferencesCsv,
        "pairwise.csv": renderPairwiseCsv,
        "bradley-terry.csv": renderBradleyTerryCsv,
        "calibration.csv": renderCalibrationCsv,
        "summary.json": renderSummaryJson,
      }[f]!(r);
      expect(text).toBe(whole);
    }
  });

  it("writes nothing when the target is not a directory", async () => {
    const file = join(root, "taken");
    await writeFile(file, "x");
    await expect(writeReports(r, file)).rejects.toThrow();
    expect(await readdir(root)).toEqual(["taken"]);
  });
});
