import { relative } from "node:path";
import { ConfigError } from "../errors.js";
import { cacheStats, pruneCache } from "../store/cache.js";
import { type Command, str } from "./command.js";
import { CACHE_DIR_FLAG, cacheDirOf } from "./report.js";

const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;

export const cacheCommand: Command = {
  name: "cache",
  summary: "the response cache: `stats` (files, size, entries) or `prune` (keep what recent runs used)",
  usage: "stats|prune [--keep-runs N] [--cache-dir DIR]",
  allowPositionals: true,
  flags: { "keep-runs": { type: "string" }, ...CACHE_DIR_FLAG },
  flagHelp: { "keep-runs": "prune: keep the responses the N most recent runs used (default 5)", "cache-dir": "where the cache is (default .critic)" },
  async run({ values, positionals }, io) {
    const dir = cacheDirOf(values, io.cwd);
    const [action, ...rest] = positionals;
    if (rest.length || (action !== "stats" && action !== "prune")) throw new ConfigError("critic cache takes one action: stats or prune");
    if (action === "prune") {
      const keep = Number(str(values, "keep-runs") ?? 5);
      if (!Number.isInteger(keep) || keep < 0) throw new ConfigError(`--keep-runs must be a whole number, got "${str(values, "keep-runs")}"`);
      const before = await cacheStats(dir);
      const r = await pruneCache(dir, keep);
      const after = await cacheStats(dir);
      io.stdout(`Pruned ${relative(io.cwd, dir) || dir}/cache: ${r.before} -> ${r.after} responses, ${before.files} -> ${after.files} files, ${mib(before.bytes)} -> ${mib(after.bytes)} (kept what the ${keep} most recent runs used).`);
      return 0;
    }
    const s = await cacheStats(dir);
    io.stdout(`${relative(io.cwd, dir) || dir}/cache: ${s.entries} responses in ${s.files} files, ${mib(s.bytes)} (${mib(s.disk)} on disk).`);
    return 0;
  },
};
