/** What the simulator has served, for tests ("every judgment exactly once") and benchmarks. */
export interface SimStats {
  /** Requests to the model API routes (chat completions, messages). */
  total: number;
  /** Requests per model name (unknown names included). */
  byModel: Record<string, number>;
  /** Responses per HTTP status ("200", "429", ...); "reset" counts destroyed sockets. */
  byStatus: Record<string, number>;
  /** Faults injected per kind ("429", "500", "timeout", "reset", "truncated", "garbage"). */
  byFault: Record<string, number>;
  /** Successful replies by what the request was: a critic prompt or a candidate generation. */
  byKind: { critic: number; candidate: number };
  /** Requests per body hash (`textKey(body)`); a count > 1 means the same body was sent again. */
  byBody: Record<string, number>;
  /** Number of distinct bodies sent more than once. */
  repeatedBodies: number;
  tokens: { prompt: number; completion: number };
  /** Model API requests being served now, and the most at once (the client's effective concurrency). */
  inFlight: number;
  maxInFlight: number;
}

const inc = (m: Map<string, number>, k: string): number => {
  const v = m.get(k) ?? 0;
  m.set(k, v + 1);
  return v;
};

export class SimCounters {
  total = 0;
  private models = new Map<string, number>();
  private statuses = new Map<string, number>();
  private faults = new Map<string, number>();
  private bodies = new Map<string, number>();
  private kinds = { critic: 0, candidate: 0 };
  private tokens = { prompt: 0, completion: 0 };
  inFlight = 0;
  private maxInFlight = 0;

  /** Counts a request with this body and returns its attempt number (0 = first time seen). */
  attempt(bodyKey: string): number {
    this.total++;
    return inc(this.bodies, bodyKey);
  }
  model(name: string): void {
    inc(this.models, name);
  }
  status(s: number | "reset"): void {
    inc(this.statuses, String(s));
  }
  fault(kind: string): void {
    inc(this.faults, kind);
  }
  served(kind: "critic" | "candidate", prompt: number, completion: number): void {
    this.kinds[kind]++;
    this.tokens.prompt += prompt;
    this.tokens.completion += completion;
  }
  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }
  leave(): void {
    this.inFlight--;
  }

  snapshot(): SimStats {
    let repeated = 0;
    for (const v of this.bodies.values()) if (v > 1) repeated++;
    return {
      total: this.total,
      byModel: Object.fromEntries(this.models),
      byStatus: Object.fromEntries(this.statuses),
      byFault: Object.fromEntries(this.faults),
      byKind: { ...this.kinds },
      byBody: Object.fromEntries(this.bodies),
      repeatedBodies: repeated,
      tokens: { ...this.tokens },
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
    };
  }

  reset(): void {
    this.total = 0;
    this.models.clear();
    this.statuses.clear();
    this.faults.clear();
    this.bodies.clear();
    this.kinds = { critic: 0, candidate: 0 };
    this.tokens = { prompt: 0, completion: 0 };
    this.maxInFlight = this.inFlight;
  }
}
