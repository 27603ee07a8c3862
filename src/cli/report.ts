import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { renderConsole } from "../report/console.js";
import { writeReports } from "../report/write.js";
import { rebuildRun } from "../runner/rebuild.js";
import { type Command, bool, str } from "./command.js";

export const CACHE_DIR_FLAG = { "cache-dir": { type: "string" } } as const;
export const cacheDirOf = (values: Record<string, unknown>, cwd: string) => resolve(cwd, (values["cache-dir"] as string | undefined) ?? ".critic");

export function runIdOf(positionals: string[], name: string): string {
  const run = positionals[0];
  if (!run || positionals.length > 1) throw new ConfigError(`critic ${name} takes one run id (see .critic/runs/)`);
  return run;
}

export const reportCommand: Command = {
  name: "report",
  summary: "re-render a run's reports from its journal (no calls)",
  usage: "RUN [--out DIR] [--force] [--cache-dir DIR]",
  allowPositionals: true,
  flags: { out: { type: "string" }, force: { type: "boolean" }, ...CACHE_DIR_FLAG },
  flagHelp: { out: "report directory (default reports/<run>)", force: "replace the reports in a directory that already has them", "cache-dir": "where the runs are (default .critic)" },
  async run({ values, positionals }, io) {
    const run = runIdOf(positionals, "report");
    const dir = resolve(io.cwd, str(values, "out") ?? join("reports", run));
    // The run wrote its own reports there: a rebuild never replaces them unless asked.
    if (!bool(values, "force") && existsSync(dir) && readdirSync(dir).length) {
      throw new ConfigError(`${relative(io.cwd, dir) || dir} already exists; give --out DIR for another directory, or --force to replace its reports`);
    }
    const { result } = await rebuildRun(cacheDirOf(values, io.cwd), run, io.cwd);
    const files = await writeReports(result, dir);
    io.stdout(renderConsole(result, { color: io.isTTY }));
    io.stdout(`\nReports (run ${run}):`);
    for (const f of files) io.stdout(`  ${relative(io.cwd, f)}`);
    return 0;
  },
};
