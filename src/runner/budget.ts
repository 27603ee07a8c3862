import { BudgetExhausted } from "../errors.js";
import type { Price } from "../config/schema.js";
import { costUsd } from "../providers/prices.js";
import type { CompletionRequest } from "../providers/provider.js";

export interface BudgetLimits {
  usd?: number;
  calls?: number;
  tokens?: number;
}

/** What one call may cost at most: it is held against the caps from before the call is sent until its reply settles it. */
export interface CallShare {
  tokens: number;
  /** null when the model has no known price: such a call cannot be held against --budget-usd. */
  usd: number | null;
}

/** How much of each cap a run used: settled usage, with the limits it ran under. */
export interface BudgetUsage {
  limits: BudgetLimits;
  calls: number;
  tokens: number;
  usd: number;
  /** Calls whose cost is unknown (no price for the model): the dollar figure is a lower bound. */
  unpricedCalls: number;
}

/**
 * Every tokenizer the providers use (byte-level BPE) makes a token of at least one byte, so a
 * prompt's UTF-8 length bounds its tokens; the chat format adds a few per message and to prime
 * the reply. Real counts are about a quarter of this: the bound only decides how close to a cap
 * the last calls may go, never what is reported.
 */
export function promptTokenBound(req: CompletionRequest): number {
  let bytes = 0;
  for (const m of req.messages) bytes += Buffer.byteLength(m.content, "utf8") + 4;
  return bytes + 3;
}

/** The most a request can cost: its prompt's bound plus its whole output allowance. */
export function shareOf(req: CompletionRequest, price: Price | null): CallShare {
  const input = promptTokenBound(req);
  return { tokens: input + req.maxTokens, usd: costUsd(price, input, req.maxTokens) };
}

/**
 * Hard caps on calls, tokens and dollars at any concurrency. A call reserves its share before it
 * is sent (the call itself, and tokens and dollars bounded by its prompt and output allowance);
 * the reply settles the reservation to what was billed. A call that would not fit while others
 * are in flight waits for them to settle (they usually cost less than they held); once nothing
 * is in flight and it still does not fit, the run stops. Every attempt, retries included, is a call.
 */
export class Budget {
  calls = 0;
  tokens = 0;
  /** Dollars of calls with a known price. */
  spentUsd = 0;
  unpricedCalls = 0;
  stopReason: string | null = null;
  private held = { calls: 0, tokens: 0, usd: 0 };
  private waiters: (() => void)[] = [];

  constructor(readonly limits: BudgetLimits) {}

  /** Which cap this share would break, counting every reservation still in flight. */
  private breaks(share: CallShare): string | null {
    const { calls, tokens, usd } = this.limits;
    if (calls !== undefined && this.calls + this.held.calls + 1 > calls) return `--max-calls ${calls} reached`;
    if (tokens !== undefined && this.tokens + this.held.tokens + share.tokens > tokens) return `--max-tokens ${tokens} reached`;
    if (usd !== undefined && this.spentUsd + this.held.usd + (share.usd ?? 0) > usd) return `--budget-usd ${usd} reached`;
    return null;
  }

  /** Hold a call's share against the caps; throws BudgetExhausted when it can never fit. */
  async reserve(share: CallShare): Promise<Reservation> {
    for (;;) {
      if (this.stopReason) throw new BudgetExhausted(this.stopReason);
      const broken = this.breaks(share);
      if (!broken) break;
      if (this.held.calls === 0) {
        this.stopReason = broken;
        this.wake();
        throw new BudgetExhausted(broken);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.held.calls++;
    this.held.tokens += share.tokens;
    this.held.usd += share.usd ?? 0;
    let open = true;
    // A reservation is settled exactly once: by what was billed, or (the call never went out) by nothing.
    const close = (billed: { tokens: number; usd: number | null } | null) => {
      if (!open) return;
      open = false;
      this.held.calls--;
      this.held.tokens -= share.tokens;
      this.held.usd -= share.usd ?? 0;
      if (billed) this.charge(billed.usd, billed.tokens);
      this.wake();
    };
    return { settle: (tokens, usd) => close({ tokens, usd }), cancel: () => close(null), share };
  }

  private charge(costUsd: number | null, tokens: number): void {
    this.calls++;
    this.tokens += tokens;
    if (costUsd == null) this.unpricedCalls++;
    else this.spentUsd += costUsd;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  usage(): BudgetUsage {
    return { limits: this.limits, calls: this.calls, tokens: this.tokens, usd: this.spentUsd, unpricedCalls: this.unpricedCalls };
  }
}

export interface Reservation {
  readonly share: CallShare;
  /** The call was made: charge what it billed (tokens in and out, dollars or null when unpriced). */
  settle(tokens: number, usd: number | null): void;
  /** The call was never sent: give the share back. */
  cancel(): void;
}
