// One harness run in a fresh process: 5,000 judgments through the real OpenAI SDK to the simulator.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSuite } from "../src/config/load.js";
import { writeReports } from "../src/report/write.js";
import { runSuite } from "../src/runner/run-suite.js";

const [baseURL, judgmentsArg, concurrencyArg] = process.argv.slice(2);
const judgments = Number(judgmentsArg ?? 5000);
const concurrency = Number(concurrencyArg ?? 64);
const dir = await mkdtemp(join(tmpdir(), "critic-bench-"));
const lines = ["id,input,output"];
for (let i = 0; i < judgments; i++) lines.push(`q${i},"Question number ${i} about the product?","Answer ${i}: here is what you can do, step by step, in ${(i % 5) + 2} steps."`);
await writeFile(join(dir, "data.csv"), `${lines.join("\n")}\n`);
const suite = await loadSuite({}, dir, { OPENAI_API_KEY: "bench" }, {
  dataset: join(dir, "data.csv"),
  rubrics: ["helpfulness"],
  critics: ["openai:sim-critic-strong"],
  providers: { openai: { baseURL } },
  concurrency,
  cacheDir: join(dir, ".critic"),
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { result } = await runSuite(suite, { cwd: dir, noCache: true, write: false });
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
// The reports a user's run then writes, timed on their own: they are not call scheduling.
const r0 = performance.now();
await writeReports(result, join(dir, "reports"));
const reportMs = performance.now() - r0;
process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, judgments: result.totals.judgments, failed: result.totals.failed, reportMs })}\n`);
await rm(dir, { recursive: true, force: true });
