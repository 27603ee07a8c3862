// `npm run bench`: every benchmark module contributes rows to one table.
import Table from "cli-table3";
import type { BenchRow } from "./row.js";

const MODULES = ["harness", "dry-run", "process", "label-models", "label-coverage", "crowd", "comparison", "sequential", "ppi", "batch", "limits", "diagnostics", "triage", "proxy", "candidates"];

const all: BenchRow[] = [];
const only = process.argv.slice(2);
for (const name of MODULES) {
  if (only.length && !only.includes(name)) continue;
  let mod: { rows: () => Promise<BenchRow[]> };
  try {
    mod = (await import(`./${name}.js`)) as typeof mod;
  } catch (e) {
    all.push({ area: name, metric: "module failed to load", value: (e as Error).message.slice(0, 80), target: "", ok: false });
    continue;
  }
  const t0 = performance.now();
  try {
    all.push(...(await mod.rows()));
  } catch (e) {
    all.push({ area: name, metric: "benchmark failed", value: (e as Error).message.slice(0, 120), target: "", ok: false });
  }
  process.stderr.write(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
const table = new Table({ head: ["area", "metric", "value", "target", "ok"], wordWrap: true, colWidths: [12, 52, 44, 16, 6] });
for (const r of all) table.push([r.area, r.metric, r.value, r.target, r.ok === null ? "" : r.ok ? "yes" : "NO"]);
process.stdout.write(`${table.toString()}\n`);
