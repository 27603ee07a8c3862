import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

const work = mkdtempSync(join(tmpdir(), "critic-aggregate-"));
beforeAll(() => {
  if (!existsSync("dist/src/cli/aggregate.js")) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "ignore" });
  cpSync("test/fixtures/aggregate", work, { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function critic(...args: string[]) {
  return spawnSync("node", [join(process.cwd(), "bin/critic.js"), "aggregate", ...args], { cwd: work, encoding: "utf8" });
}

it("writes labels, labeler quality and a summary with gold baselines", () => {
  const r = critic("labels.csv", "--method", "ds", "--out", "out");
  expect(r.status).toBe(0);
  const labels = readFileSync(join(work, "out/labels.csv"), "utf8").trim().split("\n");
  expect(labels[0]).toBe("item,label,confidence,p_1,p_2,p_3,p_4,p_5");
  expect(labels.length).toBe(1 + 13);
  const summary = JSON.parse(readFileSync(join(work, "out/summary.json"), "utf8"));
  expect(summary.methodUsed).toBe("ds");
  expect(summary.itemsWithoutLabels).toEqual(["s13"]);
  expect(summary.duplicatesDropped).toBe(1);
  expect(summary.gold.nItems).toBe(6);
  expect(summary.gold.majorityVote.accuracy).not.toBeNull();
  const labelers = readFileSync(join(work, "out/labelers.csv"), "utf8");
  expect(labelers.split("\n")[0]).toBe("labeler,n_labels,accuracy,bias,spread,gold_n,gold_accuracy");
});

it("auto says what it picked and why", () => {
  const r = critic("labels.csv", "--out", "auto");
  expect(r.status).toBe(0);
  const summary = JSON.parse(readFileSync(join(work, "auto/summary.json"), "utf8"));
  expect(summary.methodAsked).toBe("auto");
  expect(summary.why).toMatch(/cross-validated/);
});

it("exits 2 on a bad label file or method", () => {
  expect(critic("missing.csv").status).toBe(2);
  expect(critic("labels.csv", "--method", "nope").status).toBe(2);
  expect(critic("labels.csv", "--k", "3").status).toBe(2);
});

it("scores the model on gold it did not see, says so, and prints no colour codes into a pipe", () => {
  const r = critic("labels.csv", "--method", "ds", "--out", "cv");
  expect(r.status).toBe(0);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for the ESC of a colour code
  expect(r.stdout).not.toMatch(/\u001b\[/);
  expect(r.stdout).toMatch(/cross-validated/);
  const summary = JSON.parse(readFileSync(join(work, "cv/summary.json"), "utf8"));
  expect(summary.gold.evaluation).toMatch(/held out/);
  // Clamped gold would score every gold item as right; held out, the fit must earn it.
  expect(summary.gold.model.n).toBe(summary.gold.nItems);
});

it("accepts continuous labels (half-points, G-Eval expectations), binning them to the nearest level and saying how many", () => {
  writeFileSync(join(work, "half.csv"), "item,labeler,label\na,w1,3.5\na,w2,4\na,w3,2.5\nb,w1,1.2\nb,w2,1\nb,w3,2\n");
  const r = critic("half.csv", "--method", "mv", "--out", "half");
  expect(r.status).toBe(0);
  const summary = JSON.parse(readFileSync(join(work, "half/summary.json"), "utf8"));
  expect(summary.continuousLabels.rounded).toBe(3);
  expect(summary.continuousLabels.rule).toMatch(/halves to even/);
  // 3.5 -> 4 and 2.5 -> 2 (halves to even), 1.2 -> 1: a = {4, 4, 2}, majority 4.
  const labels = readFileSync(join(work, "half/labels.csv"), "utf8").trim().split("\n");
  expect(labels.find((l) => l.startsWith("a,"))!.split(",")[1]).toBe("4");
});
