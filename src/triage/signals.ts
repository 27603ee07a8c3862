/**
 * Signals as labelling functions: each config entry becomes a test on one log line, and the
 * signals a line shows become one bit pattern (bit j = signal j fired). Plain data in, no code.
 */
import type { SignalSpec } from "./config.js";
import type { LogLine } from "./log.js";

/** Phrases that mark an assistant declining to help (case-insensitive, either apostrophe). */
export const REFUSAL_PHRASES = [
  "i'm sorry, but i can't",
  "i'm sorry, but i cannot",
  "i cannot help with",
  "i can't help with",
  "i cannot assist",
  "i can't assist",
  "i'm unable to",
  "i am unable to",
  "i'm not able to",
  "as an ai",
  "i won't be able to",
];

/** The value of a column: `input`, `output`, `id`, a field, or a dotted path into a JSON field. */
export function columnValue(l: LogLine, column: string): unknown {
  if (column === "input") return l.input;
  if (column === "output") return l.output;
  if (column === "id") return l.id;
  if (column in l.fields) return l.fields[column];
  let v: unknown = l.fields;
  for (const part of column.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const numeric = (v: unknown): number | null => {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};

/** Equality that reads a CSV cell "-1" as the number -1 and "true" as true. */
function same(v: unknown, want: string | number | boolean | null): boolean {
  if (want === null) return v === null || v === undefined || v === "";
  if (typeof want === "number") return numeric(v) === want;
  if (typeof want === "boolean") return v === want || (typeof v === "string" && v.trim().toLowerCase() === String(want));
  return v != null && (typeof v === "string" ? v : JSON.stringify(v)) === want;
}

function compile(s: SignalSpec): (l: LogLine) => boolean {
  if (s.derived === "empty_output") return (l) => l.output.trim() === "";
  if (s.derived === "refusal") {
    const phrases = (s.phrases ?? REFUSAL_PHRASES).map((p) => p.toLowerCase().replace(/\u2019/g, "'"));
    return (l) => {
      const out = l.output.toLowerCase().replace(/\u2019/g, "'");
      return phrases.some((p) => out.includes(p));
    };
  }
  if (s.derived === "output_chars" || s.derived === "input_chars") {
    const len = s.derived === "output_chars" ? (l: LogLine) => l.output.length : (l: LogLine) => l.input.length;
    return s.above !== undefined ? (l) => len(l) > s.above! : (l) => len(l) < s.below!;
  }
  const col = s.column!;
  if (s.equals !== undefined) return (l) => same(columnValue(l, col), s.equals!);
  if (s.in !== undefined) return (l) => s.in!.some((w) => same(columnValue(l, col), w));
  if (s.above !== undefined) return (l) => (numeric(columnValue(l, col)) ?? Number.NEGATIVE_INFINITY) > s.above!;
  if (s.below !== undefined) return (l) => (numeric(columnValue(l, col)) ?? Number.POSITIVE_INFINITY) < s.below!;
  const re = new RegExp(s.matches!, "i");
  return (l) => {
    const v = columnValue(l, col);
    return v != null && re.test(typeof v === "string" ? v : JSON.stringify(v));
  };
}

export interface CompiledSignals {
  names: string[];
  /** Bit pattern of the signals this line shows. */
  pattern(l: LogLine): number;
}

export function compileSignals(specs: readonly SignalSpec[]): CompiledSignals {
  const tests = specs.map(compile);
  return {
    names: specs.map((s) => s.name),
    pattern(l) {
      let p = 0;
      for (let j = 0; j < tests.length; j++) if (tests[j]!(l)) p |= 1 << j;
      return p >>> 0;
    },
  };
}

/** Names of the signals set in a pattern. */
export function firedNames(names: readonly string[], pattern: number): string[] {
  return names.filter((_, j) => (pattern >>> j) & 1);
}
