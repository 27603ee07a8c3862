/** The requests in flight on one parent signal, and the one listener that aborts them all. */
interface Fanout {
  live: Set<AbortController>;
  onAbort: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

function fanoutOf(parent: AbortSignal): Fanout {
  let f = fanouts.get(parent);
  if (!f) {
    const live = new Set<AbortController>();
    const onAbort = () => {
      for (const c of live) c.abort(parent.reason);
    };
    f = { live, onAbort };
    fanouts.set(parent, f);
  }
  return f;
}

/**
 * A per-request signal that follows `parent` until `release()`. Both SDKs add an abort listener
 * to the signal they are given and never remove it; handed the run's one long-lived signal,
 * 100,000 calls leave 100,000 listeners on it (each holding its request), and every
 * addEventListener walks that list: memory grows and the run slows down quadratically.
 * The SDK's listener goes on this short-lived signal instead. The parent carries one listener
 * for all the requests in flight, added when the first starts and removed when the last ends,
 * instead of one per request (each add and remove walks the parent's list).
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
  const f = fanoutOf(parent);
  if (f.live.size === 0) parent.addEventListener("abort", f.onAbort, { once: true });
  f.live.add(c);
  return {
    signal: c.signal,
    release: () => {
      if (f.live.delete(c) && f.live.size === 0) parent.removeEventListener("abort", f.onAbort);
    },
  };
}
