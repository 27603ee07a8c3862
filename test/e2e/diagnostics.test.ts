/**
 * Judge diagnostics end to end: two candidates of equal true quality, one mostly terse and one
 * mostly verbose, judged by a simulated critic that adds about a level to long outputs. The
 * raw comparison favours the verbose one; at equal length the difference is gone.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simModel } from "../../src/providers/sim/models.js";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

const TOPICS = ["billing", "passwords", "shipping", "refunds", "accounts", "privacy", "invoices", "delivery", "warranty", "returns", "coupons", "subscriptions"];

async function dataset(dir: string, n: number): Promise<string> {
  const lines = ["id,input"];
  for (let i = 0; i < n; i++) lines.push(`q${i},"Question ${i}: how do ${TOPICS[i % TOPICS.length]} and ${TOPICS[(i * 5 + 3) % TOPICS.length]} interact for customer number${i}?"`);
  const file = join(dir, "items.csv");
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

describe("length diagnostics", () => {
  it("shows the length bias in diagnostics.length and removes it in pairwise[].lengthControlled", async () => {
    const models = [
      simModel({ name: "sim-terse", role: "candidate", verbosity: 2, longShare: 0.2, longVerbosity: 12, defaultQuality: 4.5 }),
      simModel({ name: "sim-verbose", role: "candidate", verbosity: 2, longShare: 0.8, longVerbosity: 12, defaultQuality: 4.5 }),
      simModel({ name: "sim-critic-long", role: "critic", accuracy: 0.8, lengthBias: 1.8 }),
    ];
    const sim = await scratch.sim({ seed: 3, models });
    const cwd = await scratch.workdir();
    const cfg = {
      dataset: await dataset(cwd, 150),
      rubrics: ["helpfulness"],
      critics: ["openai:sim-critic-long"],
      candidates: [
        { id: "terse", model: "openai:sim-terse" },
        { id: "verbose", model: "openai:sim-verbose" },
      ],
      providers: { openai: { baseURL: sim.openaiBaseURL } },
    };
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify(cfg));
    const r = await critic(["run", "--out", "rep", "--quiet"], { cwd, env: { OPENAI_API_KEY: "sim-key" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));

    const slope = summary.diagnostics.length.find((d: { critic: string }) => d.critic === "openai:sim-critic-long");
    expect(slope.rubric).toBe("helpfulness");
    expect(slope.ci95.lo).toBeGreaterThan(0); // the planted bias is found ...
    expect(slope.ci95.lo).toBeLessThan(1.8); // ... and its interval covers it
    expect(slope.ci95.hi).toBeGreaterThan(1.8);

    const p = summary.pairwise[0];
    expect([p.a, p.b]).toEqual(["terse", "verbose"]);
    expect(p.diffCi95.hi).toBeLessThan(0); // raw: verbose looks better
    expect(p.lengthControlled.diffCi95.lo).toBeLessThan(0); // at equal length: no difference
    expect(p.lengthControlled.diffCi95.hi).toBeGreaterThan(0);
    expect(Math.abs(p.lengthControlled.meanDiff)).toBeLessThan(Math.abs(p.meanDiff) / 2);
    expect(p.winRate).toBeLessThan(0.5);
    expect(p.lengthControlled.winRate).toBeGreaterThan(p.winRate);

    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toContain("### Length effect on helpfulness");
    expect(md).toContain("favours longer outputs");
    expect(md).toMatch(/\*\*Warning:\*\* terse vs verbose: the raw comparison says "verbose better", at equal length it says "undecided"/);
    const html = await readFile(join(cwd, "rep/report.html"), "utf8");
    expect(html).toContain("Length effect on helpfulness");
    expect(html).toContain('id="length-controlled-helpfulness"');
  });
});
