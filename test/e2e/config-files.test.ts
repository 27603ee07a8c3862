import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { ROOT, critic } from "../helpers/cli.js";

// critic.config.ts / .json / .yaml, found in the working directory or given by --config.
// The TypeScript config imports `defineConfig` from "critic" as a user's would; it lives under the
// package (test-output/) so the import resolves to this package by its own name.

let sim: SimServer;
const dir = join(ROOT, "test-output", `config-${process.pid}`);
const DATASET = join(ROOT, "datasets/support-judged.csv");

beforeAll(async () => {
  sim = await startSimServer({ seed: 3 });
  await mkdir(dir, { recursive: true });
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const cases: [string, string][] = [
  [
    "critic.config.ts",
    `import { defineConfig } from "critic";\nconst rubric: string = "politeness";\nexport default defineConfig({ dataset: ${JSON.stringify(DATASET)}, rubrics: [rubric], critics: ["openai:sim-critic-strong"], sample: 5, out: "rep-ts" });\n`,
  ],
  ["critic.config.json", JSON.stringify({ dataset: DATASET, rubrics: ["politeness"], critics: ["openai:sim-critic-strong"], sample: 5, out: "rep-json" })],
  ["critic.config.yaml", `dataset: ${DATASET}\nrubrics: [politeness]\ncritics:\n  - openai:sim-critic-strong\nsample: 5\nout: rep-yaml\n`],
];

describe("suite config files", () => {
  it.each(cases)("runs the suite described by %s", async (name, text) => {
    const cwd = join(dir, name.replace(/\W/g, "-"));
    await mkdir(cwd, { recursive: true });
    await writeFile(join(cwd, name), text);
    const r = await critic(["run", "--quiet"], { cwd, env: { OPENAI_BASE_URL: sim.openaiBaseURL } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = /"?out"?:\s*"?(rep-\w+)/.exec(text)?.[1];
    const summary = JSON.parse(await readFile(join(cwd, out!, "summary.json"), "utf8"));
    expect(new Set(summary.cells.map((c: { rubric: string }) => c.rubric))).toEqual(new Set(["politeness"]));
    // 5 sampled items, each with 3 candidates' outputs.
    expect(summary.judgments).toBe(15);
  });

  it("names the config file and the field when a value has the wrong type", async () => {
    const cwd = join(dir, "bad");
    await mkdir(cwd, { recursive: true });
    await writeFile(join(cwd, "critic.config.json"), JSON.stringify({ dataset: DATASET, rubrics: "politeness", critics: ["openai:sim-critic-strong"] }));
    const r = await critic(["run"], { cwd, env: { OPENAI_BASE_URL: sim.openaiBaseURL } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/critic\.config\.json: rubrics/);
  });
});
