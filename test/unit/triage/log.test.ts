import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SignalSchema } from "../../../src/triage/config.js";
import { detectFormat, type LogLine, newSkipped, readLog } from "../../../src/triage/log.js";
import { compileSignals, firedNames } from "../../../src/triage/signals.js";

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "critic-triage-"));
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}

async function all(f: string) {
  const skipped = newSkipped();
  const out: LogLine[] = [];
  for await (const l of readLog(f, await detectFormat(f), skipped)) out.push(l);
  return { lines: out, skipped };
}

describe("reading production logs", () => {
  it("JSONL: id, input, output, any other field; messages stand in for input and their last assistant turn for output; a bad line is skipped and counted", async () => {
    const f = await file(
      "log.jsonl",
      [
        JSON.stringify({ id: "a", input: "hi", output: "hello", latency_ms: 120, feedback: -1 }),
        "{not json",
        JSON.stringify({ id: 7, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: [{ type: "text", text: "Where is my order?" }] }, { role: "assistant", content: "It shipped." }] }),
        "[1, 2]",
        JSON.stringify({ input: "no id", output: "" }),
      ].join("\n"),
    );
    const { lines, skipped } = await all(f);
    expect(lines.map((l) => l.id)).toEqual(["a", "7", "line-5"]);
    expect(lines[0]!.fields.feedback).toBe(-1);
    expect(lines[1]!.input).toBe("system: Be brief.\nuser: Where is my order?");
    expect(lines[1]!.output).toBe("It shipped.");
    expect(lines[2]!.output).toBe("");
    expect(skipped.count).toBe(2);
    expect(skipped.examples[0]).toMatch(/^line 2: not valid JSON/);
    expect(skipped.examples[1]).toBe("line 4: not a JSON object");
  });

  it("CSV: a header, quoted multi-line cells, ragged rows skipped with their line", async () => {
    const f = await file("log.csv", 'id,input,output,latency_ms,feedback\nx1,"q one","line one\nline two",5000,-1\nx2,q,a,10\nx3,q3,a3,20,1\n');
    const { lines, skipped } = await all(f);
    expect(lines.map((l) => l.id)).toEqual(["x1", "x3"]);
    expect(lines[0]!.output).toBe("line one\nline two");
    expect(skipped.count).toBe(1);
    expect(skipped.examples[0]).toMatch(/^line 4: has 4 fields, the header has 5/);
  });
});

describe("OpenTelemetry GenAI span export (OTLP/JSON, one request per line)", () => {
  const attr = (key: string, value: unknown) => ({ key, value: typeof value === "number" ? (Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value }) : { stringValue: value } });
  const span = (id: string, attributes: unknown[], extra: Record<string, unknown> = {}) => ({ traceId: "t1", spanId: id, name: "chat gpt-4o", startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000002500000000", attributes, ...extra });
  const request = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr("service.name", "support-bot")] }, scopeSpans: [{ scope: { name: "x" }, spans }] }] });

  it("reads current-convention messages, older events and indexed attributes; latency, status and model become fields; non-GenAI spans are ignored", async () => {
    const current = span("s1", [
      attr("gen_ai.operation.name", "chat"),
      attr("gen_ai.request.model", "gpt-4o"),
      attr("gen_ai.response.model", "gpt-4o-2024-08-06"),
      attr("gen_ai.usage.output_tokens", 12),
      attr("gen_ai.system_instructions", JSON.stringify([{ type: "text", content: "You are support." }])),
      attr("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Refund please" }] }])),
      attr("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Done, refunded." }], finish_reason: "stop" }])),
    ], { status: { code: 2 } });
    const legacy = span("s2", [attr("gen_ai.system", "openai"), attr("gen_ai.request.model", "gpt-4o-mini")], {
      events: [
        { name: "gen_ai.user.message", attributes: [attr("content", "Where is my parcel?")] },
        { name: "gen_ai.choice", attributes: [{ key: "message", value: { kvlistValue: { values: [attr("content", "On its way.")] } } }] },
      ],
    });
    const indexed = span("s3", [attr("gen_ai.request.model", "claude"), attr("gen_ai.prompt.0.role", "user"), attr("gen_ai.prompt.0.content", "Hello?"), attr("gen_ai.completion.0.content", "Hi!")]);
    const http = span("s4", [attr("http.method", "GET")]);
    const f = await file("traces.jsonl", `${request([current, http])}\n${request([legacy, indexed])}\nnot json\n`);
    expect(await detectFormat(f)).toBe("otel");
    const { lines, skipped } = await all(f);
    expect(lines.map((l) => l.id)).toEqual(["s1", "s2", "s3"]);
    expect(lines[0]!.input).toBe("system: You are support.\nuser: Refund please");
    expect(lines[0]!.output).toBe("Done, refunded.");
    expect(lines[0]!.fields).toMatchObject({ latency_ms: 2500, status: "error", model: "gpt-4o-2024-08-06", "service.name": "support-bot", "gen_ai.usage.output_tokens": 12 });
    expect(lines[1]!.input).toBe("Where is my parcel?");
    expect(lines[1]!.output).toBe("On its way.");
    expect(lines[1]!.fields.model).toBe("gpt-4o-mini");
    expect(lines[2]!.input).toBe("Hello?");
    expect(lines[2]!.output).toBe("Hi!");
    expect(skipped.count).toBe(1);
  });
});

