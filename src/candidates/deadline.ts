/** A timeout error for the user's code: a task or a service that did not answer in time. */
export class DeadlineExceeded extends Error {
  override name = "TimeoutError";
}

export interface Deadline {
  /** Aborted when the deadline passes or the run is interrupted. */
  signal: AbortSignal;
}

/**
 * Run `fn` until it settles, the deadline passes, or `outer` aborts, whichever comes first.
 * The signal handed to `fn` is aborted in the last two cases so well-behaved code stops; code
 * that ignores it is left behind (its result is dropped), so one stuck row cannot hang a run.
 */
export async function withDeadline<T>(ms: number, outer: AbortSignal, fn: (d: Deadline) => T | Promise<T>, message: string): Promise<T> {
  if (outer.aborted) throw outer.reason;
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onOuter: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new DeadlineExceeded(message);
      ctl.abort(e);
      reject(e);
    }, ms);
    onOuter = () => {
      ctl.abort(outer.reason);
      reject(outer.reason);
    };
    outer.addEventListener("abort", onOuter, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn({ signal: ctl.signal })), stopped]);
  } finally {
    clearTimeout(timer);
    if (onOuter) outer.removeEventListener("abort", onOuter);
  }
}
