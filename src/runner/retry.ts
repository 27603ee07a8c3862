import { ProviderError } from "../errors.js";

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest retry-after we honour before treating it as the max delay. */
  maxRetryAfterMs: number;
  /**
   * 429s have their own allowance, counted apart from `maxRetries`: a rate limit asks the client
   * to slow down (and AIMD does), it says nothing is wrong with the request. A storm of them
   * should make a run slower, not turn paid-for work into failed judgments. 0 retries stays 0.
   */
  maxRateLimitRetries?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 6, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000, maxRateLimitRetries: 30 };

function isRateLimit(e: unknown): boolean {
  return e instanceof ProviderError && e.status === 429;
}

/** The SDKs' rule: retry timeouts, connection errors, 408, 409, 429 and 5xx; and bodies that did not parse. */
export function shouldRetry(e: unknown): boolean {
  if (!(e instanceof ProviderError)) return false;
  if (e.kind === "length") return false;
  if (e.kind !== "http") return true;
  const s = e.status ?? 0;
  return s === 408 || s === 409 || s === 429 || s >= 500;
}

/** Honour retry-after(-ms); otherwise exponential backoff with up to 25% jitter. */
export function retryDelayMs(e: unknown, attempt: number, policy: RetryPolicy, random: () => number): number {
  if (e instanceof ProviderError && e.retryAfterMs !== undefined) return Math.min(e.retryAfterMs, policy.maxRetryAfterMs);
  const base = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return base * (1 - 0.25 * random());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryOutcome<T> {
  value: T;
  attempts: number;
}

/**
 * The only retry loop in critic. `onRetry` sees each failed attempt (for events and AIMD).
 * Throws the last error, with `attempts` attached, when retries are exhausted.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  opts: { signal?: AbortSignal; onRetry?: (e: unknown, attempt: number, delayMs: number) => void; random?: () => number } = {},
): Promise<RetryOutcome<T>> {
  const random = opts.random ?? Math.random;
  const rateLimitAllowance = policy.maxRetries === 0 ? 0 : Math.max(policy.maxRetries, policy.maxRateLimitRetries ?? 0);
  let errors = 0;
  let rateLimits = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt + 1 };
    } catch (e) {
      const limited = isRateLimit(e);
      const exhausted = limited ? rateLimits++ >= rateLimitAllowance : errors++ >= policy.maxRetries;
      if (opts.signal?.aborted || exhausted || !shouldRetry(e)) {
        throw Object.assign(e as object, { attempts: attempt + 1 });
      }
      const delay = retryDelayMs(e, attempt, policy, random);
      opts.onRetry?.(e, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}
