/**
 * report.html in a real browser: Debian's chromium, headless, driven by playwright-core
 * (no browser download: we pass executablePath). The page written by `critic demo` must run
 * without console errors (a CSP violation is one), draw every chart's marks, and sort.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, critic, tempDir } from "../helpers/cli.js";

// These run inside the page; the project compiles without the DOM lib, so name only what is used.
type Focusable = { tabIndex: number };
type Graphic = { getBBox(): { width: number; height: number } };
type Win = { scrollTo(x: number, y: number): void };

const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
if (!present) console.warn(`report-html: skipped, ${CHROMIUM} is not installed (.ci/run installs it)`);

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

interface Summary {
  cells: unknown[];
  ranking: unknown[];
  candidates: string[];
  rubrics: unknown[];
  usage: { role: string; costUsd: number | null; latencyMs: Record<string, number | null> }[];
}

describe.skipIf(!present)("report.html in headless Chromium", () => {
  let work: { path: string; cleanup: () => Promise<void> };
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let summary: Summary;
  const errors: string[] = [];

  beforeAll(async () => {
    work = await tempDir("critic-html-");
    const demo = await critic(["demo", "--out", "out", "--quiet"], { cwd: work.path });
    expect(demo.code, demo.stderr).toBe(0);
    summary = JSON.parse(await readFile(join(work.path, "out/summary.json"), "utf8"));
    profile = await mkdtemp(join(tmpdir(), "critic-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1366, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(work.path, "out/report.html")).href, { waitUntil: "load" });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await work?.cleanup();
  });

  it("loads without console errors and runs its script under the page's CSP", async () => {
    expect(errors).toEqual([]);
    // The script makes headers focusable; if the CSP had blocked it, tabIndex would be -1.
    expect(await page.locator("#scores-table th").first().evaluate((th) => (th as unknown as Focusable).tabIndex)).toBe(0);
  });

  /** Marks that are really drawn: present and with a non-empty box (a bar of height 0 is a level nobody got). */
  async function drawn(selector: string): Promise<{ count: number; visible: number }> {
    return page.locator(selector).evaluateAll((els) => ({
      count: els.length,
      visible: els.filter((e) => {
        const b = (e as unknown as Graphic).getBBox();
        return b.width > 0 && b.height > 0;
      }).length,
    }));
  }

  it("draws every chart's marks", async () => {
    const scale = 7;
    const dist = await drawn("svg.chart.dist rect.bar");
    expect(dist.count).toBe(summary.cells.length * scale);
    expect(dist.visible).toBeGreaterThanOrEqual(summary.cells.length * 2);
    const ranking = await drawn("svg.chart.ranking circle.point");
    expect(ranking).toEqual({ count: summary.ranking.length, visible: summary.ranking.length });
    const priced = summary.usage.filter((u) => u.role === "candidate" && u.costUsd !== null).length;
    const scatter = await drawn("svg.chart.scatter circle.point");
    expect(scatter).toEqual({ count: priced * summary.rubrics.length, visible: priced * summary.rubrics.length });
    const latencyMarks = summary.usage.reduce((n, u) => n + ["p50", "p95", "p99", "max"].filter((k) => u.latencyMs[k] !== null).length, 0);
    expect(await drawn("svg.chart.latency rect.bar")).toEqual({ count: latencyMarks, visible: latencyMarks });
    const k = summary.candidates.length;
    expect(await page.locator("td.winrate").count()).toBe(summary.rubrics.length * k * (k - 1));
  });

  it("sorts a table when its header is clicked, and reverses on a second click", async () => {
    const header = page.locator("#scores-table thead th", { hasText: "Mean [95% CI]" });
    const column = () => page.locator("#scores-table tbody tr td:nth-child(3)").evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-sort"))));
    const before = await column();
    await header.click();
    const asc = await column();
    expect(asc).toEqual([...before].sort((a, b) => a - b));
    expect(await header.getAttribute("aria-sort")).toBe("ascending");
    await header.click();
    expect(await column()).toEqual([...before].sort((a, b) => b - a));
    expect(errors).toEqual([]);
  });

  it("saves a full-page screenshot under test-output/", async () => {
    await page.evaluate(() => (globalThis as unknown as Win).scrollTo(0, 0));
    const dir = join(ROOT, "test-output");
    await mkdir(dir, { recursive: true });
    const file = join(dir, "report-html.png");
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(existsSync(file)).toBe(true);
  });
});
