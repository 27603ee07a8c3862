import type { ParseArgsConfig } from "node:util";

export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Raw writes to stderr, no newline added: the progress display redraws its line with \r. */
  progress: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stderr is an interactive terminal (progress bar instead of periodic lines). */
  isTTY: boolean;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

/** One command per file. `run` returns the exit code; only cli/main.ts sets process.exitCode. */
export interface Command {
  name: string;
  summary: string;
  /** Usage line after `critic <name>`, e.g. "LABELS [--k K]". */
  usage: string;
  flags: FlagSpec;
  /** Help text for each flag, shown by `critic <name> --help`. */
  flagHelp?: Record<string, string>;
  allowPositionals?: boolean;
  run(args: { values: FlagValues; positionals: string[] }, io: CommandIO): Promise<number>;
}

/** Read a string flag (the last one when repeated). */
export function str(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === "string" ? v : undefined;
}

/** Read a repeatable string flag. */
export function strs(values: FlagValues, name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function bool(values: FlagValues, name: string): boolean {
  return values[name] === true;
}
