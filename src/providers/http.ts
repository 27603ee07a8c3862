import http from "node:http";
import https from "node:https";

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

type Body = ConstructorParameters<typeof Response>[0];

export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const secure = url.protocol === "https:";
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => {
    headers[k] = v;
  });
  let body: string | Uint8Array | null = null;
  if (typeof init.body === "string" || init.body instanceof Uint8Array) body = init.body;
  else if (init.body != null) {
    // FormData, streams and blobs (batch file uploads): let the platform serialise them, multipart boundary included.
    const r = new Response(init.body as Body);
    const type = r.headers.get("content-type");
    if (type && !headers["content-type"]) headers["content-type"] = type;
    body = new Uint8Array(await r.arrayBuffer());
  }
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: init.method ?? "GET",
        headers,
        agent: secure ? agents.https : agents.http,
        signal: init.signal ?? undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
          // A 204/304 response may not carry a body.
          const body = res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status: res.statusCode ?? 500, statusText: res.statusMessage, headers: h }));
        });
      },
    );
    req.on("error", reject);
    if (body == null) req.end();
    else req.end(body);
  });
}
