import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../store/atomic.js";

/**
 * Rows given inline (`data: [...]` in describeEval or a config) as a JSONL file under the cache
 * directory, named by a hash of its content: the run, `--resume` and `critic report` then read
 * them like any dataset, and the same rows always land in the same file. A row without `id`
 * gets its position (1-based) as id.
 */
export async function writeInlineData(rows: readonly Record<string, unknown>[], cacheDir: string): Promise<string> {
  const text = `${rows.map((r, i) => JSON.stringify(r.id === undefined ? { id: String(i + 1), ...r } : r)).join("\n")}\n`;
  const file = join(cacheDir, "data", `${createHash("sha256").update(text).digest("hex").slice(0, 16)}.jsonl`);
  if (!existsSync(file)) await writeFileAtomic(file, text);
  return file;
}
