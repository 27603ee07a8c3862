/**
 * An HTTP candidate against a small node:http service the test starts: the body template's
 * placeholders arrive JSON-escaped, the answer is read from a path in the reply, the bearer token
 * comes from the environment and is written nowhere, a 503 and a 429 are retried, a row the
 * service always rejects is that row's failed generation, and a service that answers with
 * server-sent events is read as a stream (time to first token, tokens per second).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { readFile, readdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSuite } from "../../src/config/load.js";
import { renderBody, valueAt } from "../../src/candidates/http.js";
import { runSuite } from "../../src/runner/run-suite.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();
const TOKEN = "svc-secret-token-0123456789";

interface Received {
  auth: string | undefined;
  body: { question: string; history: unknown; tag: string };
}

let server: Server;
let url: string;
let received: Received[];
let attempts: Map<string, number>;

async function body(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const c of req) s += c;
  return s;
}

beforeEach(async () => {
  received = [];
  attempts = new Map();
  server = createServer(async (req, res) => {
    const text = await body(req);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: `bad token ${req.headers.authorization}` }));
      return;
    }
    const parsed = JSON.parse(text) as Received["body"];
    received.push({ auth: req.headers.authorization, body: parsed });
    const n = (attempts.get(parsed.question) ?? 0) + 1;
    attempts.set(parsed.question, n);
    if (parsed.question.includes("flaky") && n === 1) return void res.writeHead(503).end("busy");
    if (parsed.question.includes("slow down") && n === 1) return void res.writeHead(429, { "retry-after-ms": "50" }).end("rate limited");
    if (parsed.question.includes("poison")) return void res.writeHead(500, { "content-type": "text/plain" }).end(`cannot answer (token was ${TOKEN})`);
    const answer = `You asked: ${parsed.question}. Open Settings and follow the steps; we are glad to help.`;
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const words = answer.split(" ");
      for (const [i, w] of words.entries()) {
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: (i ? " " : "") + w } }] })}\n\n`);
        await new Promise((r) => setTimeout(r, i === 0 ? 40 : 2));
      }
      res.end("data: [DONE]\n\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ answer: { text: answer }, usage: { in: 12, out: 20 } }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((r) => server.close(() => r())));

const QUESTIONS = [
  { id: "q1", input: 'How do I say "hello"\nin two lines?' },
  { id: "q2", input: "flaky: how do I export notes?" },
  { id: "q3", input: "slow down: how do I sync?" },
  { id: "q4", input: "poison: what now?" },
  { id: "q5", input: "How do I delete my account? \\ backslash" },
];

async function suiteFor(path: string, extra: Record<string, unknown> = {}) {
  const sim = await scratch.sim({ seed: 4 });
  const dir = await scratch.workdir("critic-http-");
  const data = join(dir, "q.jsonl");
  await (await import("node:fs/promises")).writeFile(data, `${QUESTIONS.map((q) => JSON.stringify(q)).join("\n")}\n`);
  const suite = await loadSuite(
    {},
    dir,
    { SERVICE_TOKEN: TOKEN },
    {
      dataset: data,
      rubrics: ["helpfulness"],
      critics: ["openai:sim-critic-strong"],
      providers: { openai: { baseURL: sim.openaiBaseURL } },
      candidates: [
        {
          id: "service",
          http: {
            url: `${url}${path}`,
            headers: { authorization: { env: "SERVICE_TOKEN", prefix: "Bearer " } },
            body: '{"question": "{{input}}", "history": null, "tag": "{{id}}"}',
            output: path === "/stream" ? "choices.0.message.content" : "answer.text",
            inputTokens: "usage.in",
            outputTokens: "usage.out",
          },
          ...extra,
        },
      ],
      maxRetries: 2,
      cacheDir: join(dir, ".critic"),
    },
  );
  return { suite, dir };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

describe("an HTTP candidate", () => {
  it("sends the row JSON-escaped, reads the answer, retries like a model call, and fails only the row the service rejects", async () => {
    const { suite, dir } = await suiteFor("/answer");
    const { result } = await runSuite(suite, { cwd: dir, out: join(dir, "rep") });
    // Quotes, newlines and backslashes survive the string template as the same text.
    expect(received.find((r) => r.body.tag === "q1")?.body.question).toBe(QUESTIONS[0]!.input);
    expect(received.find((r) => r.body.tag === "q5")?.body.question).toBe(QUESTIONS[4]!.input);
    expect(attempts.get(QUESTIONS[1]!.input)).toBe(2);
    expect(attempts.get(QUESTIONS[2]!.input)).toBe(2);
    // The poisoned row is tried 1 + maxRetries times, then it is that row's failure.
    expect(attempts.get(QUESTIONS[3]!.input)).toBe(3);
    const failed = result.generations.filter((g) => g.failed);
    expect(failed.map((g) => g.item)).toEqual(["q4"]);
    expect(failed[0]!.failed).toContain("HTTP 500: cannot answer (token was ***)");
    const ok = result.generations.find((g) => g.item === "q2")!;
    expect(ok.output).toContain("You asked: flaky");
    expect(ok.attempts).toBe(2);
    expect(ok.inputTokens).toBe(12);
    expect(result.cells.find((c) => c.candidate === "service")?.n).toBe(4);
    const usage = result.usage.find((u) => u.id === "service")!;
    expect(usage.latencyMs.p50).toBeGreaterThan(0);

    // The token read from the environment is written nowhere: not the journal, the cache or a report.
    for (const f of await filesUnder(dir)) expect(await readFile(f, "utf8"), f).not.toContain(TOKEN);
  });

  it("reads a server-sent-events reply as a stream: time to first token and tokens per second", async () => {
    const { suite, dir } = await suiteFor("/stream");
    const { result } = await runSuite(suite, { cwd: dir, out: join(dir, "rep") });
    const g = result.generations.find((x) => x.item === "q1")!;
    expect(g.output).toBe(`You asked: ${QUESTIONS[0]!.input}. Open Settings and follow the steps; we are glad to help.`);
    expect(g.firstTokenMs).toBeGreaterThan(0);
    expect(g.firstTokenMs!).toBeLessThan(g.latencyMs!);
    expect(g.tokensPerSecond).toBeGreaterThan(0);
    // p50/p95/p99 of the first token per candidate, in the report and beside cost and quality in the HTML.
    const usage = result.usage.find((u) => u.id === "service")!;
    expect(usage.firstTokenMs!.p50).toBeLessThan(usage.latencyMs.p50!);
    const md = await readFile(join(dir, "rep/report.md"), "utf8");
    expect(md).toMatch(/## Latency as users feel it\n\n\| Candidate \| First token p50 \| p95 \| p99 \| Total p50 \| p95 \| p99 \| Tokens\/s p50 \|\n[^\n]*\n\| service \| \d+ ms \| \d+ ms \| \d+ ms \| \d+ ms/);
    expect(await readFile(join(dir, "rep/report.html"), "utf8")).toContain('<table id="felt-latency"');
  });

  it("a wrong token stops the run as a configuration error (exit 2), without the token in the message", async () => {
    const { suite, dir } = await suiteFor("/answer");
    const bad = { ...suite, candidates: suite.candidates.map((c) => (c.kind === "http" ? { ...c, headers: { authorization: "Bearer wrong-token-abcdefgh" }, secrets: ["wrong-token-abcdefgh"] } : c)) };
    const e = await runSuite(bad, { cwd: dir, write: false }).catch((x: Error & { exitCode?: number }) => x);
    expect((e as Error & { exitCode?: number }).exitCode).toBe(2);
    expect((e as Error).message).toMatch(/service: HTTP 401/);
    expect((e as Error).message).not.toContain("wrong-token-abcdefgh");
  });
});

describe("body templates and output paths", () => {
  const row = { id: "r1", input: 'say "hi"\n', reference: null, messages: [{ role: "user" as const, content: "hi" }] };
  it("escapes values inside a JSON string template", () => {
    expect(JSON.parse(renderBody('{"q": "{{input}}", "id": "{{ id }}"}', row))).toEqual({ q: 'say "hi"\n', id: "r1" });
  });
  it("puts a whole value where an object template holds exactly one placeholder", () => {
    expect(JSON.parse(renderBody({ messages: "{{messages}}", prefix: "Q: {{input}}" }, row))).toEqual({ messages: row.messages, prefix: 'Q: say "hi"\n' });
  });
  it("follows dotted paths through objects and arrays", () => {
    expect(valueAt({ choices: [{ message: { content: "x" } }] }, "choices.0.message.content")).toBe("x");
    expect(valueAt({ a: null }, "a.b")).toBeUndefined();
  });
});
