import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/critic.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would (tests run after `npm run build`). Async, so an in-process simulator keeps serving. */
export function critic(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const env = { ...process.env, OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "", OPENAI_BASE_URL: "", ANTHROPIC_BASE_URL: "", ...opts.env };
    execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A fresh temp working directory; call the returned cleanup in afterEach. */
export async function tempDir(prefix = "critic-e2e-"): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * `critic run` on the bundled support-judged.csv (politeness, two simulator critics) into `cwd`,
 * its report in `first/`; returns the run id. The finished run that the journal-reading commands
 * (report, calibrate, compare) are tested on.
 */
export async function judgedPolitenessRun(cwd: string, openaiBaseURL: string): Promise<string> {
  const args = ["run", "--dataset", join(ROOT, "datasets/support-judged.csv"), "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--critic", "openai:sim-critic-fast"];
  const r = await critic([...args, "--base-url", openaiBaseURL, "--out", "first", "--quiet"], { cwd });
  if (r.code !== 0) throw new Error(`critic run exited ${r.code}: ${r.stderr}`);
  return (await readdir(join(cwd, ".critic/runs")))[0]!;
}
