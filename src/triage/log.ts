/**
 * Production logs, streamed one interaction at a time: JSONL or CSV with `id`, `input` or
 * `messages`, `output` and any other fields; or an OpenTelemetry GenAI span export (otel.ts).
 * Memory is bounded by the largest line. A line that cannot be read (bad JSON, not an object)
 * is that line's problem: it is skipped and counted, never the whole triage's.
 */
import { Readable } from "node:stream";
import { extname } from "node:path";
import { Parser } from "csv-parse";
import { InputError } from "../errors.js";
import { readLines, readText } from "../data/lines.js";
import { otelLines } from "./otel.js";

/** One interaction. `fields` holds every column as read (JSON values for JSONL, strings for CSV). */
export interface LogLine {
  /** Physical line of the file where it starts. */
  line: number;
  id: string;
  input: string;
  output: string;
  fields: Record<string, unknown>;
}

export type LogFormat = "jsonl" | "csv" | "otel";

export interface SkippedLines {
  count: number;
  /** The first few, as "line N: why". */
  examples: string[];
}

const EXAMPLES = 5;

export function newSkipped(): SkippedLines {
  return { count: 0, examples: [] };
}

function skip(s: SkippedLines, line: number, why: string): void {
  s.count++;
  if (s.examples.length < EXAMPLES) s.examples.push(`line ${line}: ${why}`);
}

/** What the file holds: the extension, and for JSON lines whether the first one is an OTLP export. */
export async function detectFormat(file: string): Promise<LogFormat> {
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  for await (const { text } of readLines(file)) {
    const t = text.trim();
    if (!t) continue;
    return /^\{\s*"resourceSpans"/.test(t) || t === "{" ? "otel" : "jsonl";
  }
  throw new InputError({ file }, "file is empty");
}

/** Text of a chat message's content: a string, or parts with `text` / `content`. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "string" ? p : contentText((p as Record<string, unknown>)?.text ?? (p as Record<string, unknown>)?.content ?? ""))).join("");
  if (content && typeof content === "object") return contentText((content as Record<string, unknown>).text ?? (content as Record<string, unknown>).content ?? "");
  return content == null ? "" : String(content);
}

/** A conversation as the critic reads it: one user turn alone, otherwise "role: text" per turn. */
export function messagesText(messages: readonly { role?: unknown; content?: unknown; parts?: unknown }[]): string {
  const turns = messages.map((m) => ({ role: String(m.role ?? "user"), text: contentText(m.content ?? m.parts) }));
  if (turns.length === 1 && turns[0]!.role === "user") return turns[0]!.text;
  return turns.map((t) => `${t.role}: ${t.text}`).join("\n");
}

function asText(v: unknown): string {
  if (v == null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** A JSONL or CSV record as a log line: `messages` stands in for `input` (and its last assistant turn for `output`). */
function toLogLine(rec: Record<string, unknown>, line: number): LogLine {
  let input = rec.input;
  let output = rec.output;
  if (input === undefined && Array.isArray(rec.messages)) {
    const msgs = rec.messages as { role?: unknown; content?: unknown }[];
    const last = msgs.at(-1);
    const answered = output === undefined && last?.role === "assistant";
    input = messagesText(answered ? msgs.slice(0, -1) : msgs);
    if (answered) output = contentText(last?.content);
  }
  const id = rec.id;
  return { line, id: typeof id === "string" && id.trim() ? id.trim() : typeof id === "number" ? String(id) : `line-${line}`, input: asText(input), output: asText(output), fields: rec };
}

async function* jsonlLog(file: string, skipped: SkippedLines): AsyncGenerator<LogLine> {
  for await (const { line, text } of readLines(file)) {
    if (!text.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      skip(skipped, line, `not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      skip(skipped, line, "not a JSON object");
      continue;
    }
    yield toLogLine(v as Record<string, unknown>, line);
  }
}

async function* csvLog(file: string, skipped: SkippedLines): AsyncGenerator<LogLine> {
  const parser = new Parser({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true });
  const source = Readable.from(readText(file), { highWaterMark: 1 });
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);
  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((h) => h.trim());
        continue;
      }
      if (record.length !== header.length) {
        skip(skipped, info.lines, `has ${record.length} fields, the header has ${header.length}`);
        continue;
      }
      const rec: Record<string, unknown> = {};
      header.forEach((h, i) => {
        rec[h] = record[i];
      });
      yield toLogLine(rec, info.lines);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file }, `not valid CSV: ${(e as Error).message}`);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/**
 * Stream the log's interactions in file order (the same order every time, so a second pass
 * can find the lines a first pass chose by their position).
 * @example for await (const l of readLog("logs.jsonl", "jsonl", newSkipped())) console.log(l.id);
 */
export function readLog(file: string, format: LogFormat, skipped: SkippedLines): AsyncGenerator<LogLine> {
  if (format === "csv") return csvLog(file, skipped);
  if (format === "otel") return otelLines(file, skipped, skip);
  return jsonlLog(file, skipped);
}
