// One `critic triage` in a fresh process, as the CLI runs it; prints its wall time and peak RSS.
import { runCli } from "../src/cli/main.js";

const args = process.argv.slice(2);
const t0 = performance.now();
const errors: string[] = [];
const code = await runCli(["triage", ...args, "--quiet"], {
  stdout: () => {},
  stderr: (t) => errors.push(t),
  progress: () => {},
  cwd: process.cwd(),
  env: process.env,
  isTTY: false,
  signal: new AbortController().signal,
});
process.stdout.write(`${JSON.stringify({ code, errors, wallMs: performance.now() - t0, maxRssKb: process.resourceUsage().maxRSS })}\n`);
