import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import { getProxyForUrl } from "proxy-from-env";

/**
 * A fetch for the SDKs built on node:http(s) with keep-alive agents. Node's built-in fetch
 * (undici) costs about 0.25 ms more CPU per request at high concurrency, which at thousands
 * of critic calls is the harness's largest cost; the SDKs accept any fetch (`fetch` option).
 * Requests and responses are real HTTP either way.
 */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 1024 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 1024 }),
};

/**
 * HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY (either case), read as curl does, by
 * proxy-from-env. A proxied request tunnels through the proxy with CONNECT (https-proxy-agent,
 * TLS to the server inside the tunnel for https), on keep-alive tunnels like the direct agents.
 */
const proxyAgents = new Map<string, http.Agent>();
const proxyChoice = new Map<string, string>();

function proxyEnv(): string {
  const e = process.env;
  return [e.HTTPS_PROXY, e.https_proxy, e.HTTP_PROXY, e.http_proxy, e.ALL_PROXY, e.all_proxy, e.NO_PROXY, e.no_proxy].join("\u0000");
}

function agentFor(url: URL, secure: boolean): http.Agent | Promise<http.Agent> {
  // The same few origins are called thousands of times: decide once per origin and environment.
  const key = `${url.origin}\u0000${proxyEnv()}`;
  let proxy = proxyChoice.get(key);
  if (proxy === undefined) {
    if (proxyChoice.size >= 256) proxyChoice.clear();
    proxy = getProxyForUrl(url.href);
    proxyChoice.set(key, proxy);
  }
  if (!proxy) return secure ? agents.https : agents.http;
  return proxyAgents.get(proxy) ?? proxyAgent(proxy);
}

/** The tunnelling agent (and its dependencies) is loaded only by a run that goes through a proxy. */
async function proxyAgent(proxy: string): Promise<http.Agent> {
  const { HttpsProxyAgent } = await import("https-proxy-agent");
  let agent = proxyAgents.get(proxy);
  if (!agent) {
    agent = new HttpsProxyAgent(proxy, { keepAlive: true, maxSockets: 1024 });
    proxyAgents.set(proxy, agent);
  }
  return agent;
}

/** Bodies a server compressed although nobody asked (some gateways do): decoded, as fetch would. */
function decoded(bytes: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.gunzipSync(bytes);
    case "deflate":
      return zlib.inflateSync(bytes);
    case "br":
      return zlib.brotliDecompressSync(bytes);
    default:
      return bytes;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

type Body = ConstructorParameters<typeof Response>[0];

function plainHeaders(h: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  // The SDKs hand over a Headers; iterate it instead of copying it into another one.
  (h instanceof Headers ? h : new Headers(h)).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/**
 * The read side of Headers over node's parsed headers (names already lower-case), without
 * building a web Headers per response; iterable, so `new Headers(h)` still makes a real one.
 */
class ResponseHeaders {
  private sorted: [string, string][] | null = null;

  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  getSetCookie(): string[] {
    return this.raw["set-cookie"] ?? [];
  }

  /** Sorted by name, as Headers iterates. */
  entries(): IterableIterator<[string, string]> {
    if (!this.sorted) {
      this.sorted = [];
      for (const k of Object.keys(this.raw).sort()) {
        const v = this.get(k);
        if (v !== null) this.sorted.push([k, v]);
      }
    }
    return this.sorted[Symbol.iterator]();
  }

  keys(): IterableIterator<string> {
    return Array.from(this.entries(), ([k]) => k)[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return Array.from(this.entries(), ([, v]) => v)[Symbol.iterator]();
  }

  forEach(fn: (value: string, name: string, parent: this) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * The response the SDKs get: the whole body is already in memory (a critic reply is a few
 * hundred bytes), so it is read from the buffer instead of through a web ReadableStream, whose
 * construction was a fifth of the client's CPU per call. Everything the SDKs touch (status,
 * ok, headers, url, json, text) is served directly; anything else (`body` for a stream, blob,
 * formData, clone) comes from a real Response built on first use.
 */
class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = "basic";
  private used = false;
  private real: Response | null = null;

  constructor(
    private readonly buffered: Buffer | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.used || (this.real?.bodyUsed ?? false);
  }

  private take(): Buffer {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.used = true;
    return this.buffered ?? Buffer.alloc(0);
  }

  private response(): Response {
    if (this.used) throw new TypeError("Body is unusable: Body has already been read");
    this.real ??= new Response(this.buffered, { status: this.status, statusText: this.statusText, headers: new Headers([...this.headers]) });
    return this.real;
  }

  async text(): Promise<string> {
    return this.take().toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.take().toString("utf8"));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.buffered == null ? null : this.response().body;
  }

  blob(): Promise<Blob> {
    return this.response().blob();
  }

  formData(): Promise<FormData> {
    return this.response().formData();
  }

  clone(): Response {
    return this.response().clone();
  }
}

/** Parsed request URLs: an SDK sends the same few URLs thousands of times. */
const urls = new Map<string, URL>();

function parseUrl(href: string): URL {
  let url = urls.get(href);
  if (!url) {
    if (urls.size >= 256) urls.clear();
    url = new URL(href);
    urls.set(href, url);
  }
  return url;
}

export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  let url = parseUrl(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
  const headers = plainHeaders(init.headers);
  let body: string | Uint8Array | null = null;
  if (typeof init.body === "string" || init.body instanceof Uint8Array) body = init.body;
  else if (init.body != null) {
    // FormData, streams and blobs (batch file uploads): let the platform serialise them, multipart boundary included.
    const r = new Response(init.body as Body);
    const type = r.headers.get("content-type");
    if (type && !headers["content-type"]) headers["content-type"] = type;
    body = new Uint8Array(await r.arrayBuffer());
  }
  let method = init.method ?? "GET";
  for (let hop = 0; ; hop++) {
    const res = await send(url, method, headers, body, init.signal ?? undefined);
    const location = res.headers.get("location");
    if (!REDIRECTS.has(res.status) || !location || hop >= MAX_REDIRECTS || init.redirect === "manual") return res as unknown as Response;
    // As fetch does: 303 (and 301/302 after a POST) become a GET without a body; 307 and 308 repeat the request.
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = "GET";
      body = null;
      delete headers["content-type"];
      delete headers["content-length"];
    }
    const next = new URL(location, url);
    // Credentials stay with the origin they were meant for.
    if (next.origin !== url.origin) for (const h of ["authorization", "x-api-key", "api-key", "cookie"]) delete headers[h];
    url = next;
  }
}

async function send(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | null, signal: AbortSignal | undefined): Promise<BufferedResponse> {
  const secure = url.protocol === "https:";
  const agent = await agentFor(url, secure);
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        agent,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          // A 204/304 response may not carry a body.
          let bytes = res.statusCode === 204 || res.statusCode === 304 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          const encoding = res.headers["content-encoding"];
          if (bytes && encoding) {
            try {
              bytes = decoded(bytes, encoding);
              delete res.headers["content-encoding"];
              delete res.headers["content-length"];
            } catch (e) {
              reject(e);
              return;
            }
          }
          resolve(new BufferedResponse(bytes, res.statusCode ?? 500, res.statusMessage ?? "", new ResponseHeaders(res.headers), url.href));
        });
      },
    );
    req.on("error", reject);
    if (body == null) req.end();
    else req.end(body);
  });
}
