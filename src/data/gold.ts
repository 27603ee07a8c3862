import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { InputError } from "../errors.js";

export interface GoldLabel {
  item: string;
  candidate: string;
  rubric: string | null;
  gold: number;
}

/**
 * Human labels for `critic calibrate`: CSV with `item`, `gold`, and optional `candidate`
 * (default "default") and `rubric` (needed when the run has several rubrics). Integers 1..scale.
 */
export async function readGold(file: string, scale = 7): Promise<GoldLabel[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError({ file }, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: true });
  } catch (e) {
    throw new InputError({ file, line: (e as { lines?: number }).lines }, (e as Error).message);
  }
  if (!records.length) throw new InputError({ file }, "no rows");
  for (const col of ["item", "gold"]) if (!(col in records[0]!)) throw new InputError({ file, line: 1 }, `missing column "${col}"`);
  return records.map((r, i) => {
    const line = i + 2;
    const g = Number(r.gold);
    if (!Number.isInteger(g) || g < 1 || g > scale) throw new InputError({ file, line, field: "gold" }, `"${r.gold}" is not a whole number from 1 to ${scale}`);
    if (!r.item) throw new InputError({ file, line, field: "item" }, "is empty");
    return { item: r.item, candidate: r.candidate || "default", rubric: r.rubric || null, gold: g };
  });
}
