import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ProviderReply } from "../../../src/providers/provider.js";
import { ResponseCache, cacheStats, pruneCache } from "../../../src/store/cache.js";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

const reply = (text: string): ProviderReply => ({ text, inputTokens: 10, outputTokens: 1, latencyMs: 12.3 });
const key = (i: number) => i.toString(16).padStart(64, "0");

describe("the response cache store", () => {
  it("keeps one segment per writer and an index; two writers at once lose nothing; a stale index costs a scan, not an entry", async () => {
    dir = await mkdtemp(join(tmpdir(), "critic-cache-"));
    const a = new ResponseCache(dir);
    const b = new ResponseCache(dir);
    await Promise.all([...Array.from({ length: 50 }, (_, i) => a.set(key(i), reply(`a${i} «é»`))), ...Array.from({ length: 50 }, (_, i) => b.set(key(100 + i), reply(`b${i}`)))]);
    await a.close("run-a");
    // b's index is written last but knows nothing of a's lines beyond what it scanned: the next reader scans them.
    await b.close("run-b");
    const files = await readdir(join(dir, "cache"));
    expect(files.filter((f) => f.startsWith("seg-"))).toHaveLength(2);
    const c = new ResponseCache(dir);
    for (let i = 0; i < 50; i++) expect((await c.get(key(i)))?.text).toBe(`a${i} «é»`);
    for (let i = 0; i < 50; i++) expect((await c.get(key(100 + i)))?.text).toBe(`b${i}`);
    await c.close();
    expect(await cacheStats(dir)).toMatchObject({ entries: 100 });
  });

  it("reads a torn last line as a miss and a broken index as a scan", async () => {
    dir = await mkdtemp(join(tmpdir(), "critic-cache-"));
    const a = new ResponseCache(dir);
    await a.set(key(1), reply("one"));
    await a.close("r");
    const seg = (await readdir(join(dir, "cache"))).find((f) => f.startsWith("seg-"))!;
    await appendFile(join(dir, "cache", seg), `{"k":"${key(2)}","v":{"text":"tw`);
    await writeFile(join(dir, "cache", "index.txt"), "garbage");
    const b = new ResponseCache(dir);
    expect((await b.get(key(1)))?.text).toBe("one");
    expect(await b.get(key(2))).toBeNull();
  });

  it("prune keeps what the most recent runs used, in one segment", async () => {
    dir = await mkdtemp(join(tmpdir(), "critic-cache-"));
    const old = new ResponseCache(dir);
    for (let i = 0; i < 10; i++) await old.set(key(i), reply(`old${i}`));
    await old.close("old-run");
    await new Promise((r) => setTimeout(r, 20));
    const recent = new ResponseCache(dir);
    expect((await recent.get(key(3)))?.text).toBe("old3");
    await recent.set(key(20), reply("new"));
    await recent.close("recent-run");
    const r = await pruneCache(dir, 1);
    expect(r).toEqual({ before: 11, after: 2 });
    const after = new ResponseCache(dir);
    expect((await after.get(key(3)))?.text).toBe("old3");
    expect((await after.get(key(20)))?.text).toBe("new");
    expect(await after.get(key(4))).toBeNull();
    expect((await readdir(join(dir, "cache"))).filter((f) => f.startsWith("seg-"))).toHaveLength(1);
    expect((await readFile(join(dir, "cache", "index.txt"), "utf8")).trim().split("\n")).toHaveLength(4);
  });
});
