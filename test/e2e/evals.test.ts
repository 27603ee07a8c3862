/**
 * Evals as tests, end to end: a temp eval file using the built `critic/vitest` entry runs
 * under a child Vitest against the simulator. Passing gates pass, failing gates fail with the
 * estimate, interval, threshold and worst items, and replay with an empty cache stops on a
 * clear "cache miss".
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/cli.js";

const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");
const ENTRY = join(ROOT, "dist/src/vitest/index.js");

const EVAL = `import { describeEval } from ${JSON.stringify(ENTRY)};
describeEval("support", {
  suite: {
    dataset: ${JSON.stringify(join(ROOT, "datasets/support.csv"))},
    rubrics: ["helpfulness", "politeness"],
    critics: ["openai:sim-critic-strong", "hosted:sim-critic-fast"],
    candidates: [{ id: "small", model: "openai:sim-small" }, { id: "large", model: "openai:sim-large" }],
    // A named endpoint whose key is not set: simulated, it is served by the simulator all the same.
    providers: { hosted: { type: "openai", baseURL: "https://llm.example.invalid/v1", apiKeyEnv: "CRITIC_TEST_HOSTED_KEY" } },
  },
  simulate: true,
}, ({ gate }) => {
  gate.mean("large", "politeness").atLeast(4.5);
  gate.compare("large", "small", "helpfulness").betterBy(1);
  gate.mean("small", "helpfulness").atLeast(5);
  gate.compare("small", "large", "helpfulness").notWorseBy(0.5);
});
`;

interface Assertion {
  title: string;
  status: string;
  failureMessages: string[];
}

/** `vitest run` in `dir` as a child process; returns the exit code, the text output and, with json, the per-test results. */
function vitest(dir: string, env: Record<string, string> = {}, json = true): Promise<{ code: number; out: string; tests: Map<string, Assertion> }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "GITHUB_STEP_SUMMARY" && k !== "CRITIC_REPLAY" && k !== "NODE_OPTIONS"));
  const args = [VITEST, "run", "--root", dir, "--config", join(dir, "vitest.config.mjs"), ...(json ? ["--reporter=json", `--outputFile=${join(dir, "out.json")}`] : [])];
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: dir, env: { ...clean, NO_COLOR: "1", ...env }, timeout: 60_000 }, async (err, stdout, stderr) => {
      const tests = new Map<string, Assertion>();
      if (json) {
        const report = JSON.parse(await readFile(join(dir, "out.json"), "utf8")) as { testResults: { assertionResults: Assertion[] }[] };
        for (const a of report.testResults.flatMap((t) => t.assertionResults)) tests.set(a.title, a);
      }
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: stdout + stderr, tests });
    });
  });
}

async function evalDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const d = await tempDir("critic-evals-");
  await writeFile(join(d.path, "support.eval.ts"), EVAL);
  await writeFile(join(d.path, "vitest.config.mjs"), 'export default { test: { include: ["*.eval.ts"] } };\n');
  return d;
}

describe("describeEval under Vitest", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let first: Awaited<ReturnType<typeof vitest>>;

  beforeAll(async () => {
    dir = await evalDir();
    first = await vitest(dir.path);
  });
  afterAll(() => dir.cleanup());

  it("passes the gates the simulated candidates clear, one Vitest test per gate", () => {
    expect(first.tests.size).toBe(4);
    expect(first.tests.get("gate: mean(large, politeness) ≥ 4.5")?.status).toBe("passed");
    expect(first.tests.get("gate: large vs small on helpfulness: better by 1")?.status).toBe("passed");
  });

  it("fails a mean gate with the estimate, its interval, the threshold and the worst items", () => {
    expect(first.code).toBe(1);
    const t = first.tests.get("gate: mean(small, helpfulness) ≥ 5");
    expect(t?.status).toBe("failed");
    const msg = t?.failureMessages.join("\n") ?? "";
    expect(msg).toMatch(/FAIL mean\(small, helpfulness\) ≥ 5/);
    expect(msg).toMatch(/mean score of small on helpfulness is \d\.\d\d, 95% CI \[\d\.\d\d, \d\.\d\d\] \(n = 40\); the lower bound \d\.\d\d is below the threshold 5\./);
    expect(msg).toMatch(/Worst items \(small on helpfulness\):\n {4}s\d\d: \d\.\d\d {2}"/);
  });

  it("fails a non-inferiority gate on the lower bound of the paired difference", () => {
    const msg = first.tests.get("gate: small vs large on helpfulness: not worse by 0.5")?.failureMessages.join("\n") ?? "";
    expect(msg).toMatch(/paired difference small − large on helpfulness is −\d\.\d\d, 95% CI \[−\d\.\d\d, −\d\.\d\d\] \(n = 40 paired items\); the lower bound −\d\.\d\d is not above −0\.50 \(non-inferiority margin 0\.5\)/);
    expect(msg).toMatch(/s\d\d: \d\.\d\d vs \d\.\d\d \(−\d\.\d\d\)/);
  });

  it("replays the recorded cache with CRITIC_REPLAY=1 and reaches the same verdicts", async () => {
    const replay = await vitest(dir.path, { CRITIC_REPLAY: "1" });
    const verdicts = (m: Map<string, Assertion>) => [...m.values()].map((a) => `${a.title}: ${a.status}`);
    expect(verdicts(replay.tests)).toEqual(verdicts(first.tests));
  });

  it("stops on a clear cache miss when replaying with an empty cache", async () => {
    const empty = await evalDir();
    try {
      const r = await vitest(empty.path, { CRITIC_REPLAY: "1" }, false);
      expect(r.code).toBe(1);
      expect(r.out).toContain("CacheMissError: cache miss in replay mode (CRITIC_REPLAY=1): no cached response for");
      expect(r.out).toContain("run the suite once without CRITIC_REPLAY to record it");
      expect(r.out).not.toMatch(/✓ gate:/);
    } finally {
      await empty.cleanup();
    }
  });
});
