/**
 * Long-format label files for `critic aggregate`: one row per (item, labeler, label), CSV/TSV
 * (csv-parse, streamed) or JSONL, optional `gold` column, or a separate `item,gold` file.
 * Common crowd layouts are accepted as they are: header aliases (question/worker/answer,
 * orig_id/!amt_worker_ids/response, truth) and headerless files with explicit column indices.
 */
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import { InputError } from "../errors.js";
import type { LabelRow } from "../stats/label-matrix.js";

export interface LabelTable {
  file: string;
  rows: LabelRow[];
  /** Continuous labels binned to the nearest level (see ReadLabelsOptions.continuous). */
  rounded?: number;
  /** Gold value per item, from a gold column (any row of the item). */
  gold: Map<string, string>;
}

type Field = "item" | "labeler" | "label" | "gold";

export interface ReadLabelsOptions {
  /** Column index per field for headerless files (e.g. `{labeler:0, item:1, label:2, gold:3}`). */
  columns?: Partial<Record<Field, number>>;
  /** Gold cell values meaning "no gold" besides the empty string (e.g. ["-1"]). */
  goldMissing?: string[];
  /** `--k`: an integer label or gold value must lie on the scale (1..k, or 0..k-1 for a zero-based file). */
  k?: number;
  /**
   * Continuous labels (G-Eval expected scores, half-points from averaged raters): "round" bins
   * each to the nearest integer level, halves to the even level so averaged raters' x.5 do not
   * all drift one way (`critic aggregate`'s default); "error" rejects them (the default here).
   */
  continuous?: "round" | "error";
}

/** Nearest integer, halves to even (3.5 → 4, 2.5 → 2): unbiased on half-points. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const INTEGER = /^-?\d+$/;

/** A label off a declared K-point scale is a typo or the wrong file; say where, not just "span too wide". */
function checkOnScale(value: string, k: number | undefined, file: string, line: number, field: "label" | "gold"): void {
  if (k === undefined || !INTEGER.test(value.trim())) return;
  const x = Number(value);
  if (x < 0 || x > k) throw new InputError({ file, line, field }, `${field} ${value} is outside the ${k}-point scale given by --k ${k} (1..${k})`);
}

const ALIASES: Record<Field, string[]> = {
  item: ["item", "item_id", "question", "task", "orig_id", "id"],
  labeler: ["labeler", "worker", "worker_id", "annotator", "critic", "judge", "!amt_worker_ids"],
  label: ["label", "answer", "response", "score"],
  gold: ["gold", "truth"],
};

const DECIMAL = /^-?\d*\.\d+$/;

function columnsFromHeader(file: string, header: string[], need: Field[]): Partial<Record<Field, number>> {
  const lower = header.map((h) => h.trim().toLowerCase());
  const cols: Partial<Record<Field, number>> = {};
  for (const f of Object.keys(ALIASES) as Field[]) {
    const at = ALIASES[f].map((a) => lower.indexOf(a)).find((x) => x >= 0);
    if (at !== undefined) cols[f] = at;
  }
  for (const f of need) {
    if (cols[f] === undefined) {
      throw new InputError({ file, line: 1 }, `no "${f}" column (header: ${header.join(",")}; also accepted: ${ALIASES[f].join(", ")})`);
    }
  }
  return cols;
}

/** Records with their physical line numbers, from CSV/TSV or JSONL. */
async function* records(file: string): AsyncGenerator<{ cells: string[] | Record<string, unknown>; line: number }> {
  if (/\.jsonl?$/i.test(file)) {
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    for await (const text of rl) {
      line++;
      if (!text.trim()) continue;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        throw new InputError({ file, line }, `not valid JSON: ${(e as Error).message}`);
      }
      if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new InputError({ file, line }, "expected a JSON object");
      yield { cells: obj as Record<string, unknown>, line };
    }
    return;
  }
  const parser = createReadStream(file).pipe(
    parse({ delimiter: /\.(tsv|tab)$/i.test(file) ? "\t" : ",", info: true, skip_empty_lines: true, bom: true, relax_quotes: true }),
  );
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: rec.record, line: rec.info.lines };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as { message: string; lines?: number; code?: string };
    if (err.code === "ENOENT") throw new InputError({ file }, "file not found");
    throw new InputError({ file, line: err.lines }, err.message);
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v.trim() : String(v);
}

