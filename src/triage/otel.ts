/**
 * OpenTelemetry GenAI spans as log lines. The input is OTLP/JSON as the Collector's file
 * exporter writes it: one ExportTraceServiceRequest (`{"resourceSpans": [...]}`) per line.
 * (A single pretty-printed request is read whole.) Every span that carries `gen_ai.*`
 * attributes is one interaction:
 * - id: the span id; `latency_ms` from start and end time; `status` ok / error / unset;
 * - `model`: `gen_ai.response.model`, else `gen_ai.request.model`;
 * - input and output: `gen_ai.input.messages` / `gen_ai.output.messages` (current conventions,
 *   structured or a JSON string, with `gen_ai.system_instructions`), else the older span events
 *   (`gen_ai.user.message`, `gen_ai.choice`, `gen_ai.content.prompt` / `.completion`), else the
 *   indexed `gen_ai.prompt.N.content` / `gen_ai.completion.N.content` attributes.
 * Every span and resource attribute is a field, so a signal or facet can name any of them.
 */
import { readFile } from "node:fs/promises";
import { readLines } from "../data/lines.js";
import type { LogLine, SkippedLines } from "./log.js";
import { contentText, messagesText } from "./log.js";

type KeyValue = { key: string; value?: AnyValue };
type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  name?: string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
  events?: { name?: string; attributes?: KeyValue[] }[];
  status?: { code?: number | string };
}
interface OtlpRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

function value(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  if (v.kvlistValue) return attributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function attributes(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) if (kv && typeof kv.key === "string") out[kv.key] = value(kv.value);
  return out;
}

/** A messages attribute: structured, or recorded as a JSON string. */
function messages(v: unknown): { role?: unknown; parts?: unknown; content?: unknown }[] | null {
  let m = v;
  if (typeof m === "string") {
    try {
      m = JSON.parse(m);
    } catch {
      return [{ role: "user", content: v }];
    }
  }
  return Array.isArray(m) ? (m as { role?: unknown }[]) : null;
}

/** Parts of an output message: only text parts are what the user read. */
function outputText(msgs: { parts?: unknown; content?: unknown }[]): string {
  return msgs
    .map((m) => (Array.isArray(m.parts) ? (m.parts as Record<string, unknown>[]).filter((p) => p?.type === undefined || p.type === "text").map((p) => contentText(p.content ?? p.text)).join("") : contentText(m.content)))
    .join("\n");
}

function indexed(attrs: Record<string, unknown>, prefix: string): { role?: unknown; content?: unknown }[] {
  const out: { role?: unknown; content?: unknown }[] = [];
  for (let i = 0; `${prefix}.${i}.content` in attrs || `${prefix}.${i}.role` in attrs; i++) out.push({ role: attrs[`${prefix}.${i}.role`], content: attrs[`${prefix}.${i}.content`] });
  return out;
}

function texts(span: OtlpSpan, attrs: Record<string, unknown>): { input: string; output: string } {
  const inMsgs = messages(attrs["gen_ai.input.messages"]);
  const outMsgs = messages(attrs["gen_ai.output.messages"]);
  if (inMsgs || outMsgs) {
    const turns = (inMsgs ?? []).map((m) => ({ role: m.role, content: Array.isArray(m.parts) ? outputText([m]) : m.content }));
    // System instructions are a list of parts, kept apart from the chat history.
    const system = attrs["gen_ai.system_instructions"];
    if (system != null) turns.unshift({ role: "system", content: (messages(system) ?? []).map((p) => contentText((p as { content?: unknown }).content ?? p)).join("") });
    return { input: messagesText(turns), output: outMsgs ? outputText(outMsgs) : "" };
  }
  const events = span.events ?? [];
  const evIn: { role?: unknown; content?: unknown }[] = [];
  let evOut = "";
  for (const e of events) {
    const a = attributes(e.attributes);
    const name = e.name ?? "";
    if (name === "gen_ai.content.prompt") evIn.push({ role: "user", content: a["gen_ai.prompt"] });
    else if (name === "gen_ai.content.completion") evOut += contentText(a["gen_ai.completion"]);
    else if (/^gen_ai\.(system|user|assistant|tool)\.message$/.test(name)) evIn.push({ role: name.split(".")[1], content: a.content });
    else if (name === "gen_ai.choice") evOut += contentText((a.message as Record<string, unknown>)?.content ?? a.message ?? a.content);
  }
  if (evIn.length || evOut) return { input: messagesText(evIn), output: evOut };
  const pin = indexed(attrs, "gen_ai.prompt");
  const pout = indexed(attrs, "gen_ai.completion");
  return { input: pin.length ? messagesText(pin) : "", output: pout.map((m) => contentText(m.content)).join("\n") };
}

const isGenAi = (attrs: Record<string, unknown>) => Object.keys(attrs).some((k) => k.startsWith("gen_ai."));
const STATUS: Record<string, string> = { "0": "unset", "1": "ok", "2": "error", STATUS_CODE_UNSET: "unset", STATUS_CODE_OK: "ok", STATUS_CODE_ERROR: "error" };

function* spanLines(req: OtlpRequest, line: number): Generator<LogLine> {
  for (const rs of req.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const attrs = attributes(span.attributes);
        if (!isGenAi(attrs)) continue;
        const start = Number(span.startTimeUnixNano);
        const end = Number(span.endTimeUnixNano);
        const fields: Record<string, unknown> = {
          ...resource,
          ...attrs,
          trace_id: span.traceId ?? null,
          span_id: span.spanId ?? null,
          span_name: span.name ?? null,
          latency_ms: Number.isFinite(start) && Number.isFinite(end) && end >= start ? (end - start) / 1e6 : null,
          start_time: Number.isFinite(start) ? new Date(start / 1e6).toISOString() : null,
          status: STATUS[String(span.status?.code ?? 0)] ?? "unset",
          model: attrs["gen_ai.response.model"] ?? attrs["gen_ai.request.model"] ?? null,
        };
        const { input, output } = texts(span, attrs);
        yield { line, id: span.spanId ?? `line-${line}`, input, output, fields };
      }
    }
  }
}

export async function* otelLines(file: string, skipped: SkippedLines, skip: (s: SkippedLines, line: number, why: string) => void): AsyncGenerator<LogLine> {
  let first = true;
  for await (const { line, text } of readLines(file)) {
    const t = text.trim();
    if (!t) continue;
    if (first && t === "{") {
      // One pretty-printed request: not line-delimited, so read whole.
      yield* spanLines(JSON.parse(await readFile(file, "utf8")) as OtlpRequest, 1);
      return;
    }
    first = false;
    let req: unknown;
    try {
      req = JSON.parse(t);
    } catch (e) {
      skip(skipped, line, `not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (typeof req !== "object" || req === null || !Array.isArray((req as OtlpRequest).resourceSpans)) {
      skip(skipped, line, 'not an OTLP export request (no "resourceSpans" array)');
      continue;
    }
    yield* spanLines(req as OtlpRequest, line);
  }
}
