import { describe, expect, it } from "vitest";
import { decideFault, type FaultOptions } from "../../../src/providers/sim/faults.js";
import { textKey } from "../../../src/providers/sim/hash.js";

const bodies = Array.from({ length: 4000 }, (_, i) => textKey(`{"model":"m","messages":[{"role":"user","content":"q${i}"}]}`));

describe("fault decisions", () => {
  it("are a pure function of (seed, body, attempt)", () => {
    const f: FaultOptions = { rate429: 0.2, rate500: 0.1, rateReset: 0.05 };
    const a = bodies.map((b) => [0, 1, 2].map((k) => decideFault(7, f, b, k, "m")));
    const b = bodies.map((b) => [0, 1, 2].map((k) => decideFault(7, f, b, k, "m")));
    expect(b).toEqual(a);
    const other = bodies.map((b) => [0, 1, 2].map((k) => decideFault(8, f, b, k, "m")));
    expect(other).not.toEqual(a);
  });

  it("land near the configured rates, and each attempt is drawn afresh", () => {
    const f: FaultOptions = { rate429: 0.2, rate500: 0.1, rateTimeout: 0.05, rateReset: 0.05, rateTruncated: 0.05, rateGarbage: 0.05 };
    const first = bodies.map((b) => decideFault(1, f, b, 0, "m"));
    const share = (k: string) => first.filter((x) => x === k).length / bodies.length;
    expect(Math.abs(share("429") - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(share("500") - 0.1)).toBeLessThan(0.025);
    for (const k of ["timeout", "reset", "truncated", "garbage"]) expect(Math.abs(share(k) - 0.05)).toBeLessThan(0.02);
    expect(Math.abs(first.filter((x) => x === null).length / bodies.length - 0.5)).toBeLessThan(0.03);
    // a 429 on attempt 0 says nothing about attempt 1
    const hit = bodies.filter((_, i) => first[i] === "429");
    const again = hit.filter((b) => decideFault(1, f, b, 1, "m") === "429").length / hit.length;
    expect(Math.abs(again - 0.2)).toBeLessThan(0.06);
  });

  it("never fire when every rate is zero", () => {
    expect(bodies.every((b) => decideFault(1, {}, b, 0, "m") === null)).toBe(true);
  });

  it("script the first attempts of every body, optionally for one model only", () => {
    const f: FaultOptions = { failFirstAttempts: { count: 2, kind: "500", model: "sim-critic-fast" } };
    expect([0, 1, 2].map((k) => decideFault(1, f, bodies[0]!, k, "sim-critic-fast"))).toEqual(["500", "500", null]);
    expect(decideFault(1, f, bodies[0]!, 0, "sim-critic-strong")).toBeNull();
  });
});
