import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeFetch } from "../../src/providers/http.js";

let server: Server;
let base: string;
beforeAll(async () => {
  // Echoes what it received, so each test can see both sides of the exchange.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/empty") {
        res.writeHead(204).end();
        return;
      }
      const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/json", "x-request-id": "req_1", "set-cookie": ["a=1", "b=2"] });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("nodeFetch: the fetch both SDKs are given", () => {
  it("sends method, headers and body, and serves status, headers and the JSON body as fetch does", async () => {
    const res = await nodeFetch(`${base}/v1/chat?x=1`, { method: "POST", headers: new Headers({ "Content-Type": "application/json", "X-Extra": "yes" }), body: '{"a":1}' });
    expect([res.status, res.ok]).toEqual([200, true]);
    expect(res.url).toBe(`${base}/v1/chat?x=1`);
    expect(res.headers.get("X-Request-ID")).toBe("req_1");
    expect(res.headers.has("content-type")).toBe(true);
    expect(res.headers.get("nope")).toBeNull();
    // Sorted by name, multi-valued headers joined, as a web Headers iterates.
    const names = [...res.headers.entries()].map(([k]) => k);
    expect(names).toEqual([...names].sort());
    expect(new Headers([...res.headers]).get("set-cookie")).toBe("a=1, b=2");
    const echo = (await res.json()) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(echo).toMatchObject({ method: "POST", url: "/v1/chat?x=1", body: '{"a":1}' });
    expect(echo.headers["x-extra"]).toBe("yes");
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
  });

  it("reports a 404 as not ok and a 204 as having no body", async () => {
    const missing = await nodeFetch(`${base}/missing`);
    expect([missing.status, missing.ok]).toEqual([404, false]);
    const empty = await nodeFetch(`${base}/empty`);
    expect([empty.status, empty.body, await empty.text()]).toEqual([204, null, ""]);
  });

  it("gives a real stream, blob and clone where a caller asks for them", async () => {
    const res = await nodeFetch(`${base}/stream`);
    const copy = res.clone();
    expect(JSON.parse(await new Response(res.body).text())).toMatchObject({ url: "/stream" });
    expect(JSON.parse(await copy.text())).toMatchObject({ url: "/stream" });
    expect(JSON.parse(await (await (await nodeFetch(`${base}/blob`)).blob()).text())).toMatchObject({ url: "/blob" });
  });

  it("serialises a FormData body with its multipart boundary (batch file uploads)", async () => {
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new Blob(['{"custom_id":"k0"}\n']), "batch.jsonl");
    const echo = (await (await nodeFetch(`${base}/files`, { method: "POST", body: form })).json()) as { headers: Record<string, string>; body: string };
    const boundary = /boundary=(\S+)/.exec(echo.headers["content-type"] ?? "")?.[1];
    expect(boundary).toBeTruthy();
    expect(echo.body).toContain(`--${boundary}`);
    expect(echo.body).toContain('{"custom_id":"k0"}');
  });
});
