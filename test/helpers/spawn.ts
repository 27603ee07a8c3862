import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { BIN } from "./cli.js";

export interface Spawned {
  child: ChildProcess;
  /** Resolves when the process exits: its code (null when killed) and the signal that killed it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Start the built CLI without waiting for it, so a test can signal it mid-run. */
export function spawnCritic(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Spawned {
  const env = { ...process.env, OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "", OPENAI_BASE_URL: "", ANTHROPIC_BASE_URL: "", ...opts.env };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  // A guard, not a timing assertion: a hung child must not hang the test run.
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      // Let the pipes drain before handing the output over.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    }),
  );
  return { child, exited };
}

/** The one run id under `.critic/runs/` (a test's working directory holds one run). */
export async function onlyRun(cwd: string): Promise<string | null> {
  const dir = join(cwd, ".critic/runs");
  if (!existsSync(dir)) return null;
  const runs = await readdir(dir);
  return runs.length === 1 ? runs[0]! : null;
}

/** Judgment lines written to a run's journal so far. */
export async function journaledJudgments(cwd: string, run: string): Promise<{ key: string; level: number | null; kind: string }[]> {
  const file = join(cwd, ".critic/runs", run, "journal.jsonl");
  if (!existsSync(file)) return [];
  const out: { key: string; level: number | null; kind: string }[] = [];
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    if (!line.startsWith('{"type":"judgment"')) continue;
    try {
      const j = JSON.parse(line) as { key: string; level: number | null; kind: string };
      out.push({ key: j.key, level: j.level, kind: j.kind });
    } catch {
      // a line being written right now
    }
  }
  return out;
}

/** Poll until `n` judgments are journaled (or the process exits); returns the run id. */
export async function waitForJudgments(cwd: string, n: number, s: Spawned): Promise<string> {
  let gone = false;
  void s.exited.then(() => (gone = true));
  for (;;) {
    const run = await onlyRun(cwd);
    if (run && (await journaledJudgments(cwd, run)).length >= n) return run;
    if (gone) throw new Error(`the run exited before ${n} judgments were journaled`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
