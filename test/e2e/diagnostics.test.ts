/**
 * Judge diagnostics end to end: two candidates of equal true quality, one mostly terse and one
 * mostly verbose, judged by a simulated critic that adds about a level to long outputs. The
 * raw comparison favours the verbose one; at equal length the difference is gone.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simModel } from "../../src/providers/sim/models.js";
import { ROOT, critic } from "../helpers/cli.js";
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
    const sim = await scratch.sim({ seed: 3, models, latencyMs: 0 });
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
    // One critic: self-preference cannot be measured, and the report says so.
    expect(summary.diagnostics.selfPreference[0].bonus).toBeNull();
    expect(md).toContain("cannot be measured with one critic");
  });

  it("finds a planted self-preference: the critic's bonus for its own family, with an interval, against a critic of no candidate's family", async () => {
    const models = [
      simModel({ name: "sim-alpha-writer", role: "candidate", family: "alpha", defaultQuality: 4.6 }),
      simModel({ name: "sim-beta-writer", role: "candidate", family: "beta", defaultQuality: 4.4 }),
      simModel({ name: "sim-alpha-critic", role: "critic", family: "alpha", selfBonus: 1, accuracy: 0.8, leniency: 0.3 }),
      simModel({ name: "sim-beta-critic", role: "critic", family: "beta", accuracy: 0.8 }),
      simModel({ name: "sim-gamma-critic", role: "critic", family: "gamma", accuracy: 0.85 }),
    ];
    const sim = await scratch.sim({ seed: 4, models, latencyMs: 0 });
    const cwd = await scratch.workdir();
    const cfg = {
      dataset: await dataset(cwd, 120),
      rubrics: ["helpfulness"],
      critics: [
        { model: "openai:sim-alpha-critic", family: "alpha" },
        { model: "openai:sim-beta-critic", family: "beta" },
        { model: "openai:sim-gamma-critic", family: "gamma" },
      ],
      candidates: [
        { id: "a", model: "openai:sim-alpha-writer", family: "alpha" },
        { id: "b", model: "openai:sim-beta-writer" },
      ],
      families: { b: "beta" },
      providers: { openai: { baseURL: sim.openaiBaseURL } },
    };
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify(cfg));
    const r = await critic(["run", "--out", "rep", "--quiet"], { cwd, env: { OPENAI_API_KEY: "sim-key" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    const rows = summary.diagnostics.selfPreference;
    const alpha = rows.find((x: { critic: string }) => x.critic === "openai:sim-alpha-critic");
    expect(alpha.family).toBe("alpha");
    expect(alpha.ownCandidates).toEqual(["a"]);
    expect(alpha.ci95.lo).toBeGreaterThan(0);
    expect(alpha.ci95.lo).toBeLessThan(1);
    expect(alpha.ci95.hi).toBeGreaterThan(1);
    const beta = rows.find((x: { critic: string }) => x.critic === "openai:sim-beta-critic");
    expect(beta.ci95.lo).toBeLessThan(0);
    expect(beta.ci95.hi).toBeGreaterThan(0);
    const gamma = rows.find((x: { critic: string }) => x.critic === "openai:sim-gamma-critic");
    expect(gamma.note).toBe("no candidate of its family (gamma)");
    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toContain("favours its own family (alpha)");
    expect(md).toContain("### Each critic on helpfulness: biases measured on this run");
  });
});

describe("samples", () => {
  it("asks a critic k times, uses the mean, and shows its spread and the 1..k curve; a rerun pays for nothing", async () => {
    const models = [
      simModel({ name: "sim-writer-a", role: "candidate", defaultQuality: 4.2, verbosity: 3 }),
      simModel({ name: "sim-writer-b", role: "candidate", defaultQuality: 4.8, verbosity: 3 }),
      simModel({ name: "sim-critic-noisy", role: "critic", accuracy: 0.7, sampleNoise: 1.2 }),
      simModel({ name: "sim-critic-steady", role: "critic", accuracy: 0.9 }),
    ];
    const sim = await scratch.sim({ seed: 6, models, latencyMs: 0 });
    const cwd = await scratch.workdir();
    const cfg = {
      dataset: await dataset(cwd, 80),
      rubrics: ["helpfulness"],
      critics: [{ model: "openai:sim-critic-noisy", samples: 4 }, "openai:sim-critic-steady"],
      candidates: [
        { id: "a", model: "openai:sim-writer-a" },
        { id: "b", model: "openai:sim-writer-b" },
      ],
      providers: { openai: { baseURL: sim.openaiBaseURL } },
    };
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify(cfg));
    const env = { OPENAI_API_KEY: "sim-key" };
    const plan = await critic(["run", "--dry-run"], { cwd, env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/sim-critic-noisy[^\n]*\b640-\d+/); // at least 80 items x 2 candidates x 4 samples

    const r = await critic(["run", "--out", "rep", "--quiet"], { cwd, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    const noisy = summary.usage.find((u: { id: string }) => u.id === "openai:sim-critic-noisy");
    expect(noisy.calls).toBe(640);
    const s = summary.diagnostics.samples;
    expect(s).toHaveLength(1);
    expect(s[0].critic).toBe("openai:sim-critic-noisy");
    expect(s[0].k).toBe(4);
    expect(s[0].reference).toBe("other critics");
    expect(s[0].withinSd).toBeGreaterThan(0.8);
    expect(s[0].curve).toHaveLength(4);
    expect(s[0].curve[3].agreement).toBeGreaterThan(s[0].curve[0].agreement);
    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toContain("Samples of openai:sim-critic-noisy (mean of the first m of 4, agreement against other critics)");
    const judgments = await readFile(join(cwd, "rep/judgments.csv"), "utf8");
    expect(judgments.split("\n").length).toBeGreaterThan(300);

    const again = await critic(["run", "--out", "rep2", "--quiet"], { cwd, env });
    const summary2 = JSON.parse(await readFile(join(cwd, "rep2/summary.json"), "utf8"));
    expect(again.code).toBe(0);
    expect(summary2.usage.find((u: { id: string }) => u.id === "openai:sim-critic-noisy").calls).toBe(0);
    expect(summary2.diagnostics.samples).toEqual(s);
  });
});

describe("explain", () => {
  it("asks each critic, after scoring and in separate calls, why the N worst outputs are weak; the dry run prices those calls", async () => {
    const sim = await scratch.sim({ seed: 8, latencyMs: 0 });
    const cwd = await scratch.workdir();
    const cfg = { dataset: join(ROOT, "datasets/support-judged.csv"), rubrics: ["politeness"], critics: ["openai:sim-critic-strong", "openai:sim-critic-lenient"], explain: 2, providers: { openai: { baseURL: sim.openaiBaseURL } } };
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify(cfg));
    const env = { OPENAI_API_KEY: "sim-key" };
    const plan = await critic(["run", "--dry-run"], { cwd, env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/sim-critic-strong[^\n]*\b62-\d+/); // at least 60 outputs + 2 explanations
    expect(plan.stdout).toContain("explain: the 2 worst outputs per rubric");

    const r = await critic(["run", "--out", "rep", "--quiet"], { cwd, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(cwd, "rep/summary.json"), "utf8"));
    const ex = summary.explanations;
    expect(ex).toHaveLength(4);
    for (const e of ex) {
      expect(e.rubric).toBe("politeness");
      expect(e.failed).toBeNull();
      expect(e.text.length).toBeGreaterThan(20);
    }
    // The two lowest combined scores, each explained by both critics.
    const scores = (await readFile(join(cwd, "rep/scores.csv"), "utf8")).trim().split("\n");
    expect(scores.length).toBe(61);
    expect(new Set(ex.map((e: { critic: string }) => e.critic))).toEqual(new Set(["openai:sim-critic-strong", "openai:sim-critic-lenient"]));
    const md = await readFile(join(cwd, "rep/report.md"), "utf8");
    expect(md).toContain("### Why the worst outputs are weak");
    expect(md).toContain(`**${ex[0].item}** / ${ex[0].candidate} on politeness`);
    const html = await readFile(join(cwd, "rep/report.html"), "utf8");
    expect(html).toContain("Why the worst outputs are weak");
    // Journaled: the report rebuilt from the run log shows the same answers, without calling anything.
    const calls = sim.stats().total;
    const rebuilt = await critic(["report", summary.run, "--out", "rep3"], { cwd, env });
    expect(rebuilt.code).toBe(0);
    expect(sim.stats().total).toBe(calls);
    expect(JSON.parse(await readFile(join(cwd, "rep3/summary.json"), "utf8")).explanations).toEqual(ex);
  });
});

describe("critic audit position", () => {
  it("asks A-or-B in both orders on a seeded sample and reports flips, first-slot preference and agreement with the critics' own scores", async () => {
    const sim = await scratch.sim({ seed: 5, latencyMs: 0 });
    const cwd = await scratch.workdir();
    const cfg = { dataset: join(ROOT, "datasets/support-judged.csv"), rubrics: ["politeness"], critics: ["openai:sim-critic-strong", "openai:sim-critic-fast"], providers: { openai: { baseURL: sim.openaiBaseURL } } };
    await writeFile(join(cwd, "c.json"), JSON.stringify(cfg));
    const env = { OPENAI_API_KEY: "sim-key" };
    const r = await critic(["audit", "position", "--config", "c.json", "--pairs", "60", "--out", "audit"], { cwd, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Position-bias audit: 60 of 60 pairs");
    const rep = JSON.parse(await readFile(join(cwd, "audit/position-audit.json"), "utf8"));
    const fast = rep.rows.find((x: { critic: string }) => x.critic === "openai:sim-critic-fast");
    const strong = rep.rows.find((x: { critic: string }) => x.critic === "openai:sim-critic-strong");
    // The simulator plants a position bias of 1.2 log-odds in sim-critic-fast: it is found.
    expect(fast.pairs).toBe(60);
    expect(fast.flipRate).toBeGreaterThan(0.1);
    expect(fast.firstSlotCi95.lo).toBeGreaterThan(0.5);
    expect(fast.firstSlot).toBeGreaterThan(strong.firstSlot);
    // Order-consistent verdicts mostly agree with what the same critic's separate scores imply.
    expect(strong.agreementWithDerived).toBeGreaterThan(0.7);
    expect(await readFile(join(cwd, "audit/position-audit.md"), "utf8")).toContain("| openai:sim-critic-fast | politeness | 60 |");

    // Seeded: the same pairs again, all from the cache.
    const again = await critic(["audit", "position", "--config", "c.json", "--pairs", "60", "--out", "audit2"], { cwd, env });
    expect(again.stdout).toContain("0 calls");
    const rep2 = JSON.parse(await readFile(join(cwd, "audit2/position-audit.json"), "utf8"));
    expect(rep2.rows).toEqual(rep.rows);

    const bad = await critic(["audit", "length", "--config", "c.json"], { cwd, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected "critic audit position"');
  });
});
