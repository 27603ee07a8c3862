import type { RunEvent } from "../runner/events.js";

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * Progress display. On a TTY one line is redrawn at most 10 times a second
 * (bar, done/total, calls per second, ETA, dollars, failed, abstained and retried); otherwise a plain line every `everyMs`.
 */
export function createProgress(write: (s: string) => void, opts: { tty: boolean; everyMs?: number; now?: () => number }) {
  const now = opts.now ?? (() => performance.now());
  const everyMs = opts.everyMs ?? (opts.tty ? 100 : 5_000);
  let total = 0;
  let done = 0;
  let startDone = 0;
  let cached = 0;
  let usd = 0;
  let unpriced = false;
  let retries = 0;
  let abstained = 0;
  let failed = 0;
  let started = now();
  let last = 0;
  let drawn = false;
  /** Time of a draw that already showed the final count, so `finished` does not print it twice. */
  let lastDrawDone = -1;

  const line = (): string => {
    const elapsed = (now() - started) / 1000;
    const fresh = done - startDone;
    const rate = elapsed > 0 ? fresh / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
    const pct = total ? done / total : 1;
    const dollars = `$${usd.toFixed(usd < 1 ? 4 : 2)}${unpriced ? "+" : ""}`;
    // Failures, abstentions and retries are always shown: "0 failed" is news too.
    const extra = [cached ? `${cached} cached` : "", `${failed} failed`, `${abstained} abstained`, `${retries} retried`].filter(Boolean).join(", ");
    const stats = `${done}/${total} judged  ${rate.toFixed(1)}/s  ETA ${done >= total ? "0s" : fmtDuration(eta)}  ${dollars}${extra ? `  (${extra})` : ""}`;
    if (!opts.tty) return `critic: ${stats}`;
    const width = 24;
    const fill = Math.round(pct * width);
    return `[${"#".repeat(fill)}${"-".repeat(width - fill)}] ${(pct * 100).toFixed(0).padStart(3)}%  ${stats}`;
  };

  const draw = (force = false) => {
    const t = now();
    if (!force && t - last < everyMs) return;
    last = t;
    lastDrawDone = done === total ? t : -1;
    if (opts.tty) {
      write(`\r\x1b[2K${line()}`);
      drawn = true;
    } else write(`${line()}\n`);
  };

  return {
    onEvent(e: RunEvent): void {
      switch (e.type) {
        case "started":
          total = e.total;
          done = startDone = e.alreadyDone;
          started = now();
          last = started;
          return;
        case "judged":
          done = e.done;
          if (e.cached) cached++;
          if (e.failed) failed++;
          if (e.costUsd == null && !e.cached) unpriced = true;
          else usd += e.costUsd ?? 0;
          draw(done === total);
          return;
        case "generated":
          if (e.costUsd == null && !e.cached) unpriced = true;
          else usd += e.costUsd ?? 0;
          return;
        case "retried":
          retries++;
          return;
        case "abstained":
          abstained++;
          return;
        case "batch":
          // Batches take minutes to hours: say each state change on its own line.
          if (opts.tty && drawn) write("\n");
          drawn = false;
          write(`critic: batch ${e.batchId} ${e.phase} (${e.status}); ${e.open} batch${e.open === 1 ? "" : "es"} open\n`);
          return;
        case "adapted":
          // Said once per model and change, on a line of its own.
          if (opts.tty && drawn) write("\n");
          drawn = false;
          write(`critic: ${e.message}\n`);
          return;
        case "finished":
          if (last !== lastDrawDone) draw(true);
          if (opts.tty && drawn) write("\n");
          return;
        default:
          return;
      }
    },
  };
}
