import { Readable } from "node:stream";
import { extname } from "node:path";
import { CsvError, type Options as CsvOptions, Parser } from "csv-parse";
import { parse as parseCsv } from "csv-parse/sync";
import { InputError } from "../errors.js";
import { readLines, readText } from "./lines.js";
import type { ConversationMessage } from "../candidates/types.js";

/** One output to judge (or, without `output`, one prompt a candidate will answer). */
export interface DatasetRow {
  id: string;
  /** The prompt; for a conversation without an `input` column, its last user turn. */
  input: string;
  /** An OpenAI-style conversation (`messages` column: a JSON list of {role, content}), when the row holds one. */
  messages?: ConversationMessage[] | null;
  /** null when the dataset has no output for this row (the config's candidates generate it). */
  output: string | null;
  /** `default` when the dataset has no candidate column. */
  candidate: string;
  reference: string | null;
  /** Human labels from `gold:<rubric>` columns; null where the cell is empty (no gold). */
  gold: Record<string, number | null>;
  /** Every other column, kept for stratified sampling and reports. */
  meta: Record<string, string>;
  /** Physical line where the row starts, for error messages. */
  line: number;
}

export interface Dataset {
  file: string;
  format: "csv" | "jsonl";
  rows: DatasetRow[];
  /** Column names in file order (JSONL: first-seen order over all lines; a `gold` object becomes `gold:<rubric>`). */
  columns: string[];
  /** Rubric ids that have a `gold:<rubric>` column. */
  goldRubrics: string[];
  /** Candidates in first-seen order. */
  candidates: string[];
  /** Columns kept as metadata. */
  metaColumns: string[];
}

interface Options {
  /** Default true. False when the config lists candidates: outputs are generated, so the column is optional. */
  requireOutput?: boolean;
  /** Gold labels are integers 1..scale. Default 7. */
  scale?: number;
  /** A rubric's own number of levels, where it is not `scale`: gold:<rubric> is then 1..scales[rubric]. */
  scales?: Record<string, number>;
}

const RESERVED = new Set(["id", "input", "output", "candidate", "reference", "messages"]);
const ROLES = new Set(["system", "user", "assistant"]);
const GOLD = "gold:";
const RUBRIC_ID = /^[a-z0-9][a-z0-9_-]*$/;

/** A record as read from either format: column -> text, null where the value is absent or JSON null. */
type Rec = Record<string, string | null>;

interface Ctx {
  file: string;
  noun: "column" | "field";
  requireOutput: boolean;
  scale: number;
  scales: Record<string, number>;
  /** (id, candidate) -> first line, to name both lines of a duplicate. */
  seen: Map<string, number>;
}

/**
 * Stream a CSV or JSONL dataset row by row; memory stays bounded by the largest row, plus one
 * small key per row for the duplicate check. Every error is an InputError at `file:line`.
 *
 * @example
 * for await (const row of readDataset("datasets/support.csv", { requireOutput: false })) console.log(row.id);
 */
export function readDataset(file: string, opts: Options = {}): AsyncGenerator<DatasetRow> {
  return rows(file, opts, [], false);
}

/** A dataset row without its texts: what statistics and sampling need, small enough for any dataset. */
export interface RowRef {
  id: string;
  candidate: string;
  gold: Record<string, number | null>;
  meta: Record<string, string>;
  line: number;
}

/** The dataset's shape and one small reference per row; the texts stay on disk until a run streams them. */
export interface DatasetIndex extends Omit<Dataset, "rows"> {
  rows: RowRef[];
}

async function collect<T extends RowRef>(file: string, opts: Options, whole: boolean, keep: (row: DatasetRow) => T): Promise<Omit<Dataset, "rows"> & { rows: T[] }> {
  const columns: string[] = [];
  const out: T[] = [];
  const candidates = new Set<string>();
  for await (const row of rows(file, opts, columns, whole)) {
    out.push(keep(row));
    candidates.add(row.candidate);
  }
  const goldRubrics = columns.filter((c) => c.startsWith(GOLD)).map((c) => c.slice(GOLD.length));
  // JSONL rows may each carry different gold keys; give every row the same keys, null = no gold.
  for (const row of out) for (const g of goldRubrics) if (!(g in row.gold)) row.gold[g] = null;
  return {
    file,
    format: formatOf(file),
    rows: out,
    columns,
    goldRubrics,
    candidates: [...candidates],
    metaColumns: columns.filter((c) => !RESERVED.has(c) && !c.startsWith(GOLD)),
  };
}

