// What several benchmarks share: the simulator in a process of its own (so the measured process's
// CPU and memory are its alone), the figures a bench child prints, and the median of a few runs.
import { type ExecFileSyncOptions, execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Start sim-child.js at `latencyMs`; resolves once it listens. */
export async function startSimProcess(latencyMs: number): Promise<{ openaiBaseURL: string; close: () => void }> {
  const child = spawn(process.execPath, [join(HERE, "sim-child.js"), String(latencyMs)], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`simulator exited ${code}`)));
  });
  const { openaiBaseURL } = JSON.parse(line) as { openaiBaseURL: string };
  return { openaiBaseURL, close: () => child.kill("SIGTERM") };
}

/** Run a bench child script (harness-child.js, sdk-floor-child.js, ...) and parse the JSON on its last line. */
export function childFigures<T>(script: string, args: string[], opts: { nodeFlags?: string[] } & ExecFileSyncOptions = {}): T {
  const { nodeFlags = [], ...exec } = opts;
  const out = execFileSync(process.execPath, [...nodeFlags, join(HERE, script), ...args], { maxBuffer: 1 << 24, ...exec, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

/** The middle value (the upper one of an even count): the runs are few and odd. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
