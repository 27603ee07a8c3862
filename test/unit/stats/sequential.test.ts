import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/stats/rng.js";
import {
  confidenceSequence,
  decide,
  differenceToUnit,
  empiricalBernsteinCs,
  normalMixtureCs,
  normalMixtureRadius,
  normalMixtureRho,
} from "../../../src/stats/sequential.js";

describe("normal-mixture confidence sequence (methods.md 6.1a)", () => {
  it("tunes rho for a horizon of 1,000 at alpha 0.05 to 30.44", () => {
    expect(normalMixtureRho(1000, 0.05)).toBeCloseTo(30.443, 2);
  });

  it("matches the half-widths 0.1912, 0.0480, 0.0162 at t = 100, 1,000, 10,000", () => {
    const rho = normalMixtureRho(1000, 0.05);
    const widths = [100, 1000, 10000].map((t) => normalMixtureRadius(t, { alpha: 0.05, rho }));
    expect(widths[0]).toBeCloseTo(0.1912, 4);
    expect(widths[1]).toBeCloseTo(0.048, 4);
    expect(widths[2]).toBeCloseTo(0.0162, 4);
  });

  it("centres the incremental interval on the running mean", () => {
    const cs = normalMixtureCs({ alpha: 0.05, horizon: 1000 });
    let b = cs.current();
    expect(b).toEqual({ lo: 0, hi: 1, t: 0 });
    for (let t = 1; t <= 1000; t++) b = cs.push(t % 4 === 0 ? 1 : 0);
    expect((b.lo + b.hi) / 2).toBeCloseTo(0.25, 10);
    expect(b.hi - b.lo).toBeCloseTo(2 * 0.048, 4);
  });
});

describe("empirical-Bernstein confidence sequence (methods.md 6.1b)", () => {
  it("matches the test vector on the alternating sequence 1,0,1,0,...", () => {
    const xs = Array.from({ length: 10000 }, (_, i) => (i + 1) % 2);
    const seq = confidenceSequence(xs, "empirical-bernstein", { alpha: 0.05 });
    const at = (t: number) => seq[t - 1];
    expect(at(100).lo).toBeCloseTo(0.3211, 4);
    expect(at(100).hi).toBeCloseTo(0.677, 4);
    expect(at(1000).lo).toBeCloseTo(0.4359, 4);
    expect(at(1000).hi).toBeCloseTo(0.5642, 4);
    expect(at(10000).lo).toBeCloseTo(0.4751, 4);
    expect(at(10000).hi).toBeCloseTo(0.525, 4);
  });

  it("gives the same intervals incrementally as in batch", () => {
    const rng = createRng("eb-incremental");
    const xs = Array.from({ length: 300 }, () => rng.next());
    const cs = empiricalBernsteinCs({ alpha: 0.1, horizon: 200 });
    const incremental = xs.map((x) => cs.push(x));
    expect(incremental).toEqual(confidenceSequence(xs, "empirical-bernstein", { alpha: 0.1, horizon: 200 }));
  });

  it("is narrower than the normal mixture when the variance is small", () => {
    const rng = createRng("low-variance");
    const xs = Array.from({ length: 500 }, () => 0.5 + 0.1 * (rng.next() - 0.5));
    const eb = confidenceSequence(xs, "empirical-bernstein").at(-1)!;
    const nm = confidenceSequence(xs, "normal-mixture", { horizon: 500 }).at(-1)!;
    expect(eb.hi - eb.lo).toBeLessThan((nm.hi - nm.lo) / 3);
  });

  it("rejects observations outside [0, 1]", () => {
    expect(() => empiricalBernsteinCs().push(1.5)).toThrow(RangeError);
    expect(() => normalMixtureCs().push(-0.1)).toThrow(RangeError);
  });

  it("covers the true mean at every t in at least 1 - alpha of seeded runs", () => {
    // Anytime coverage: a run fails if the CS ever misses the mean, at any of 1,000 steps.
    const runs = 200;
    let failures = 0;
    for (let r = 0; r < runs; r++) {
      const rng = createRng(`coverage-${r}`);
      const cs = empiricalBernsteinCs({ alpha: 0.1, horizon: 300 });
      for (let t = 0; t < 1000; t++) {
        const b = cs.push(rng.next() < 0.3 ? 1 : 0);
        if (b.lo > 0.3 || b.hi < 0.3) {
          failures++;
          break;
        }
      }
    }
    expect(failures / runs).toBeLessThanOrEqual(0.1);
  });
});

describe("decide", () => {
  it("maps differences in [-1, 1] to [0, 1]", () => {
    expect(differenceToUnit(-1)).toBe(0);
    expect(differenceToUnit(0)).toBe(0.5);
    expect(differenceToUnit(1)).toBe(1);
    expect(() => differenceToUnit(1.2)).toThrow(RangeError);
  });

  it("declares a winner only when the interval excludes one half", () => {
    expect(decide({ lo: 0.51, hi: 0.6 }, { delta: 0.1 })).toBe("A better");
    expect(decide({ lo: 0.4, hi: 0.49 }, { delta: 0.1 })).toBe("B better");
    expect(decide({ lo: 0.48, hi: 0.53 }, { delta: 0.1 })).toBe("equivalent within delta");
    expect(decide({ lo: 0.44, hi: 0.53 }, { delta: 0.1 })).toBe("undecided");
    expect(decide({ lo: 0.48, hi: 0.53 }, { delta: 0 })).toBe("undecided");
  });
});

describe("hedged-capital betting CS (Waudby-Smith & Ramdas 2024)", () => {
  it("covers the mean at every t on seeded Bernoulli data, and is tighter than empirical Bernstein at small n", async () => {
    const { bettingCs, empiricalBernsteinCs } = await import("../../../src/stats/sequential.js");
    const { createRng } = await import("../../../src/stats/rng.js");
    const r = createRng("betting");
    let misses = 0;
    let widthBet = 0;
    let widthEb = 0;
    const reps = 200;
    for (let k = 0; k < reps; k++) {
      const mu = 0.3 + 0.4 * r.next();
      const bet = bettingCs({ alpha: 0.05 });
      const eb = empiricalBernsteinCs({ alpha: 0.05 });
      let missed = false;
      for (let t = 1; t <= 300; t++) {
        const x = r.next() < mu ? 1 : 0;
        const b = bet.push(x);
        const e = eb.push(x);
        if (b.lo > mu || b.hi < mu) missed = true;
        if (t === 40) {
          widthBet += (b.hi - b.lo) / reps;
          widthEb += (e.hi - e.lo) / reps;
        }
      }
      if (missed) misses++;
    }
    expect(misses / reps).toBeLessThanOrEqual(0.05);
    expect(widthBet).toBeLessThan(0.8 * widthEb);
  });
});
