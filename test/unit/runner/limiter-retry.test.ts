import { describe, expect, it } from "vitest";
import { ProviderError } from "../../../src/errors.js";
import { Limiter } from "../../../src/runner/limiter.js";
import { DEFAULT_RETRY, withRetry } from "../../../src/runner/retry.js";

const rateLimited = () => new ProviderError("HTTP 429", { kind: "http", status: 429, retryAfterMs: 0 });
const serverError = () => new ProviderError("HTTP 500", { kind: "http", status: 500 });
const fast = { ...DEFAULT_RETRY, baseDelayMs: 0, maxDelayMs: 0 };

describe("AIMD concurrency", () => {
  it("halves on a rate limit once per episode and grows back one slot per clean round", () => {
    const l = new Limiter(8, 1_000, 3);
    l.rateLimited(10_000);
    expect(l.limit.concurrency).toBe(4);
    l.rateLimited(10_500); // same burst: one cut
    expect(l.limit.concurrency).toBe(4);
    l.rateLimited(11_500);
    expect(l.limit.concurrency).toBe(2);
    for (let i = 0; i < 3; i++) l.succeeded();
    expect(l.limit.concurrency).toBe(3);
    for (let i = 0; i < 30; i++) l.succeeded();
    expect(l.limit.concurrency).toBe(8);
    for (let i = 0; i < 20; i++) l.rateLimited(20_000 + i * 2_000);
    expect(l.limit.concurrency).toBe(1);
  });
});

describe("retries", () => {
  it("let a storm of rate limits slow a call down rather than fail it", async () => {
    let n = 0;
    const r = await withRetry(async () => {
      if (n++ < 12) throw rateLimited();
      return "ok";
    }, fast);
    expect(r).toEqual({ value: "ok", attempts: 13 });
  });

  it("still give up after maxRetries on errors that are not rate limits, with the attempts attached", async () => {
    let n = 0;
    const e = await withRetry(async () => {
      n++;
      throw serverError();
    }, { ...fast, maxRetries: 2 }).catch((x: unknown) => x);
    expect(n).toBe(3);
    expect((e as { attempts: number }).attempts).toBe(3);
  });

  it("make no retry at all when maxRetries is 0, rate limit or not", async () => {
    let n = 0;
    await withRetry(async () => {
      n++;
      throw rateLimited();
    }, { ...fast, maxRetries: 0 }).catch(() => undefined);
    expect(n).toBe(1);
  });
});
