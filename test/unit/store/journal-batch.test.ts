import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors.js";
import { Journal, readJournal } from "../../../src/store/journal.js";
import { testHeader } from "../../helpers/log.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const header = testHeader("r");
const rec = (batchId: string, keys: string[]) => ({ batchId, provider: "openai" as const, model: "m", keys, at: "2026-01-01T00:00:01.000Z" });

describe("journal batch lines", () => {
  it("reads batch records back in the order they were written", async () => {
    dir = await mkdtemp(join(tmpdir(), "critic-jb-"));
    const j = await Journal.open(dir, header);
    await j.batch(rec("b1", ["k1", "k2"]));
    await j.batch(rec("b2", ["k2"]));
    await j.close();
    const c = await readJournal(dir, "r");
    expect(c.batches).toEqual([rec("b1", ["k1", "k2"]), rec("b2", ["k2"])]);
    expect(c.judgments.size).toBe(0);
  });

  it("a batch line with an unknown provider is an input error with its line number", async () => {
    dir = await mkdtemp(join(tmpdir(), "critic-jb-"));
    const j = await Journal.open(dir, header);
    await j.close();
    const file = join(dir, "runs", "r", "journal.jsonl");
    await appendFile(file, `${JSON.stringify({ type: "batch", ...rec("b1", []), provider: "mistral" })}\n${JSON.stringify({ type: "batch", ...rec("b2", []) })}\n`);
    const err = await readJournal(dir, "r").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(2);
  });
});