/**
 * Read a whole dataset, with its columns, gold rubrics, candidates and metadata columns.
 *
 * @example
 * const ds = await loadDataset("datasets/support-judged.csv");
 * ds.goldRubrics; // ["politeness", "accuracy"]
 */
export function loadDataset(file: string, opts: Options = {}): Promise<Dataset> {
  return collect(file, opts, true, (row) => row);
}

/**
 * Validate a whole dataset (every error is found before anything is called or written) and
 * keep only a RowRef per row; `readDataset` then streams the texts during the run.
 *
 * @example
 * const index = await indexDataset("big.csv"); // 100,000 rows: ids, candidates, gold, metadata
 */
export function indexDataset(file: string, opts: Options = {}): Promise<DatasetIndex> {
  return collect(file, opts, false, ({ id, candidate, gold, meta, line }) => ({ id, candidate, gold, meta, line }));
}

function formatOf(file: string): "csv" | "jsonl" {
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  throw new InputError({ file }, `unknown dataset format "${ext || "(no extension)"}": use .csv or .jsonl`);
}

/** `whole`: the caller keeps every row anyway, so a CSV is parsed in one call instead of as a stream. */
async function* rows(file: string, opts: Options, columns: string[], whole: boolean): AsyncGenerator<DatasetRow> {
  const format = formatOf(file);
  const ctx: Ctx = {
    file,
    noun: format === "csv" ? "column" : "field",
    requireOutput: opts.requireOutput !== false,
    scale: opts.scale ?? 7,
    scales: opts.scales ?? {},
    seen: new Map(),
  };
  let n = 0;
  for await (const row of format === "csv" ? csvRows(file, ctx, columns, whole) : jsonlRows(file, ctx, columns)) {
    n++;
    yield row;
  }
  if (n === 0) throw new InputError({ file }, format === "csv" && columns.length ? "no rows after the header" : "file is empty");
}

function toRow(rec: Rec, line: number, ctx: Ctx): DatasetRow {
  const fail = (msg: string): never => {
    throw new InputError({ file: ctx.file, line }, msg);
  };
  const required = (name: string): string => {
    const v = rec[name];
    if (v === undefined) fail(`${ctx.noun} "${name}" is missing`);
    if (v === null || v.trim() === "") fail(`${ctx.noun} "${name}" is empty`);
    return v as string;
  };
  const optional = (name: string): string | null => {
    const v = rec[name];
    return v == null || v.trim() === "" ? null : v;
  };

  const id = required("id").trim();
  const messages = rec.messages == null || rec.messages.trim() === "" ? null : conversation(rec.messages, ctx, fail);
  // A conversation stands in for the input: its last user turn is what a single-turn candidate answers.
  const input = messages && (rec.input == null || rec.input.trim() === "") ? (messages.findLast((m) => m.role === "user")?.content ?? "") : required("input");
  const output = ctx.requireOutput ? required("output") : optional("output");
  // A candidate column with a blank cell is more likely a mistake than a wish for "default".
  const candidate = rec.candidate === undefined || rec.candidate === null ? "default" : required("candidate").trim();
  const key = JSON.stringify([id, candidate]);
  const first = ctx.seen.get(key);
  if (first !== undefined) fail(`duplicate id "${id}" for candidate "${candidate}" (also on line ${first})`);
  ctx.seen.set(key, line);

  const gold: Record<string, number | null> = {};
  const meta: Record<string, string> = {};
  for (const [name, v] of Object.entries(rec)) {
    if (name.startsWith(GOLD)) gold[name.slice(GOLD.length)] = goldLabel(v, name, ctx, fail);
    else if (!RESERVED.has(name) && v !== null) meta[name] = v;
  }
  return { id, input, output, candidate, reference: optional("reference"), gold, meta, line, ...(messages ? { messages } : {}) };
}

/** A `messages` value: a JSON list of {role, content} turns, system/user/assistant, ending on a user turn. */
function conversation(text: string, ctx: Ctx, fail: (m: string) => never): ConversationMessage[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail(`${ctx.noun} "messages" must be a JSON list of {role, content} turns`);
  }
  if (!Array.isArray(v) || v.length === 0) return fail(`${ctx.noun} "messages" must be a non-empty list of {role, content} turns`);
  return v.map((m, i) => {
    const turn = m as { role?: unknown; content?: unknown };
    if (!turn || typeof turn !== "object" || !ROLES.has(turn.role as string)) fail(`messages[${i}].role must be system, user or assistant`);
    if (typeof turn.content !== "string") fail(`messages[${i}].content must be text`);
    return { role: turn.role as ConversationMessage["role"], content: turn.content as string };
  });
}

