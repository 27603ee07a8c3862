import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { criticMessages } from "../../../src/critic/prompt.js";
import type { SimStats } from "../../../src/providers/sim/counters.js";
import { textKey } from "../../../src/providers/sim/hash.js";
import { type SimServer, startSimServer } from "../../../src/providers/sim/server.js";
import { RUBRIC } from "./helpers.js";

type OpenAIErrorBody = { error: { type: string; code: string | null } };

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

const chatBody = (i: number) => ({
  model: "sim-critic-strong",
  messages: criticMessages(RUBRIC, { input: `question ${i}`, output: `answer ${i}` }),
  max_tokens: 3,
});

describe("sim server over HTTP", () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer({ seed: 3, serveUnknownModels: false });
  });
  afterAll(() => sim.close());

  it("listens on a free loopback port and names both base URLs", () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.openaiBaseURL).toBe(`${sim.url}/v1`);
    expect(sim.anthropicBaseURL).toBe(sim.url);
  });

  it("counts requests per model, status and body, over the API and GET /__sim/stats, and resets", async () => {
    await post(`${sim.url}/__sim/reset`, {});
    const body = JSON.stringify(chatBody(1));
    await (await post(`${sim.openaiBaseURL}/chat/completions`, body)).json();
    await (await post(`${sim.openaiBaseURL}/chat/completions`, body)).json();
    await (await post(`${sim.openaiBaseURL}/chat/completions`, { ...chatBody(2), model: "gpt-nope" })).json();
    const s = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as SimStats;
    expect(s).toMatchObject({ total: 3, byModel: { "sim-critic-strong": 2, "gpt-nope": 1 }, byStatus: { "200": 2, "404": 1 }, repeatedBodies: 1 });
    expect(s.byBody[textKey(body)]).toBe(2);
    expect(s.byKind.critic).toBe(2);
    expect(sim.stats()).toEqual(s);
    expect((await post(`${sim.url}/__sim/reset`, {})).status).toBe(200);
    expect(sim.stats()).toMatchObject({ total: 0, byBody: {}, repeatedBodies: 0 });
  });

  it("answers bad JSON and missing fields with 400 in each API's error shape", async () => {
    const a = await post(`${sim.openaiBaseURL}/chat/completions`, "{not json");
    expect(a.status).toBe(400);
    expect(((await a.json()) as OpenAIErrorBody).error.type).toBe("invalid_request_error");
    const b = await post(`${sim.url}/v1/messages`, { model: "sim-small", messages: [{ role: "user", content: "hi" }] });
    expect(b.status).toBe(400);
    expect(await b.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("answers unknown routes with 404", async () => {
    expect((await fetch(`${sim.url}/v1/nothing`)).status).toBe(404);
  });

  it("lists its models", async () => {
    const r = (await (await fetch(`${sim.openaiBaseURL}/models`)).json()) as { data: { id: string }[] };
    expect(r.data.map((m) => m.id)).toContain("sim-critic-strong");
  });
});

describe("fault injection over HTTP", () => {
  /** Status of each attempt of each body, with the bodies sent in the given order and concurrency. */
  async function run(order: number[], parallel: boolean) {
    const sim = await startSimServer({ seed: 11, rate429: 0.3, rate500: 0.2, retryAfterMs: 10, perModelLatency: false });
    try {
      const out = new Map<number, number[]>();
      const one = async (i: number) => {
        const statuses: number[] = [];
        for (let k = 0; k < 3; k++) statuses.push((await post(`${sim.openaiBaseURL}/chat/completions`, chatBody(i))).status);
        out.set(i, statuses);
      };
      if (parallel) await Promise.all(order.map(one));
      else for (const i of order) await one(i);
      return order.map((_, i) => out.get(i));
    } finally {
      await sim.close();
    }
  }

  it("hit the same attempts of the same bodies whatever the order and concurrency", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => i);
    const serial = await run(ids, false);
    const parallel = await run([...ids].reverse(), true);
    expect(parallel).toEqual(serial);
    const flat = serial.flat() as number[];
    expect(flat).toContain(429);
    expect(flat).toContain(500);
    expect(flat).toContain(200);
  });

  it("send retry-after and retry-after-ms with a 429", async () => {
    const sim = await startSimServer({ failFirstAttempts: { count: 1, kind: "429" }, retryAfterMs: 1500 });
    try {
      const r = await post(`${sim.openaiBaseURL}/chat/completions`, chatBody(1));
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("2");
      expect(r.headers.get("retry-after-ms")).toBe("1500");
      expect(((await r.json()) as OpenAIErrorBody).error.code).toBe("rate_limit_exceeded");
      expect((await post(`${sim.openaiBaseURL}/chat/completions`, chatBody(1))).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it("cut a truncated body so it no longer parses, and destroy the socket on a reset", async () => {
    const sim = await startSimServer({ failFirstAttempts: { count: 1, kind: "truncated" } });
    try {
      const r = await post(`${sim.openaiBaseURL}/chat/completions`, chatBody(1));
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(() => JSON.parse(text)).toThrow();
    } finally {
      await sim.close();
    }
    const reset = await startSimServer({ failFirstAttempts: { count: 1, kind: "reset" } });
    try {
      await expect(post(`${reset.openaiBaseURL}/chat/completions`, chatBody(1))).rejects.toThrow();
      expect(reset.stats().byStatus.reset).toBe(1);
    } finally {
      await reset.close();
    }
  });

  it("hold a timeout fault past the client's patience, and close() does not wait for it", async () => {
    const sim = await startSimServer({ failFirstAttempts: { count: 1, kind: "timeout" }, hangMs: 60_000 });
    const t0 = Date.now();
    await expect(
      fetch(`${sim.openaiBaseURL}/chat/completions`, { method: "POST", body: JSON.stringify(chatBody(1)), signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    await sim.close();
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
