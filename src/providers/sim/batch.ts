/**
 * The simulator's batch endpoints: OpenAI Files + Batch API and Anthropic Message Batches.
 * Every request inside a batch is answered by the same SimWorld reply as a live call, so a
 * batched critic gives exactly the score it gives live; HTTP faults are never injected here.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimCounters } from "./counters.js";
import { textKey } from "./hash.js";
import { ANTHROPIC_ERRORS, anthropicMessage, readAnthropicRequest } from "./wire-anthropic.js";
import { OPENAI_ERRORS, openaiCompletion, readOpenAIRequest, strictOpenAIProblem } from "./wire-openai.js";
import type { SimWorld } from "./world.js";
import { type Json, isObj } from "./json.js";

export interface SimBatchOptions {
  /** Status polls answered "in progress" before a batch completes (default 1). */
  batchPolls?: number;
  /** And at least this long after creation (default 0). */
  batchDelayMs?: number;
  /**
   * Scripted expiry for tests: the first N batch submissions of each request body end unanswered,
   * as when the 24 h window passes (OpenAI `batch_expired`, Anthropic `expired`).
   */
  batchExpireFirst?: number;
}

type Send = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => void;
export type SimHandler = (raw: string, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

/** One answered request: an HTTP status and the body a live call would have returned; status 0 = expired. */
interface Answer {
  customId: string;
  status: number;
  body: Json;
  requestId: string;
}

interface Batch {
  id: string;
  api: "openai" | "anthropic";
  createdMs: number;
  polls: number;
  requests: { customId: string; body: unknown; expire?: boolean }[];
  answers: Answer[] | null;
  endedMs?: number;
  /** OpenAI only: input, output and error files; a batch that failed validation. */
  inputFileId?: string;
  outputFileId?: string;
  errorFileId?: string;
  errors?: { code: string; message: string; line: number }[];
}

interface File {
  id: string;
  filename: string;
  purpose: string;
  content: string;
  createdSec: number;
}

const secs = (ms: number): number => Math.floor(ms / 1000);
const ANTHROPIC_CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export function simBatches(deps: { world: SimWorld; counters: SimCounters; opts: SimBatchOptions; send: Send }) {
  const { world, counters, send } = deps;
  const polls = Math.max(0, deps.opts.batchPolls ?? 1);
  const delayMs = Math.max(0, deps.opts.batchDelayMs ?? 0);
  const batches = new Map<string, Batch>();
  const files = new Map<string, File>();
  const submitted = new Map<string, number>();
  let seq = 0;
  const newId = (prefix: string, content: string): string => `${prefix}${++seq}_${textKey(content).slice(0, 10)}`;
  const json = (res: ServerResponse, status: number, body: unknown): void => send(res, status, JSON.stringify(body), {});

  /** The live reply function, per request: read the wire body, find the model, let the world answer. */
  function answer(api: Batch["api"], customId: string, body: unknown, n: number, batchId: string): Answer {
    const requestId = `${api === "openai" ? "chatcmpl-sim" : "msg_sim"}-${batchId}-${n}`;
    const fail = (status: number, b: Json): Answer => ({ customId, status, body: b, requestId });
    const req = api === "openai" ? readOpenAIRequest(body) : readAnthropicRequest(body);
    if (typeof req === "string") return fail(400, api === "openai" ? OPENAI_ERRORS.badRequest(req) : ANTHROPIC_ERRORS.badRequest(req, requestId));
    counters.model(req.model);
    const m = world.model(req.model);
    if (!m) return fail(404, api === "openai" ? OPENAI_ERRORS.notFoundModel(req.model) : ANTHROPIC_ERRORS.notFoundModel(req.model, requestId));
    const strict = api === "openai" && m.strict && isObj(body) ? strictOpenAIProblem(body) : null;
    if (strict) return fail(400, strict);
    const r = world.reply(m, req);
    counters.served(r.kind, r.promptTokens, r.completionTokens);
    const ok = api === "openai" ? openaiCompletion(r, req.model, requestId) : anthropicMessage(r, req.model, requestId);
    return { customId, status: 200, body: ok, requestId };
  }

  function create(b: Batch): Batch {
    batches.set(b.id, b);
    const keys = b.requests.map((r) => textKey(JSON.stringify(r.body)));
    counters.batchCreated(keys);
    b.requests.forEach((r, i) => {
      const n = submitted.get(keys[i]!) ?? 0;
      submitted.set(keys[i]!, n + 1);
      r.expire = n < (deps.opts.batchExpireFirst ?? 0);
    });
    return b;
  }

  /** One status poll: in progress for `batchPolls` polls and `batchDelayMs`, then every request is answered. */
  function advance(b: Batch): void {
    counters.batchPolled();
    if (b.answers || b.errors) return;
    b.polls++;
    if (b.polls <= polls || Date.now() - b.createdMs < delayMs) return;
    b.answers = b.requests.map((r, i) => (r.expire ? { customId: r.customId, status: 0, body: {}, requestId: "" } : answer(b.api, r.customId, r.body, i, b.id)));
    b.endedMs = Date.now();
    if (b.api !== "openai") return;
    const expired = { code: "batch_expired", message: "This request could not be executed before the completion window expired." };
    const line = (a: Answer, i: number): string =>
      JSON.stringify({
        id: `batch_req_${b.id}_${i}`,
        custom_id: a.customId,
        response: a.status ? { status_code: a.status, request_id: a.requestId, body: a.body } : null,
        error: a.status ? null : expired,
      });
    const ok = b.answers.map((a, i) => (a.status === 200 ? line(a, i) : null)).filter((l) => l != null);
    const bad = b.answers.map((a, i) => (a.status !== 200 ? line(a, i) : null)).filter((l) => l != null);
    const file = (lines: string[], name: string): string => {
      const f = { id: newId("file-sim", b.id + name), filename: `${b.id}_${name}.jsonl`, purpose: "batch_output", content: lines.map((l) => `${l}\n`).join(""), createdSec: secs(Date.now()) };
      files.set(f.id, f);
      return f.id;
    };
    if (ok.length) b.outputFileId = file(ok, "output");
    if (bad.length) b.errorFileId = file(bad, "error");
  }

  const progress = (b: Batch): { total: number; done: number; failed: number; expired: number } => {
    const total = b.requests.length;
    if (b.answers) return { total, done: total, failed: b.answers.filter((a) => a.status !== 200).length, expired: b.answers.filter((a) => a.status === 0).length };
    return { total, done: Math.floor((total * b.polls) / (polls + 1)), failed: 0, expired: 0 };
  };

  function openaiBatch(b: Batch): Json {
    const p = progress(b);
    const created = secs(b.createdMs);
    const status = b.errors ? "failed" : p.expired ? "expired" : b.answers ? "completed" : b.polls === 0 ? "validating" : "in_progress";
    const done = b.endedMs != null ? secs(b.endedMs) : null;
    return {
      id: b.id,
      object: "batch",
      endpoint: "/v1/chat/completions",
      errors: b.errors ? { object: "list", data: b.errors.map((e) => ({ ...e, param: null })) } : null,
      input_file_id: b.inputFileId,
      completion_window: "24h",
      status,
      output_file_id: b.outputFileId ?? null,
      error_file_id: b.errorFileId ?? null,
      created_at: created,
      in_progress_at: b.polls > 0 ? created : null,
      expires_at: created + 86_400,
      finalizing_at: done,
      completed_at: p.expired ? null : done,
      failed_at: b.errors ? created : null,
      expired_at: p.expired ? done : null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: p.total, completed: p.done - p.failed, failed: p.failed },
      metadata: null,
    };
  }

  function anthropicBatch(b: Batch, host: string): Json {
    const p = progress(b);
    const ended = b.endedMs != null;
    return {
      id: b.id,
      type: "message_batch",
      processing_status: ended ? "ended" : "in_progress",
      request_counts: { processing: p.total - p.done, succeeded: p.done - p.failed, errored: p.failed - p.expired, canceled: 0, expired: p.expired },
      ended_at: b.endedMs != null ? new Date(b.endedMs).toISOString() : null,
      created_at: new Date(b.createdMs).toISOString(),
      expires_at: new Date(b.createdMs + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: null,
      // Absolute, as the real API gives it: the SDK fetches this URL as is.
      results_url: ended ? `http://${host}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  const parse = (raw: string): unknown => {
    try {
      return JSON.parse(raw);
    } catch {
      return null;
    }
  };

  /** POST /v1/files: a multipart upload (purpose and file), parsed by the platform's own FormData reader. */
  const uploadFile: SimHandler = async (raw, res, req) => {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData();
    } catch {
      return json(res, 400, OPENAI_ERRORS.badRequest("Expected a multipart/form-data body with 'file' and 'purpose'."));
    }
    const file = form.get("file");
    const purpose = form.get("purpose");
    if (typeof file === "string" || file == null || typeof purpose !== "string") {
      return json(res, 400, OPENAI_ERRORS.badRequest("'file' and 'purpose' are required."));
    }
    const content = await file.text();
    const f: File = { id: newId("file-sim", content), filename: file.name || "upload.jsonl", purpose, content, createdSec: secs(Date.now()) };
    files.set(f.id, f);
    json(res, 200, { id: f.id, object: "file", bytes: Buffer.byteLength(content), created_at: f.createdSec, filename: f.filename, purpose, status: "processed", expires_at: null, status_details: null });
  };

  /** POST /v1/batches: lines that do not parse fail the whole batch, as the real API's validation does. */
  const createOpenAI: SimHandler = (raw, res) => {
    const body = parse(raw);
    if (!isObj(body) || typeof body.input_file_id !== "string") return json(res, 400, OPENAI_ERRORS.badRequest("'input_file_id' is required."));
    if (body.endpoint !== "/v1/chat/completions") return json(res, 400, OPENAI_ERRORS.badRequest("The simulator batches only '/v1/chat/completions'."));
    const f = files.get(body.input_file_id);
    if (!f) return json(res, 404, OPENAI_ERRORS.badRequest(`No such File object: ${body.input_file_id} (simulated)`));
    const requests: Batch["requests"] = [];
    const errors: NonNullable<Batch["errors"]> = [];
    const seen = new Set<string>();
    f.content.split("\n").forEach((text, i) => {
      if (!text.trim()) return;
      const l = parse(text);
      if (!isObj(l) || typeof l.custom_id !== "string" || l.method !== "POST" || l.url !== "/v1/chat/completions" || !isObj(l.body)) {
        errors.push({ code: "invalid_request", message: "Each line needs custom_id, method POST, url /v1/chat/completions and a body.", line: i + 1 });
      } else if (seen.has(l.custom_id)) {
        errors.push({ code: "duplicate_custom_id", message: `The custom_id ${l.custom_id} is used more than once.`, line: i + 1 });
      } else {
        seen.add(l.custom_id);
        requests.push({ customId: l.custom_id, body: l.body });
      }
    });
    if (!requests.length && !errors.length) errors.push({ code: "empty_file", message: "The input file has no requests.", line: 1 });
    const b = create({ id: newId("batch_sim", f.id), api: "openai", createdMs: Date.now(), polls: 0, requests, answers: null, inputFileId: f.id, ...(errors.length ? { errors } : {}) });
    json(res, 200, openaiBatch(b));
  };

  /** POST /v1/messages/batches: the shape is checked at creation; each request's params only when answered. */
  const createAnthropic: SimHandler = (raw, res) => {
    const body = parse(raw);
    const bad = (m: string) => json(res, 400, ANTHROPIC_ERRORS.badRequest(m, "req_sim_batch"));
    if (!isObj(body) || !Array.isArray(body.requests) || body.requests.length === 0) return bad("requests: at least one request is required");
    const seen = new Set<string>();
    const requests: Batch["requests"] = [];
    for (const r of body.requests) {
      if (!isObj(r) || typeof r.custom_id !== "string" || !ANTHROPIC_CUSTOM_ID.test(r.custom_id)) return bad("requests: each custom_id must match ^[a-zA-Z0-9_-]{1,64}$");
      if (seen.has(r.custom_id)) return bad(`requests: custom_id ${r.custom_id} is not unique`);
      seen.add(r.custom_id);
      requests.push({ customId: r.custom_id, body: r.params });
    }
    const b = create({ id: newId("msgbatch_sim", raw), api: "anthropic", createdMs: Date.now(), polls: 0, requests, answers: null });
    json(res, 200, anthropicBatch(b, ""));
  };

  const anthropicResults = (b: Batch): string =>
    (b.answers ?? [])
      .map((a) =>
        JSON.stringify({
          custom_id: a.customId,
          result: a.status === 200 ? { type: "succeeded", message: a.body } : a.status ? { type: "errored", error: a.body } : { type: "expired" },
        }),
      )
      .map((l) => `${l}\n`)
      .join("");

  /** The handler for a batch route with an id in its path, or null. */
  return function route(method: string, path: string): SimHandler | null {
    if (method === "POST" && path === "/v1/files") return uploadFile;
    if (method === "POST" && path === "/v1/batches") return createOpenAI;
    if (method === "POST" && path === "/v1/messages/batches") return createAnthropic;
    if (method !== "GET") return null;
    let m = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (m) {
      const f = files.get(m[1]!);
      return (_raw, res) =>
        f ? send(res, 200, f.content, { "content-type": "application/octet-stream" }) : json(res, 404, OPENAI_ERRORS.badRequest(`No such File object: ${m![1]} (simulated)`));
    }
    m = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (m) {
      const b = batches.get(m[1]!);
      return (_raw, res) => {
        if (b?.api !== "openai") return json(res, 404, OPENAI_ERRORS.badRequest(`No batch found with id '${m![1]}' (simulated)`));
        advance(b);
        json(res, 200, openaiBatch(b));
      };
    }
    m = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(path);
    if (m) {
      const b = batches.get(m[1]!);
      const results = m[2] != null;
      return (_raw, res, req) => {
        if (b?.api !== "anthropic") return json(res, 404, ANTHROPIC_ERRORS.notFoundRoute(path, "req_sim_batch"));
        if (!results) {
          advance(b);
          return json(res, 200, anthropicBatch(b, req.headers.host ?? "127.0.0.1"));
        }
        if (!b.answers) return json(res, 400, ANTHROPIC_ERRORS.badRequest(`Batch ${b.id} has not ended yet.`, "req_sim_batch"));
        send(res, 200, anthropicResults(b), { "content-type": "application/x-jsonl" });
      };
    }
    return null;
  };
}
