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
  /** Batch APIs: batches created, requests inside them, status polls, and request bodies submitted in more than one batch. */
  batch: { batches: number; requests: number; polls: number; repeatedBodies: number };
}

const inc = (m: Map<string, number>, k: string): number => {
  const v = m.get(k) ?? 0;
  m.set(k, v + 1);
  return v;
};

const repeats = (m: Map<string, number>): number => {
  let n = 0;
  for (const v of m.values()) if (v > 1) n++;
  return n;
};

const sum = (m: Map<string, number>): number => {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
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
  private batches = 0;
  private batchPolls = 0;
  private batchBodies = new Map<string, number>();

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
  /** A batch was created holding requests with these body keys. */
  batchCreated(bodyKeys: readonly string[]): void {
    this.batches++;
    for (const k of bodyKeys) inc(this.batchBodies, k);
  }
  batchPolled(): void {
    this.batchPolls++;
  }
  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }
  leave(): void {
    this.inFlight--;
  }

  snapshot(): SimStats {
    const repeated = repeats(this.bodies);
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
      batch: { batches: this.batches, requests: sum(this.batchBodies), polls: this.batchPolls, repeatedBodies: repeats(this.batchBodies) },
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
    this.batches = 0;
    this.batchPolls = 0;
    this.batchBodies.clear();
  }
}
