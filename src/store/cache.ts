import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ProviderReply } from "../providers/provider.js";
import { writeFileAtomic } from "./atomic.js";

const CachedReplySchema = z.object({
  text: z.string(),
  firstTokenTop: z.array(z.object({ token: z.string(), logprob: z.number() })).optional(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  reasoningTokens: z.number().nullable().optional(),
  finish: z.string().nullable().optional(),
  latencyMs: z.number(),
});

type Entry = [segment: string, offset: number, length: number];

const INDEX = "index.txt";
const INDEX_MAGIC = "critic-cache-index 1";

/**
 * The index as text, one entry a line sorted by key, so a committed cache diffs line by line:
 * the magic line, a JSON line of [segment, bytes covered] pairs, then `key segment offset length`
 * (segment as its position in that list).
 */
function renderIndex(covered: Record<string, number>, entries: Iterable<[string, Entry]>): string {
  const names = Object.keys(covered).sort();
  const pos = new Map(names.map((n, i) => [n, i]));
  const lines = [...entries].filter(([, e]) => pos.has(e[0])).map(([k, e]) => `${k} ${pos.get(e[0])} ${e[1]} ${e[2]}`);
  lines.sort();
  return `${INDEX_MAGIC}\n${JSON.stringify(names.map((n) => [n, covered[n]]))}\n${lines.join("\n")}\n`;
}

/** Null for an index that is missing or does not parse: the segments are then scanned whole. */
function parseIndex(text: string): { covered: Record<string, number>; entries: Map<string, Entry> } | null {
  const lines = text.split("\n");
  if (lines[0] !== INDEX_MAGIC) return null;
  const segs = z.array(z.tuple([z.string(), z.number()])).safeParse(JSON.parse(lines[1] ?? "null"));
  if (!segs.success) return null;
  const entries = new Map<string, Entry>();
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const [k, s, o, l] = line.split(" ");
    const seg = segs.data[Number(s)];
    if (!k || !seg || !Number.isInteger(Number(o)) || !Number.isInteger(Number(l))) return null;
    entries.set(k, [seg[0], Number(o), Number(l)]);
  }
  return { covered: Object.fromEntries(segs.data), entries };
}

const SEGMENT = /^seg-[\w.-]+\.jsonl$/;

/** Escaped to ASCII: a torn last line then never ends inside a UTF-8 sequence. */
function asciiJson(obj: unknown): string {
  const s = JSON.stringify(obj);
  return /[\u007f-\uffff]/.test(s) ? s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : s;
}

/**
 * The response cache: an append-only store of a few segment files plus an index, under
 * `<dir>/cache/`. Small and diff-friendly in git for CRITIC_REPLAY, where one file per response
 * was thousands.
 *
 * - Each process appends to a segment of its own (`seg-<time>-<pid>-<random>.jsonl`, one JSON
 *   line per response), so concurrent runs never write the same file.
 * - `index.txt` (key -> segment, offset, length) is rewritten by rename when a process closes
 *   the store; it records how many bytes of each segment it covers, and whatever lies beyond
 *   (another process's later lines) is scanned on open. The segments are the truth: a lost or
 *   stale index costs a scan, never an entry.
 * - A line that does not parse (a torn tail, a manual edit) is a miss, never a crash.
 * - The keys each run used are listed in `used/<run>.keys`, so `critic cache prune` can keep
 *   what recent runs used and drop the rest.
 */
