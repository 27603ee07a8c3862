import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { allocate, sample, shuffledIndices } from "../../../src/sampling/sample.js";
import { createRng } from "../../../src/stats/rng.js";

const isSortedUnique = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

describe("simple random sample", () => {
  it("draws the requested count of distinct sorted indices in range", () => {
    const s = sample(1000, { size: 137, seed: 3 });
    expect(s).toHaveLength(137);
    expect(isSortedUnique(s)).toBe(true);
    expect(s[0]).toBeGreaterThanOrEqual(0);
    expect(s.at(-1)).toBeLessThan(1000);
  });

  it("rounds a fraction to a count", () => {
    expect(sample(50, { fraction: 0.25, seed: 1 })).toHaveLength(13);
    expect(sample(50, { fraction: 1, seed: 1 })).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("is reproducible by seed and differs across seeds", () => {
    expect(sample(500, { size: 20, seed: "a" })).toEqual(sample(500, { size: 20, seed: "a" }));
    expect(sample(500, { size: 20, seed: "a" })).not.toEqual(sample(500, { size: 20, seed: "b" }));
  });

  it("picks every row about equally often", () => {
    const hits = new Array(20).fill(0);
    for (let s = 0; s < 2000; s++) for (const i of sample(20, { size: 5, seed: s })) hits[i]++;
    // Expected 500 per row; binomial SD ≈ 19.
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(100);
  });

  it("rejects a missing or impossible size", () => {
    expect(() => sample(10, {})).toThrow(ConfigError);
    expect(() => sample(10, { size: 11 })).toThrow(ConfigError);
    expect(() => sample(10, { size: 2.5 })).toThrow(ConfigError);
  });
});

describe("stratified sample", () => {
  const strata = [...Array(90).fill("common"), ...Array(8).fill("rare"), "single"];

  it("gives every stratum at least min(2, its size)", () => {
    const s = sample(strata.length, { size: 10, strata, seed: 5 });
    const count = (k: string) => s.filter((i) => strata[i] === k).length;
    expect(s).toHaveLength(10);
    expect(count("rare")).toBeGreaterThanOrEqual(2);
    expect(count("single")).toBe(1);
    expect(isSortedUnique(s)).toBe(true);
  });

  it("allocates proportionally by stratum size", () => {
    expect(allocate({ a: 600, b: 300, c: 100 }, 100)).toEqual({ a: 60, b: 30, c: 10 });
  });

  it("allocates by N_h * sigma_h under Neyman (methods.md 6.2)", () => {
    // Weights 80*1 = 80 and 20*4 = 80: an even split despite the 4:1 sizes.
    expect(allocate({ a: 80, b: 20 }, 10, "neyman", { a: 1, b: 4 })).toEqual({ a: 5, b: 5 });
    const s = sample(100, {
      size: 10,
      strata: [...Array(80).fill("a"), ...Array(20).fill("b")],
      allocation: "neyman",
      sd: { a: 1, b: 4 },
      seed: 2,
    });
    expect(s.filter((i) => i >= 80)).toHaveLength(5);
  });

  it("moves the surplus of a stratum smaller than its share to the others", () => {
    const n = allocate({ a: 100, b: 3 }, 20, "neyman", { a: 1, b: 100 });
    expect(n).toEqual({ a: 17, b: 3 });
  });

  it("rejects Neyman without an SD and a size too small for the minimum", () => {
    expect(() => allocate({ a: 5, b: 5 }, 6, "neyman", { a: 1 })).toThrow(ConfigError);
    expect(() => allocate({ a: 5, b: 5, c: 5 }, 5)).toThrow(ConfigError);
  });
});

describe("shuffledIndices", () => {
  it("is a permutation", () => {
    const p = shuffledIndices(100, createRng(9));
    expect(p.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