async function readTable(file: string, need: Field[], opts: ReadLabelsOptions): Promise<Array<{ v: Record<Field, string>; line: number }>> {
  const out: Array<{ v: Record<Field, string>; line: number }> = [];
  // A piped read stream's ENOENT is not forwarded to the parser, so check up front.
  if (!existsSync(file)) throw new InputError({ file }, "file not found");
  let cols = opts.columns;
  try {
    for await (const { cells, line } of records(file)) {
      if (!Array.isArray(cells)) {
        const v = { item: cell(cells.item), labeler: cell(cells.labeler), label: cell(cells.label), gold: cell(cells.gold) };
        out.push({ v, line });
        continue;
      }
      if (!cols) {
        cols = columnsFromHeader(file, cells, need);
        continue;
      }
      const get = (f: Field) => (cols![f] === undefined ? "" : cell(cells[cols![f]!]));
      out.push({ v: { item: get("item"), labeler: get("labeler"), label: get("label"), gold: get("gold") }, line });
    }
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") throw new InputError({ file }, "file not found");
    throw e;
  }
  return out;
}

function addGold(gold: Map<string, string>, item: string, value: string, file: string, line: number): void {
  const prev = gold.get(item);
  if (prev !== undefined && prev !== value) {
    throw new InputError({ file, line, field: "gold" }, `item "${item}" has gold "${value}" here but "${prev}" earlier`);
  }
  gold.set(item, value);
}

/**
 * Read a long-format label file. Empty label = abstained (kept as null).
 * @example const t = await readLabels("labels.csv"); buildLabelMatrix(t.rows)
 */
export async function readLabels(file: string, opts: ReadLabelsOptions = {}): Promise<LabelTable> {
  const missing = new Set(["", ...(opts.goldMissing ?? [])]);
  const rows: LabelRow[] = [];
  const gold = new Map<string, string>();
  let rounded = 0;
  for (const { v, line } of await readTable(file, ["item", "labeler", "label"], opts)) {
    if (!v.item) throw new InputError({ file, line, field: "item" }, "item is empty");
    if (!v.labeler) throw new InputError({ file, line, field: "labeler" }, "labeler is empty");
    if (DECIMAL.test(v.label)) {
      if (opts.continuous !== "round") throw new InputError({ file, line, field: "label" }, `label "${v.label}" is not an integer level (round it, or use names)`);
      v.label = String(roundHalfEven(Number(v.label)));
      rounded++;
    }
    checkOnScale(v.label, opts.k, file, line, "label");
    rows.push({ item: v.item, labeler: v.labeler, label: v.label === "" ? null : v.label });
    if (!missing.has(v.gold)) {
      checkOnScale(v.gold, opts.k, file, line, "gold");
      addGold(gold, v.item, v.gold, file, line);
    }
  }
  if (rows.length === 0) throw new InputError({ file }, "no label rows");
  return { file, rows, gold, rounded };
}

/**
 * Read a separate gold file: `item,gold` (or `question,truth`).
 * @example const gold = await readGold("truth.csv"); gold.get("item-7")
 */
export async function readGold(file: string, opts: ReadLabelsOptions = {}): Promise<Map<string, string>> {
  const missing = new Set(["", ...(opts.goldMissing ?? [])]);
  const gold = new Map<string, string>();
  for (const { v, line } of await readTable(file, ["item", "gold"], opts)) {
    if (!v.item) throw new InputError({ file, line, field: "item" }, "item is empty");
    if (!missing.has(v.gold)) {
      checkOnScale(v.gold, opts.k, file, line, "gold");
      addGold(gold, v.item, v.gold, file, line);
    }
  }
  return gold;
}
