import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvRows } from "../../src/report/csv.js";
import type { RunResult } from "../../src/run-result.js";
import { meanCi, pairedDiff } from "../../src/stats/intervals.js";
import { ROOT, critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

describe("with three critics on 60 outputs the label model is fitted, and its uncertainty reaches the intervals", () => {
  it("`critic run` widens cell and paired intervals by the refitting bootstrap, never narrows them, and says which scale they are on", async () => {
    const sim = await scratch.sim({ seed: 3 });
    const cwd = await scratch.workdir();
    // The bundled judged outputs without their gold, so the model is fitted on the critics alone.
    const rows = parse(await readFile(join(ROOT, "datasets/support-judged.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    await writeFile(join(cwd, "data.csv"), csvRows([["id", "candidate", "input", "output"], ...rows.map((r) => [r.id!, r.candidate!, r.input!, r.output!])]));
    const critics = ["sim-critic-strong", "sim-critic-fast", "sim-critic-lenient"].flatMap((c) => ["--critic", `openai:${c}`]);
    const r = await critic(["run", "--dataset", "data.csv", "--rubric", "politeness", ...critics, "--base-url", sim.openaiBaseURL, "--out", "rep", "--quiet"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8")) as RunResult;
    expect(summary.labelModels[0]).toMatchObject({ method: "ordinal", scale: "critic" });
    const scores = parse(await readFile(join(cwd, "rep/scores.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(new Set(scores.map((s) => s.scale))).toEqual(new Set(["critic"]));
    const scoreOf = (candidate: string, item: string) => Number(scores.find((s) => s.candidate === candidate && s.item === item)!.score);
    const items = [...new Set(scores.map((s) => s.item))];

    // Each interval against the plain t interval on the very scores the report wrote.
    let wider = 0;
    for (const cell of summary.cells) {
      const plain = meanCi(items.map((i) => scoreOf(cell.candidate, i)))!;
      expect(cell.scale).toBe("critic");
      expect(cell.labelModelSe?.rounds).toBe(50);
      expect(cell.mean).toBeCloseTo(plain.mean, 9);
      expect(cell.ci95!.lo).toBeLessThanOrEqual(plain.ci95[0] + 1e-9);
      expect(cell.ci95!.hi).toBeGreaterThanOrEqual(plain.ci95[1] - 1e-9);
      if (cell.labelModelSe!.se > plain.se) {
        expect(cell.ci95!.hi - cell.ci95!.lo).toBeGreaterThan(plain.ci95[1] - plain.ci95[0] + 1e-6);
        wider++;
      }
    }
    for (const p of summary.pairwise) {
      const plain = pairedDiff(items.map((i) => scoreOf(p.a, i)), items.map((i) => scoreOf(p.b, i)))!;
      expect(p.scale).toBe("critic");
      expect(p.diffCi95!.lo).toBeLessThanOrEqual(plain.ci95[0] + 1e-9);
      expect(p.diffCi95!.hi).toBeGreaterThanOrEqual(plain.ci95[1] - 1e-9);
      if (p.labelModelSe!.se > plain.se) {
        expect(p.diffCi95!.hi - p.diffCi95!.lo).toBeGreaterThan(plain.ci95[1] - plain.ci95[0] + 1e-6);
        wider++;
      }
    }
    expect(wider).toBeGreaterThan(0);

    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toContain("politeness is on the critic scale (the critics' levels, fitted without gold); the 95% intervals include the label model's own uncertainty (an item bootstrap that refits it, 50 resamples).");
    expect(md).toMatch(/### politeness\n\nMeans and differences are on the critic scale/);
    const pairwiseCsv = parse(await readFile(join(cwd, "rep/pairwise.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(pairwiseCsv.every((p) => p.scale === "critic")).toBe(true);
    const html = await readFile(join(cwd, "rep/report.html"), "utf8");
    expect(html).toContain("Means and differences are on the critic scale");
  });
});
