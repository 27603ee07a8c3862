/**
 * Fast deterministic hashing for the simulator. Every simulated decision (truth, critic error,
 * fault) is a pure function of the seed and the request, so a retry or a second run sees the
 * same world whatever the concurrency. Not cryptographic; 53 bits keeps collisions negligible
 * for the request volumes the simulator serves.
 */

const SEP = "\u241f";

/** cyrb53: a 53-bit string hash, a few ns per character. */
export function h53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Short stable hex key for a text (used for bodies, prompts and items). */
export function textKey(s: string): string {
  return h53(s).toString(16).padStart(14, "0");
}

/** Uniform in [0, 1) from the parts. */
export function unit(...parts: ReadonlyArray<string | number>): number {
  return h53(parts.join(SEP)) / 9007199254740992;
}

/** Standard normal from the parts (Box-Muller on two hashed uniforms). */
export function gauss(...parts: ReadonlyArray<string | number>): number {
  const key = parts.join(SEP);
  const u = (h53(key, 1) + 1) / 9007199254740992; // in (0, 1], so log(u) is finite
  const v = h53(key, 2) / 9007199254740992;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A stream of uniforms seeded from the parts (mulberry32): several draws for one decision. */
export function draws(...parts: ReadonlyArray<string | number>): () => number {
  let a = h53(parts.join(SEP)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
