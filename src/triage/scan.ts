/**
 * Two streaming passes over the log. The first keeps a few numbers per line (its signal
 * pattern and latency), the count of every facet value and the slowest lines; the second
 * picks out the lines the sample drew, by position. No pass holds the lines themselves.
 */
import { InputError } from "../errors.js";
import { type LogFormat, type LogLine, type SkippedLines, newSkipped, readLog } from "./log.js";
import { type CompiledSignals, columnValue } from "./signals.js";

/** Facet values beyond this many distinct ones make a column an identifier, not a facet. */
const MAX_FACET_VALUES = 200;
export const MISSING = "(none)";

export interface Scan {
  lines: number;
  /** Signal pattern of each line (bit j = signal j fired). */
  patterns: Uint32Array;
  /** Latency of each line in ms; NaN where the line has none. */
  latency: Float64Array;
  /** Lines per value of each facet column kept. */
  facets: Record<string, Record<string, number>>;
  /** Facet columns dropped, with why. */
  droppedFacets: string[];
  /** The slowest lines, slowest first. */
  slowest: { index: number; id: string; latencyMs: number }[];
  skipped: SkippedLines;
}

class Grow {
  patterns = new Uint32Array(1 << 14);
  latency = new Float64Array(1 << 14);
  n = 0;
  push(p: number, ms: number): void {
    if (this.n === this.patterns.length) {
      const p2 = new Uint32Array(this.n * 2);
      p2.set(this.patterns);
      this.patterns = p2;
      const l2 = new Float64Array(this.n * 2);
      l2.set(this.latency);
      this.latency = l2;
    }
    this.patterns[this.n] = p;
    this.latency[this.n++] = ms;
  }
}

export function facetValue(l: LogLine, column: string): string {
  const v = columnValue(l, column);
  if (v === undefined || v === null || v === "") return MISSING;
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function latencyOf(l: LogLine, column: string): number {
  const v = columnValue(l, column);
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Pass one. `facets` are the columns to count; those never present are dropped silently, those with too many values with a note. */
export async function scanLog(file: string, format: LogFormat, signals: CompiledSignals, opts: { facets: string[]; latencyColumn: string; slowest: number }): Promise<Scan> {
  const grow = new Grow();
  const counts: Record<string, Map<string, number>> = Object.fromEntries(opts.facets.map((f) => [f, new Map<string, number>()]));
  const seen = new Set<string>();
  const dropped: string[] = [];
  let slowest: Scan["slowest"] = [];
  const skipped = newSkipped();
  for await (const l of readLog(file, format, skipped)) {
    const ms = latencyOf(l, opts.latencyColumn);
    grow.push(signals.pattern(l), ms);
    for (const f of Object.keys(counts)) {
      const m = counts[f]!;
      const v = facetValue(l, f);
      if (v !== MISSING) seen.add(f);
      m.set(v, (m.get(v) ?? 0) + 1);
      if (m.size > MAX_FACET_VALUES) {
        delete counts[f];
        dropped.push(`${f} (more than ${MAX_FACET_VALUES} distinct values)`);
      }
    }
    if (opts.slowest > 0 && !Number.isNaN(ms) && (slowest.length < opts.slowest || ms > slowest.at(-1)!.latencyMs)) {
      slowest.push({ index: grow.n - 1, id: l.id, latencyMs: ms });
      slowest.sort((a, b) => b.latencyMs - a.latencyMs);
      if (slowest.length > opts.slowest) slowest = slowest.slice(0, opts.slowest);
    }
  }
  const facets: Scan["facets"] = {};
  for (const [f, m] of Object.entries(counts)) if (seen.has(f)) facets[f] = Object.fromEntries(m);
  return { lines: grow.n, patterns: grow.patterns.subarray(0, grow.n), latency: grow.latency.subarray(0, grow.n), facets, droppedFacets: dropped, slowest, skipped };
}

/** Pass two: the lines at these positions, in the order asked. */
export async function pickLines(file: string, format: LogFormat, positions: readonly number[]): Promise<LogLine[]> {
  const want = new Map(positions.map((p, k) => [p, k]));
  const out = new Array<LogLine>(positions.length);
  let i = 0;
  let found = 0;
  for await (const l of readLog(file, format, newSkipped())) {
    const k = want.get(i++);
    if (k !== undefined) {
      out[k] = l;
      if (++found === positions.length) break;
    }
  }
  if (found < positions.length) throw new InputError({ file }, `changed while it was read: ${positions.length - found} drawn lines are gone`);
  return out;
}