export class ResponseCache {
  private entries: Map<string, Entry> | null = null;
  private covered: Record<string, number> = {};
  private loading: Promise<void> | null = null;
  private readers = new Map<string, Promise<FileHandle>>();
  private own: { name: string; fh: FileHandle; size: number } | null = null;
  private pending: { key: string; line: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private used = new Set<string>();
  private added = 0;

  constructor(
    readonly dir: string,
    readonly enabled = true,
  ) {}

  get root(): string {
    return join(this.dir, "cache");
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const entries = new Map<string, Entry>();
      const index = await readFile(join(this.root, INDEX), "utf8")
        .then(parseIndex)
        .catch(() => null);
      const names = existsSync(this.root) ? (await readdir(this.root)).filter((n) => SEGMENT.test(n)) : [];
      const covered: Record<string, number> = {};
      if (index) {
        const present = new Set(names);
        for (const [k, e] of index.entries) if (present.has(e[0])) entries.set(k, e);
        for (const n of names) if (index.covered[n] !== undefined) covered[n] = index.covered[n]!;
      }
      for (const n of names) covered[n] = await this.scan(n, covered[n] ?? 0, entries);
      this.entries = entries;
      this.covered = covered;
    })();
    return this.loading;
  }

  /** Index the whole lines of a segment from `from` on; returns the bytes covered. */
  private async scan(name: string, from: number, into: Map<string, Entry>): Promise<number> {
    const buf = await readFile(join(this.root, name));
    let at = from;
    while (at < buf.length) {
      const nl = buf.indexOf(0x0a, at);
      if (nl < 0) break; // a line still being written, or torn: the next scan sees it whole
      const m = /^\{"k":"([0-9a-f]+)"/.exec(buf.toString("latin1", at, Math.min(nl, at + 100)));
      if (m && !into.has(m[1]!)) into.set(m[1]!, [name, at, nl - at]);
      at = nl + 1;
    }
    return at;
  }

  private reader(name: string): Promise<FileHandle> {
    let r = this.readers.get(name);
    if (!r) {
      r = open(join(this.root, name), "r");
      this.readers.set(name, r);
    }
    return r;
  }

  async get(key: string): Promise<ProviderReply | null> {
    if (!this.enabled) return null;
    await this.load();
    const e = this.entries!.get(key);
    if (!e) return null;
    try {
      const parsed = CachedReplySchema.safeParse((JSON.parse(await this.line(e)) as { v: unknown }).v);
      if (!parsed.success) return null;
      this.used.add(key);
      return parsed.data;
    } catch {
      // A segment removed by a prune in another process, or a line edited by hand: a miss.
      return null;
    }
  }

  /** Append a response (once per key); lines arriving together share one write. */
  async set(key: string, reply: ProviderReply): Promise<void> {
    if (!this.enabled) return;
    await this.load();
    this.used.add(key);
    if (this.entries!.has(key)) return;
    this.entries!.set(key, ["", 0, 0]);
    await new Promise<void>((resolve, reject) => {
      // Latency to the millisecond: the line stays short, and a replayed answer reports none anyway.
      this.pending.push({ key, line: `${asciiJson({ k: key, v: { ...reply, latencyMs: Math.round(reply.latencyMs) } })}\n`, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        if (!this.own) {
          await mkdir(this.root, { recursive: true });
          const name = `seg-${new Date().toISOString().replace(/[-:.]/g, "")}-${process.pid}-${randomBytes(3).toString("hex")}.jsonl`;
          this.own = { name, fh: await open(join(this.root, name), "a"), size: 0 };
        }
        const own = this.own;
        const text = batch.map((b) => b.line).join("");
        await own.fh.write(text);
        for (const b of batch) {
          const len = Buffer.byteLength(b.line) - 1;
          this.entries!.set(b.key, [own.name, own.size, len]);
          own.size += len + 1;
          this.added++;
        }
        this.covered[own.name] = own.size;
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) {
          this.entries!.delete(b.key);
          b.reject(e);
        }
      }
    }
    this.flushing = null;
  }

  /** Every entry known, by key (loaded on first use), and the segments they lie in. */
  async contents(): Promise<{ entries: ReadonlyMap<string, Entry>; segments: string[] }> {
    await this.load();
    return { entries: this.entries!, segments: Object.keys(this.covered) };
  }

  /** The stored line of an entry, as written. */
  async line(e: Entry): Promise<string> {
    const buf = Buffer.alloc(e[2]);
    await (await this.reader(e[0])).read(buf, 0, e[2], e[1]);
    return buf.toString("utf8");
  }

  /** Write the index (when this process added entries) and the keys `run` used; close the files. */
  async close(run?: string): Promise<void> {
    if (!this.enabled || !this.entries) return;
    await this.flushing;
    await this.own?.fh.close();
    for (const r of this.readers.values()) await r.then((fh) => fh.close()).catch(() => undefined);
    this.readers.clear();
    if (this.added) {
      // Another process may have appended since: the index says how far it covers each segment.
      await writeFileAtomic(join(this.root, INDEX), renderIndex(this.covered, this.entries));
    }
    if (run && this.used.size) await writeFileAtomic(join(this.root, "used", `${run}.keys`), `${[...this.used].sort().join("\n")}\n`);
  }
}

/** Files, bytes, disk use (whole blocks, as `du` counts) and entries of a cache directory. */
export async function cacheStats(dir: string): Promise<{ files: number; bytes: number; disk: number; entries: number }> {
  const root = join(dir, "cache");
  if (!existsSync(root)) return { files: 0, bytes: 0, disk: 0, entries: 0 };
  let files = 0;
  let bytes = 0;
  let disk = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else {
        files++;
        const st = await stat(join(d, e.name));
        bytes += st.size;
        disk += st.blocks * 512;
      }
    }
  };
  await walk(root);
  const c = new ResponseCache(dir);
  const { entries } = await c.contents();
  await c.close();
  return { files, bytes, disk, entries: entries.size };
}

/**
 * Keep only the entries the `keep` most recent runs used (by their `used/<run>.keys` files),
 * rewritten as one segment with a fresh index; older segments and key lists go. Run it when no
 * run is writing the cache: a line appended to an old segment during the prune is dropped with
 * it (a later miss, never a corrupt entry).
 */
export async function pruneCache(dir: string, keep: number): Promise<{ before: number; after: number }> {
  const root = join(dir, "cache");
  const usedDir = join(root, "used");
  const lists = existsSync(usedDir) ? await Promise.all((await readdir(usedDir)).filter((n) => n.endsWith(".keys")).map(async (n) => ({ n, t: (await stat(join(usedDir, n))).mtimeMs }))) : [];
  lists.sort((a, b) => b.t - a.t);
  const kept = lists.slice(0, keep);
  const wanted = new Set<string>();
  for (const l of kept) for (const k of (await readFile(join(usedDir, l.n), "utf8")).split("\n")) if (k) wanted.add(k);
  const cache = new ResponseCache(dir);
  const { entries, segments: oldSegments } = await cache.contents();
  const before = entries.size;
  const name = `seg-${new Date().toISOString().replace(/[-:.]/g, "")}-${process.pid}-pruned.jsonl`;
  const lines: string[] = [];
  const index = new Map<string, Entry>();
  let size = 0;
  for (const [key, e] of entries) {
    if (!wanted.has(key)) continue;
    const line = await cache.line(e);
    index.set(key, [name, size, e[2]]);
    size += e[2] + 1;
    lines.push(`${line}\n`);
  }
  await cache.close();
  await writeFileAtomic(join(root, name), lines.join(""));
  await writeFileAtomic(join(root, INDEX), renderIndex({ [name]: size }, index));
  for (const s of oldSegments) await rm(join(root, s), { force: true });
  for (const l of lists.slice(keep)) await rm(join(usedDir, l.n), { force: true });
  return { before, after: index.size };
}
