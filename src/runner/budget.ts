/** Dollar and call accounting, and the decision to stop. Every attempt is charged. */
export class Budget {
  calls = 0;
  tokens = 0;
  /** Dollars of calls with a known price. */
  spentUsd = 0;
  /** Calls whose cost is unknown (no price for the model): the dollar figure is a lower bound. */
  unpricedCalls = 0;
  stopReason: string | null = null;

  constructor(readonly limits: { usd?: number; calls?: number; tokens?: number }) {}

  /** Called before each attempt: may this call be made? */
  allows(): boolean {
    if (this.stopReason) return false;
    if (this.limits.calls !== undefined && this.calls >= this.limits.calls) this.stopReason = `--max-calls ${this.limits.calls} reached`;
    else if (this.limits.usd !== undefined && this.spentUsd >= this.limits.usd) this.stopReason = `--budget-usd ${this.limits.usd} reached`;
    else if (this.limits.tokens !== undefined && this.tokens >= this.limits.tokens) this.stopReason = `--max-tokens ${this.limits.tokens} reached`;
    return this.stopReason === null;
  }

  charge(costUsd: number | null, tokens = 0): void {
    this.calls++;
    this.tokens += tokens;
    if (costUsd == null) this.unpricedCalls++;
    else this.spentUsd += costUsd;
  }
}
