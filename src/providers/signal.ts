/**
 * A per-request signal that follows `parent` until `release()`. Both SDKs add an abort listener
 * to the signal they are given and never remove it; handed the run's one long-lived signal,
 * 100,000 calls leave 100,000 listeners on it (each holding its request), and every
 * addEventListener walks that list: memory grows and the run slows down quadratically.
 * The SDK's listener goes on this short-lived signal instead, and ours comes off the parent.
 *
 * @example
 * const s = requestSignal(runSignal);
 * try { await client.chat.completions.create(body, { signal: s.signal }); } finally { s.release(); }
 */
export function requestSignal(parent: AbortSignal | undefined): { signal: AbortSignal | undefined; release(): void } {
  if (!parent) return { signal: undefined, release() {} };
  const c = new AbortController();
  if (parent.aborted) {
    c.abort(parent.reason);
    return { signal: c.signal, release() {} };
  }
  const onAbort = () => c.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { signal: c.signal, release: () => parent.removeEventListener("abort", onAbort) };
}