function goldLabel(v: string | null, name: string, ctx: Ctx, fail: (m: string) => never): number | null {
  if (v == null || v.trim() === "") return null;
  const t = v.trim();
  // "5.0" (a spreadsheet's number format) is still 5; "5.5", "8", "0x5" and "good" are not labels on the scale.
  const x = /^\d+(\.0*)?$/.test(t) ? Number(t) : Number.NaN;
  const k = ctx.scales[name.slice(GOLD.length)] ?? ctx.scale;
  if (!Number.isInteger(x) || x < 1 || x > k) {
    fail(`${ctx.noun} "${name}" is ${JSON.stringify(v)}, not an integer from 1 to ${k}`);
  }
  return x;
}

function checkGoldName(name: string, file: string, line: number): void {
  const rubric = name.slice(GOLD.length);
  if (!RUBRIC_ID.test(rubric)) {
    throw new InputError({ file, line }, `column "${name}": "${rubric}" is not a rubric id (lower-case letters, digits, - or _)`);
  }
}

// ---------------------------------------------------------------- CSV

/**
 * The file's text for csv-parse with line ends made "\n", so a Windows file and a quoted
 * field that spans lines read the same as a Unix one. A "\r" at the end of a chunk waits
 * for the next, in case its "\n" starts that one.
 */
async function* csvText(file: string): AsyncGenerator<string> {
  let carry = "";
  for await (const chunk of readText(file)) {
    let text = carry + chunk;
    carry = "";
    if (text.endsWith("\r")) {
      carry = "\r";
      text = text.slice(0, -1);
    }
    yield text.replace(/\r\n/g, "\n");
  }
  if (carry) yield carry;
}

