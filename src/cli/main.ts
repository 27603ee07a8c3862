import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../paths.js";
import { CriticError } from "../errors.js";
import type { Command, CommandIO } from "./command.js";

/** Commands are imported lazily so `critic --version` starts fast. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./run.js")).runCommand,
  demo: async () => (await import("./demo.js")).demoCommand,
  report: async () => (await import("./report.js")).reportCommand,
  history: async () => (await import("./history.js")).historyCommand,
  cache: async () => (await import("./cache.js")).cacheCommand,
  calibrate: async () => (await import("./calibrate.js")).calibrateCommand,
  compare: async () => (await import("./compare.js")).compareCommand,
  "sim-server": async () => (await import("./sim-server.js")).simServerCommand,
  aggregate: async () => (await import("./aggregate.js")).aggregateCommand,
  audit: async () => (await import("./audit.js")).auditCommand,
  rubric: async () => (await import("./rubric.js")).rubricCommand,
  triage: async () => (await import("./triage.js")).triageCommand,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

function helpText(cmds: Command[]): string {
  const lines = ["critic: LLM-as-critic evaluation harness", "", "Usage: critic <command> [flags]", "", "Commands:"];
  for (const c of cmds) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  lines.push("", "Run `critic <command> --help` for its flags. Exit codes: 0 ok, 1 gate failed, 2 bad input, 3 internal error, 130 interrupted.");
  return lines.join("\n");
}

function commandHelp(c: Command): string {
  const lines = [`Usage: critic ${c.name} ${c.usage}`, "", c.summary, "", "Flags:"];
  for (const [name, spec] of Object.entries(c.flags)) {
    const flag = `--${name}${spec.type === "string" ? " VALUE" : ""}${spec.multiple ? " (repeatable)" : ""}`;
    lines.push(`  ${flag.padEnd(28)} ${c.flagHelp?.[name] ?? ""}`);
  }
  return lines.join("\n");
}

/** Parse argv, run one command, return its exit code. Never calls process.exit. */
export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(helpText(await Promise.all(Object.values(COMMANDS).map((f) => f()))));
    return 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(version());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`critic: unknown command "${name}". Run \`critic --help\` for the list.`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(commandHelp(cmd));
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: cmd.flags, allowPositionals: cmd.allowPositionals ?? false, strict: true });
  } catch (e) {
    io.stderr(`critic ${name}: ${(e as Error).message}`);
    return 2;
  }
  try {
    return await cmd.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (e) {
    if (e instanceof CriticError) {
      io.stderr(`critic ${name}: ${e.message}`);
      return e.exitCode;
    }
    if (io.signal.aborted) {
      io.stderr(`critic ${name}: interrupted`);
      return 130;
    }
    io.stderr(`critic ${name}: internal error (a bug, please report it):\n${(e as Error).stack ?? String(e)}`);
    return 3;
  }
}

/** Entry point for bin/critic.js: the only place that sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  // `critic ... | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  });
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await runCli(argv, {
    stdout: (t) => process.stdout.write(`${t}\n`),
    stderr: (t) => process.stderr.write(`${t}\n`),
    cwd: process.cwd(),
    env: process.env,
    progress: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    signal: controller.signal,
  });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  process.exitCode = controller.signal.aborted && code === 0 ? 130 : code;
  // Every command is done when it returns (sim-server returns when stopped). What still holds the
  // process then was started by user code, say a task that ignored its abort signal and left a
  // timer or a socket: exit anyway, shortly, instead of hanging a CI job on it.
  setTimeout(() => {
    process.stderr.write(`critic: exiting with work still pending that critic did not start (a task's timer or connection left open after it was aborted?)\n`);
    process.exit();
  }, LINGER_MS).unref();
}

/** How long a finished command waits for what user code left running before exiting anyway. */
const LINGER_MS = 1000;
