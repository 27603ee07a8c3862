import { unit } from "./hash.js";

export type FaultKind = "429" | "500" | "overloaded" | "timeout" | "reset" | "truncated" | "garbage";

/** Fault injection. Rates are probabilities per attempt, drawn from hash(seed, body, attempt). */
export interface FaultOptions {
  rate429?: number;
  rate500?: number;
  /** Overloaded: Anthropic's 529 `overloaded_error` (a 503 on the OpenAI routes). */
  rateOverloaded?: number;
  /** Hold the response for `hangMs` (longer than the client's timeout), then answer if still connected. */
  rateTimeout?: number;
  /** Destroy the socket without a response. */
  rateReset?: number;
  /** 200 with a JSON body cut in half. */
  rateTruncated?: number;
  /** 200 with a well-formed body whose text is not a score. */
  rateGarbage?: number;
  /** Sent as `retry-after-ms` and, rounded up to whole seconds, `retry-after` (default 500). */
  retryAfterMs?: number;
  /** How long a timeout fault holds the response (default 120,000). */
  hangMs?: number;
  /**
   * Scripted faults for tests: the first `count` attempts of every body (of `model` only, when set)
   * get `kind`, e.g. `{count: 1, kind: "429"}`: each prompt's first attempt is rate-limited, the second succeeds.
   */
  failFirstAttempts?: { count: number; kind: FaultKind; model?: string };
}

const ORDER: ReadonlyArray<[FaultKind, keyof FaultOptions]> = [
  ["429", "rate429"],
  ["500", "rate500"],
  ["overloaded", "rateOverloaded"],
  ["timeout", "rateTimeout"],
  ["reset", "rateReset"],
  ["truncated", "rateTruncated"],
  ["garbage", "rateGarbage"],
];

/**
 * Which fault, if any, hits attempt `attempt` (0 = first) of the request whose body hashes to
 * `bodyKey`. Pure, so "attempt 0 of this prompt gets a 429, attempt 1 succeeds" holds under any
 * concurrency and on every run with the same seed.
 */
export function decideFault(
  seed: number | string,
  f: FaultOptions,
  bodyKey: string,
  attempt: number,
  model: string,
): FaultKind | null {
  const ff = f.failFirstAttempts;
  if (ff && attempt < ff.count && (ff.model == null || ff.model === model)) return ff.kind;
  let total = 0;
  for (const [, k] of ORDER) total += (f[k] as number | undefined) ?? 0;
  if (total <= 0) return null;
  const u = unit(seed, "fault", bodyKey, attempt);
  let acc = 0;
  for (const [kind, k] of ORDER) {
    acc += (f[k] as number | undefined) ?? 0;
    if (u < acc) return kind;
  }
  return null;
}
