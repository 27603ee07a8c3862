import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type SimBatchOptions, type SimHandler, simBatches } from "./batch.js";
import { SimCounters, type SimStats } from "./counters.js";
import { decideFault, type FaultOptions } from "./faults.js";
import { textKey, unit } from "./hash.js";
import { DEFAULT_SIM_MODELS, type SimModel } from "./models.js";
import { ANTHROPIC_ERRORS, anthropicEvents, anthropicMessage, readAnthropicRequest } from "./wire-anthropic.js";
import { OPENAI_ERRORS, contextLengthExceeded, openaiChunks, openaiCompletion, readOpenAIRequest, strictOpenAIProblem } from "./wire-openai.js";
import { SimWorld, type SimReply, type SimRequest } from "./world.js";
import type { Json } from "./json.js";

export interface SimServerOptions extends FaultOptions, SimBatchOptions {
  /** Seed of the whole simulated world: truth, ratings, generations, faults (default 1). */
  seed?: number | string;
  /** 0 = a free port (default). */
  port?: number;
  host?: string;
  /** Base latency of every model call (default 0). */
  latencyMs?: number;
  /** Up to this much extra latency, drawn per attempt from the seed (default 0). */
  jitterMs?: number;
  /** Add each model's own `latencyMs` (default true). */
  perModelLatency?: boolean;
  models?: readonly SimModel[];
  /** Probability that a critic stays unparseable after a re-ask (default 0). */
  reaskUnparseableRate?: number;
  /** Serve any model name, unknown ones as `defaultSimModel(name)` (default true); false answers them 404. */
  serveUnknownModels?: boolean;
  /** Every model answers strictly, as OpenAI's reasoning models do (default: only those named like one). */
  strict?: boolean;
  /** Tokens of a text as `usage` bills them (default: a token per 4 characters). */
  countTokens?: (text: string) => number;
}

export interface SimServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `url + "/v1"`: the OpenAI SDK's baseURL. */
  openaiBaseURL: string;
  /** `url`: the Anthropic SDK's baseURL (it appends /v1/messages). */
  anthropicBaseURL: string;
  port: number;
  world: SimWorld;
  stats(): SimStats;
  /** Clears the counters, including per-body attempt numbers (so scripted faults start over). */
  reset(): void;
  close(): Promise<void>;
}

/** One chat API: how to read its body, shape its reply and errors, and name its request ids. */
interface Api {
  read(body: unknown): SimRequest | string;
  ok(reply: SimReply, model: string, id: string): Json;
  badRequest(msg: string, id: string): Json;
  notFoundModel(model: string, id: string): Json;
  rateLimited(id: string): Json;
  server(id: string): Json;
  /** Status and body of "overloaded": Anthropic's 529, a 503 elsewhere. */
  overloaded(id: string): [number, Json];
  /** The prompt (with the allowance) does not fit the context window. */
  contextTooLong(limit: number, promptTokens: number, maxTokens: number | null, id: string): Json;
  /** A 400 for what a strict (reasoning) model rejects, or null. */
  strictProblem(body: Record<string, unknown>): Json | null;
  idHeader: string;
  idPrefix: string;
}

const OPENAI: Api = {
  read: readOpenAIRequest,
  ok: openaiCompletion,
  badRequest: (m) => OPENAI_ERRORS.badRequest(m),
  notFoundModel: (m) => OPENAI_ERRORS.notFoundModel(m),
  rateLimited: () => OPENAI_ERRORS.rateLimited(),
  server: () => OPENAI_ERRORS.server(),
  overloaded: () => [503, OPENAI_ERRORS.overloaded()],
  contextTooLong: (limit, prompt, max) => contextLengthExceeded(limit, prompt, max),
  strictProblem: strictOpenAIProblem,
  idHeader: "x-request-id",
  idPrefix: "chatcmpl-sim",
};

const ANTHROPIC: Api = {
  read: readAnthropicRequest,
  ok: anthropicMessage,
  badRequest: ANTHROPIC_ERRORS.badRequest,
  notFoundModel: ANTHROPIC_ERRORS.notFoundModel,
  rateLimited: ANTHROPIC_ERRORS.rateLimited,
  server: ANTHROPIC_ERRORS.server,
  overloaded: (id) => [529, ANTHROPIC_ERRORS.overloaded(id)],
  contextTooLong: (limit, prompt, _max, id) => ANTHROPIC_ERRORS.contextTooLong(prompt, limit, id),
  // Anthropic's Messages API has no parameter the reasoning-model rules concern.
  strictProblem: () => null,
  idHeader: "request-id",
  idPrefix: "msg_sim",
};

