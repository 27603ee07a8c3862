/** Progress as a typed union: the console progress display and the Vitest reporter both read it. */
export type RunEvent =
  | { type: "started"; run: string; total: number; alreadyDone: number }
  | { type: "judged"; done: number; total: number; cached: boolean; costUsd: number | null; failed?: boolean }
  | { type: "abstained"; critic: string; reason: string }
  | { type: "retried"; target: string; attempt: number; delayMs: number; reason: string }
  | { type: "generated"; candidate: string; cached: boolean; costUsd: number | null }
  | { type: "budget"; which: string }
  | { type: "batch"; phase: string; batchId: string; status: string; open: number }
  | { type: "adapted"; message: string }
  | { type: "finished"; complete: boolean };

export type RunEventListener = (e: RunEvent) => void;
