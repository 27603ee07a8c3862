import { createReadStream } from "node:fs";
import { InputError } from "../errors.js";

/** `line` is the physical line number (1-based, as an editor shows it); `text` has no `\n` or `\r\n`. */
type Line = { line: number; text: string };

const NL = 0x0a;
const CR = 0x0d;

/**
 * Stream a text file line by line, keeping physical line numbers.
 *
 * Bytes are split on `\n` before decoding: no UTF-8 multi-byte sequence contains 0x0A, so
 * a line never straddles a decode call and the decoder needs no carry-over between chunks,
 * however the read chunks fall. Each line is decoded with `fatal: true`, so a non-UTF-8 byte
 * is an InputError at its exact line instead of a silent U+FFFD in the data.
 * A UTF-8 byte-order mark at the very start is dropped (spreadsheets write one).
 *
 * @example
 * for await (const { line, text } of readLines("datasets/summaries.jsonl")) console.log(line, text);
 */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let pending: Buffer[] = [];
  let line = 0;
  const decode = (bytes: Buffer): Line => {
    line++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    const body = bytes.subarray(0, end);
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      throw new InputError({ file, line }, notUtf8(body));
    }
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { line, text };
  };

  const stream = createReadStream(file);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL, start)) {
        const piece = chunk.subarray(start, nl);
        const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        start = nl + 1;
        yield decode(bytes);
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
  } catch (e) {
    throw readError(file, e);
  } finally {
    // A consumer that stops early (an error in a later row, `break`) must not leak the file handle.
    stream.destroy();
  }
  // The last line has no terminator; a file ending in "\n" has no empty last line.
  if (pending.length) yield decode(Buffer.concat(pending));
}

/**
 * Stream a text file as decoded chunks, for parsers that find their own lines (csv-parse).
 * Decoding whole chunks is several times cheaper than a string and an object per line. The
 * decoder is fatal, as in readLines; on a bad byte the file is read again line by line, so the
 * error names the line it is on. A byte-order mark at the start is dropped.
 */
export async function* readText(file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const stream = createReadStream(file);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_ENCODING_INVALID_ENCODED_DATA") {
      for await (const _ of readLines(file)); // throws the InputError at the bad byte's line
    }
    throw readError(file, e);
  } finally {
    stream.destroy();
  }
}

function readError(file: string, e: unknown): unknown {
  if (e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  return new InputError({ file }, `cannot read: ${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)}`);
}

/** Say where in the line the first bad byte is, and the usual cause. */
function notUtf8(bytes: Uint8Array): string {
  const at = firstInvalidUtf8(bytes);
  const hex = bytes[at]!.toString(16).toUpperCase().padStart(2, "0");
  return `not valid UTF-8: byte 0x${hex} at byte ${at + 1} of the line (save the file as UTF-8; Latin-1 and Windows-1252 are not accepted)`;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (d === undefined || d < min || d > max) return i;
    }
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}
