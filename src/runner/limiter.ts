import pLimit, { type LimitFunction } from "p-limit";

/**
 * One p-limit per provider, with AIMD on rate limits: a 429 halves concurrency (once per
 * cooldown, so a storm of 429s from one burst counts as one episode), and every `growEvery`
 * clean calls add one slot back, up to the configured maximum. Rate limits slow a run down
 * rather than fail it.
 */
export class Limiter {
  readonly limit: LimitFunction;
  private lastCut = 0;
  private clean = 0;

  constructor(
    readonly max: number,
    private readonly cooldownMs = 2_000,
    private readonly growEvery = 20,
  ) {
    this.limit = pLimit({ concurrency: max, rejectOnClear: true });
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.limit(fn);
  }

  rateLimited(now = Date.now()): void {
    this.clean = 0;
    if (now - this.lastCut < this.cooldownMs) return;
    this.lastCut = now;
    this.limit.concurrency = Math.max(1, Math.floor(this.limit.concurrency / 2));
  }

  succeeded(): void {
    if (this.limit.concurrency >= this.max) return;
    if (++this.clean >= this.growEvery) {
      this.clean = 0;
      this.limit.concurrency = Math.min(this.max, this.limit.concurrency + 1);
    }
  }

  get active(): number {
    return this.limit.activeCount;
  }

  get pending(): number {
    return this.limit.pendingCount;
  }

  clear(): void {
    this.limit.clearQueue();
  }
}
