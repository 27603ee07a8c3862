import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Judgment } from "../../../src/run-result.js";
import { Journal, readJournal } from "../../../src/store/journal.js";
import { testHeader, testSession } from "../../helpers/log.js";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

const header = testHeader("r1");
function judgment(item: string, raw = "5"): Judgment {
  return { item, candidate: "default", rubric: "helpfulness", critic: "c", kind: "score", level: 5, expected: null, reason: null, raw, cached: false, attempts: 1, latencyMs: 3, inputTokens: 10, outputTokens: 1, costUsd: null, at: "2026-01-01T00:00:01Z" };
}

async function journalWith(items: string[]): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "critic-journal-"));
  const j = await Journal.open(dir, header);
  for (const i of items) await j.judgment(i, judgment(i, `5 — «${i}» 😀`));
  await j.close();
  return j.file;
}

describe("the run journal", () => {
  it("drops a torn last line on read and cuts it before appending, so later lines are not lost with it", async () => {
    const file = await journalWith(["a", "b"]);
    // A kill in the middle of a write (the writer escapes non-ASCII, so the cut is between ASCII bytes).
    await appendFile(file, '{"type":"judgment","key":"c","raw":"5 \\u00');
    const torn = await readJournal(dir, "r1");
    expect(torn.tornLines).toBe(1);
    expect([...torn.judgments.keys()]).toEqual(["a", "b"]);
    const j = await Journal.open(dir, header, { log: await readJournal(dir, "r1"), session: testSession });
    await j.judgment("d", judgment("d"));
    await j.close();
    const again = await readJournal(dir, "r1");
    expect(again.tornLines).toBe(0);
    expect([...again.judgments.keys()]).toEqual(["a", "b", "d"]);
    expect(again.judgments.get("a")!.raw).toBe("5 — «a» 😀");
    // Written as ASCII, so no cut can land inside a UTF-8 sequence.
    expect((await readFile(file)).every((b) => b < 0x80)).toBe(true);
  });

  it("rejects a bad line that is not the last one, naming its line", async () => {
    const file = await journalWith(["a"]);
    const text = await readFile(file, "utf8");
    await writeFile(file, `${text}not json\n${text.split("\n")[1]}\n`);
    await expect(readJournal(dir, "r1")).rejects.toThrow(/journal\.jsonl:3: journal line is not valid/);
  });
});