async function* csvRows(file: string, ctx: Ctx, columns: string[], whole: boolean): AsyncGenerator<DatasetRow> {
  let header: string[] | null = null;
  let parsedEnd = 0;
  // Rows are checked and built inside the parser's on_record hook, which runs in file order as
  // the text is parsed; so the first problem in the file is the one reported, even when
  // csv-parse has read ahead of the consumer. What it throws comes out of the stream as-is.
  const onRecord = (record: string[], info: { lines: number }): DatasetRow | null => {
    // csv-parse reports the line a record ends on; a quoted field can span lines, so the
    // record starts on the line after the previous one ended.
    const start = parsedEnd + 1;
    parsedEnd = info.lines;
    if (record.every((f) => f.trim() === "")) return null; // blank line, or ",,," left by a spreadsheet
    if (!header) {
      header = checkHeader(record, file, start, ctx);
      columns.push(...header);
      return null;
    }
    if (record.length !== header.length) {
      throw new InputError({ file, line: start }, `row has ${record.length} fields, the header has ${header.length}`);
    }
    const rec: Rec = {};
    header.forEach((name, i) => {
      rec[name] = record[i]!;
    });
    return toRow(rec, start, ctx);
  };
  // Decoding goes through readText, which names the line of a bad byte; csv-parse only sees text.
  // Nothing is relaxed: ragged rows are checked above with a clearer message than csv-parse's.
  const options: CsvOptions<DatasetRow, string[]> = { relax_column_count: true, skip_empty_lines: false, on_record: onRecord };
  const fail = (e: unknown): unknown => (e instanceof CsvError ? csvError(e, file, parsedEnd + 1) : e);
  if (whole) {
    // Several times faster than the stream for a file that is kept in memory anyway.
    let text = "";
    for await (const chunk of csvText(file)) text += chunk;
    let all: DatasetRow[];
    try {
      all = parseCsv(text, options as unknown as CsvOptions) as unknown as DatasetRow[];
    } catch (e) {
      throw fail(e);
    }
    yield* all;
    return;
  }
  // csv-parse types on_record's return only in its `columns` overloads; Options<T, U> is its own type for this use.
  const parser = new Parser(options as unknown as CsvOptions);
  const source = Readable.from(csvText(file), { highWaterMark: 1 });
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<DatasetRow>) yield row;
  } catch (e) {
    throw fail(e);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

function checkHeader(record: string[], file: string, line: number, ctx: Ctx): string[] {
  const names = record.map((c) => c.trim());
  const where = { file, line };
  names.forEach((name, i) => {
    if (!name) throw new InputError(where, `column ${i + 1} has no name in the header`);
    const j = names.indexOf(name);
    if (j !== i) throw new InputError(where, `column "${name}" appears twice in the header (columns ${j + 1} and ${i + 1})`);
    if (name.startsWith(GOLD)) checkGoldName(name, file, line);
  });
  const required = (ctx.requireOutput ? ["id", "input", "output"] : ["id", "input"]).filter((c) => c !== "input" || !names.includes("messages"));
  for (const want of required) {
    if (names.includes(want)) continue;
    const near = names.find((n) => n.toLowerCase() === want);
    let msg = `missing required column "${want}" (the header has ${names.join(", ")})`;
    if (near) msg += `; column names are case-sensitive: rename "${near}" to "${want}"`;
    else if (want === "output") msg += "; to generate outputs instead, list candidates in the config";
    throw new InputError(where, msg);
  }
  return names;
}

function csvError(e: CsvError, file: string, recordStart: number): InputError {
  const at = typeof e.lines === "number" ? e.lines : recordStart;
  switch (e.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      // csv-parse notices at the end of the file; the quote opened in the record that starts here.
      return new InputError({ file, line: recordStart }, "unclosed quote: a quoted field that starts in this row is never closed");
    case "CSV_INVALID_CLOSING_QUOTE":
      return new InputError({ file, line: at }, 'a closing quote is followed by other text before the next comma (inside a quoted field write a quote as "")');
    case "INVALID_OPENING_QUOTE":
      return new InputError({ file, line: at }, 'a quote appears inside an unquoted field (quote the whole field and write inner quotes as "")');
    default:
      return new InputError({ file, line: at }, `not valid CSV: ${e.message.replace(/ (at|on) line \d+/, "")}`);
  }
}

// ---------------------------------------------------------------- JSONL

async function* jsonlRows(file: string, ctx: Ctx, columns: string[]): AsyncGenerator<DatasetRow> {
  const known = new Set<string>();
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new InputError({ file, line }, `not valid JSON: ${(e as Error).message}`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw new InputError({ file, line }, `each line must be a JSON object, this one is ${v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`}`);
    }
    const rec = jsonRecord(v as Record<string, unknown>, file, line);
    for (const k of Object.keys(rec)) {
      if (!known.has(k)) {
        known.add(k);
        columns.push(k);
      }
    }
    yield toRow(rec, line, ctx);
  }
}

/** JSON values -> text, with the type checks a CSV cell never needs. */
function jsonRecord(obj: Record<string, unknown>, file: string, line: number): Rec {
  const fail = (msg: string): never => {
    throw new InputError({ file, line }, msg);
  };
  const rec: Rec = {};
  const put = (key: string, v: string | null) => {
    if (key in rec) fail(`gold label for "${key.slice(GOLD.length)}" is given twice`);
    rec[key] = v;
  };
  for (const [key, v] of Object.entries(obj)) {
    if (key === "gold" && typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const [r, label] of Object.entries(v)) put(GOLD + r, goldText(label, `gold.${r}`, fail));
    } else if (key.startsWith(GOLD)) put(key, goldText(v, key, fail));
    else if (key === "id") rec[key] = typeof v === "number" && Number.isFinite(v) ? String(v) : text(v, key, fail);
    else if (key === "messages") rec[key] = v == null ? null : typeof v === "string" ? v : JSON.stringify(v);
    else if (RESERVED.has(key)) rec[key] = text(v, key, fail);
    else if (v !== null) rec[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  for (const key of Object.keys(rec)) if (key.startsWith(GOLD)) checkGoldName(key, file, line);
  return rec;
}

function text(v: unknown, key: string, fail: (m: string) => never): string | null {
  if (v === null || typeof v === "string") return v;
  return fail(`field "${key}" must be a string, got ${Array.isArray(v) ? "an array" : `a ${typeof v}`}`);
}

function goldText(v: unknown, key: string, fail: (m: string) => never): string | null {
  if (v === null || typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return fail(`field "${key}" must be an integer label or null, got ${Array.isArray(v) ? "an array" : `a ${typeof v}`}`);
}