describe("signals as labelling functions", () => {
  const line = (fields: Record<string, unknown>, output = "ok", input = "q"): LogLine => ({ line: 1, id: "x", input, output, fields });
  const sig = (spec: unknown) => compileSignals([SignalSchema.parse(spec)]);

  it("equals, above, below, in and matches read JSON values and CSV strings alike", () => {
    const down = sig({ name: "down", column: "feedback", equals: -1 });
    expect(down.pattern(line({ feedback: -1 }))).toBe(1);
    expect(down.pattern(line({ feedback: "-1" }))).toBe(1);
    expect(down.pattern(line({ feedback: 0 }))).toBe(0);
    const regen = sig({ name: "regen", column: "regenerated", equals: true });
    expect(regen.pattern(line({ regenerated: "TRUE" }))).toBe(1);
    expect(regen.pattern(line({ regenerated: false }))).toBe(0);
    const slow = sig({ name: "slow", column: "latency_ms", above: 4000 });
    expect(slow.pattern(line({ latency_ms: "4001" }))).toBe(1);
    expect(slow.pattern(line({}))).toBe(0);
    expect(sig({ name: "fast", column: "latency_ms", below: 50 }).pattern(line({ latency_ms: 10 }))).toBe(1);
    expect(sig({ name: "t", column: "topic", in: ["billing", "refunds"] }).pattern(line({ topic: "refunds" }))).toBe(1);
    expect(sig({ name: "m", column: "meta.tags", matches: "escalat" }).pattern(line({ meta: { tags: ["ESCALATED"] } }))).toBe(1);
  });

  it("derived: empty output, refusal phrases, length", () => {
    const s = compileSignals(
      [
        { name: "empty", derived: "empty_output" },
        { name: "refusal", derived: "refusal" },
        { name: "short", derived: "output_chars", below: 20 },
        { name: "long_input", derived: "input_chars", above: 5 },
      ].map((x) => SignalSchema.parse(x)),
    );
    expect(firedNames(s.names, s.pattern(line({}, "  ")))).toEqual(["empty", "short"]);
    expect(firedNames(s.names, s.pattern(line({}, "I’m sorry, but I can’t share that. It is against policy here.", "a long question")))).toEqual(["refusal", "long_input"]);
  });

  it("a signal with no operator, two operators or a bad pattern is rejected with its name", () => {
    const problem = (spec: unknown) => SignalSchema.safeParse(spec).error?.issues[0]?.message;
    expect(problem({ name: "x", column: "a" })).toBe('signal "x" needs exactly one of equals, above, below, in, matches (it has none)');
    expect(problem({ name: "x", column: "a", above: 1, below: 2 })).toMatch(/exactly one .* \(it has above, below\)/);
    expect(problem({ name: "x", column: "a", matches: "(" })).toMatch(/^signal "x": "matches" is not a regular expression/);
    expect(problem({ name: "x", derived: "empty_output", above: 3 })).toBe('signal "x" (empty_output) takes no above');
  });
});