/** Milliseconds between streamed chunks: the first token arrives after the latency, the rest over a short while. */
const CHUNK_MS = 3;

/** A server-sent-events reply, one frame (`event:`/`data:` lines and a blank line) at a time. */
function streamFrames(res: ServerResponse, frames: string[], headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-simulated": "true", ...headers });
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (i === frames.length) {
      res.end();
      return;
    }
    res.write(frames[i++]);
    setTimeout(next, CHUNK_MS);
  };
  next();
}

/** OpenAI's stream: one `data:` event per chunk, ending with `data: [DONE]`. */
const openaiFrames = (chunks: Json[]): string[] => [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), "data: [DONE]\n\n"];

/** Anthropic's stream: each event named (`event: message_start`) and its JSON in `data:`; no terminator after message_stop. */
const anthropicFrames = (events: Json[]): string[] => events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`);

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "x-simulated": "true",
    ...headers,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Start the simulator: OpenAI `POST /v1/chat/completions`, Anthropic `POST /v1/messages`,
 * `GET /v1/models`, `GET /__sim/stats`, `POST /__sim/reset`, and the batch endpoints of both APIs
 * (OpenAI `/v1/files` + `/v1/batches`, Anthropic `/v1/messages/batches`; see batch.ts).
 * @example
 * const sim = await startSimServer({ seed: 7, latencyMs: 50, rate429: 0.05 });
 * const client = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim" });
 * await sim.close();
 */
export async function startSimServer(opts: SimServerOptions = {}): Promise<SimServer> {
  const seed = opts.seed ?? 1;
  const world = new SimWorld({ seed, models: opts.models ?? DEFAULT_SIM_MODELS, reaskUnparseableRate: opts.reaskUnparseableRate, serveUnknown: opts.serveUnknownModels, countTokens: opts.countTokens });
  const counters = new SimCounters();
  const timers = new Set<NodeJS.Timeout>();
  const retryAfterMs = Math.max(1, opts.retryAfterMs ?? 500);

  /** Run `fn` after `ms`, unless the client goes away first. */
  const later = (res: ServerResponse, ms: number, fn: () => void): void => {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    res.once("close", () => {
      clearTimeout(t);
      timers.delete(t);
    });
  };

  /** When each request arrived: a model's latency counts from there, the simulator's own work included. */
  const arrivals = new WeakMap<IncomingMessage, number>();

  /** `deployment`: Azure's URL names the model (the deployment), whatever the body says. */
  function chat(api: Api, raw: string, res: ServerResponse, httpReq: IncomingMessage, deployment?: string): void {
    counters.enter();
    res.once("close", () => counters.leave());
    const bodyKey = textKey(raw);
    const attempt = counters.attempt(bodyKey);
    const id = `${api.idPrefix}-${bodyKey}-${attempt}`;
    const reply = (status: number, body: Json, extra: Record<string, string> = {}): void => {
      counters.status(status);
      send(res, status, JSON.stringify(body), { [api.idHeader]: id, ...extra });
    };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      reply(400, api.badRequest("The request body is not valid JSON.", id));
      return;
    }
    if (deployment && body && typeof body === "object") (body as Record<string, unknown>).model = deployment;
    const req = api.read(body);
    if (typeof req === "string") {
      reply(400, api.badRequest(req, id));
      return;
    }
    counters.model(req.model);
    const m = world.model(req.model);
    if (!m) {
      reply(404, api.notFoundModel(req.model, id));
      return;
    }
    const strict = (m.strict || opts.strict) && api.strictProblem(body as Record<string, unknown>);
    if (strict) {
      reply(400, strict);
      return;
    }
    const promptTokens = world.promptTokens(req);
    if (promptTokens + (req.maxTokens ?? 0) > m.contextTokens) {
      reply(400, api.contextTooLong(m.contextTokens, promptTokens, req.maxTokens, id));
      return;
    }
    const fault = decideFault(seed, opts, bodyKey, attempt, m.name);
    if (fault) counters.fault(fault);
    // The answer is worked out while the latency runs, as a server's would be.
    const answer = fault === null || fault === "garbage" ? world.reply(m, req, fault === "garbage") : null;
    const streamed = (body as { stream?: unknown }).stream === true;
    const ok = (): void => {
      const r = answer ?? world.reply(m, req);
      counters.served(r.kind, r.promptTokens, r.completionTokens);
      if (streamed) {
        counters.status(200);
        const usage = (body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage === true;
        const frames = api === OPENAI ? openaiFrames(openaiChunks(r, req.model, id, usage)) : anthropicFrames(anthropicEvents(r, req.model, id));
        streamFrames(res, frames, { [api.idHeader]: id });
        return;
      }
      reply(200, api.ok(r, req.model, id));
    };
    const delay =
      (opts.latencyMs ?? 0) +
      (opts.perModelLatency === false ? 0 : m.latencyMs) +
      (opts.jitterMs ? opts.jitterMs * unit(seed, "jitter", bodyKey, attempt) : 0);
    later(res, delay - (performance.now() - (arrivals.get(httpReq) ?? performance.now())), () => {
      switch (fault) {
        case "429":
          return reply(429, api.rateLimited(id), {
            "retry-after": String(Math.ceil(retryAfterMs / 1000)),
            "retry-after-ms": String(retryAfterMs),
          });
        case "500":
          return reply(500, api.server(id));
        case "overloaded": {
          const [status, body] = api.overloaded(id);
          return reply(status, body);
        }
        case "reset":
          counters.status("reset");
          res.socket?.destroy();
          return;
        case "timeout":
          return later(res, opts.hangMs ?? 120_000, ok);
        case "truncated": {
          const full = JSON.stringify(api.ok(world.reply(m, req), req.model, id));
          counters.status(200);
          return send(res, 200, full.slice(0, Math.floor(full.length / 2)), { [api.idHeader]: id });
        }
        default:
          return ok();
      }
    });
  }

  const batchRoute = simBatches({ world, counters, opts, send });
  const routes: Record<string, SimHandler> = {
    "POST /v1/chat/completions": (raw, res, req) => chat(OPENAI, raw, res, req),
    "POST /chat/completions": (raw, res, req) => chat(OPENAI, raw, res, req),
    "POST /openai/v1/chat/completions": (raw, res, req) => chat(OPENAI, raw, res, req),
    "POST /v1/messages": (raw, res, req) => chat(ANTHROPIC, raw, res, req),
    "GET /v1/models": (_raw, res) =>
      send(
        res,
        200,
        JSON.stringify({
          object: "list",
          data: world.models.map((m) => ({ id: m.name, object: "model", created: 0, owned_by: "critic-simulator" })),
        }),
        {},
      ),
    "GET /__sim/stats": (_raw, res) => send(res, 200, JSON.stringify(counters.snapshot()), {}),
    "POST /__sim/reset": (_raw, res) => {
      counters.reset();
      send(res, 200, JSON.stringify({ ok: true }), {});
    },
  };

  /**
   * Azure OpenAI: `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...`;
   * the deployment in the URL is the model. Without an api-version Azure answers 404.
   */
  const azureRoute = (method: string, path: string, query: string): SimHandler | undefined => {
    const m = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
    if (method !== "POST" || !m) return undefined;
    if (!new URLSearchParams(query).get("api-version")) {
      return (_raw, res) => send(res, 404, JSON.stringify({ error: { code: "404", message: "Resource not found" } }), {});
    }
    return (raw, res, req) => chat(OPENAI, raw, res, req, decodeURIComponent(m[1]!));
  };

  const server = createServer((req, res) => {
    arrivals.set(req, performance.now());
    const [path, query = ""] = (req.url ?? "/").split("?") as [string, string?];
    const route = routes[`${req.method} ${path}`] ?? azureRoute(req.method ?? "GET", path, query) ?? batchRoute(req.method ?? "GET", path);
    readBody(req).then(
      async (raw) => {
        if (route) return route(raw, res, req);
        const anthropic = path.startsWith("/v1/messages");
        const body = anthropic ? ANTHROPIC_ERRORS.notFoundRoute(path, "req_sim_route") : OPENAI_ERRORS.notFoundRoute(path);
        send(res, 404, JSON.stringify(body), {});
      },
      () => res.destroy(),
    ).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    port,
    world,
    stats: () => counters.snapshot(),
    reset: () => counters.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
