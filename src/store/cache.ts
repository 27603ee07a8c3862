import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ProviderReply } from "../providers/provider.js";
import { writeFileAtomic } from "./atomic.js";

const CachedReplySchema = z.object({
  text: z.string(),
  firstTokenTop: z.array(z.object({ token: z.string(), logprob: z.number() })).optional(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  latencyMs: z.number(),
});

/**
 * Content-addressed response cache: one small JSON file per request key under
 * `<dir>/cache/ab/abcdef...json`. Each file is written by rename, so two processes sharing
 * the directory can only ever race to write the same bytes, never corrupt an entry.
 */
export class ResponseCache {
  constructor(
    readonly dir: string,
    readonly enabled = true,
  ) {}

  private file(key: string): string {
    return join(this.dir, "cache", key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<ProviderReply | null> {
    if (!this.enabled) return null;
    let text: string;
    try {
      text = await readFile(this.file(key), "utf8");
    } catch {
      return null;
    }
    // An entry that does not parse (a disk error, a manual edit) is a miss, not a crash.
    try {
      const parsed = CachedReplySchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async set(key: string, reply: ProviderReply): Promise<void> {
    if (!this.enabled) return;
    await writeFileAtomic(this.file(key), JSON.stringify(reply));
  }
}
