import type { TaskCandidateTarget } from "../config/load.js";
import type { Generation } from "../run-result.js";
import type { ResponseCache } from "../store/cache.js";
import { Limiter } from "../runner/limiter.js";
import { cacheKeyOf } from "./cache-key.js";
import { type Deadline, withDeadline } from "./deadline.js";
import type { TaskResult, TaskRow } from "./types.js";

/** Characters of a task's error message kept in the journal and the report. */
const MESSAGE_KEEP = 500;

export interface TaskRunnerDeps {
  /** The run's signal: Ctrl-C aborts every task in flight. */
  signal: AbortSignal;
  cache: ResponseCache;
}

/** The output text and what the task said about it, checked: a task is the user's code, its return value is input. */
function readResult(v: unknown): TaskResult {
  if (typeof v === "string") return { output: v };
  if (v && typeof v === "object" && typeof (v as TaskResult).output === "string") return v as TaskResult;
  const what = v === null ? "null" : v === undefined ? "undefined" : Array.isArray(v) ? "an array" : typeof v === "object" ? `an object without a string "output"` : `a ${typeof v}`;
  throw new TypeError(`the task returned ${what}; return the output text, or { output, usage?, costUsd?, latencyMs?, metadata? }`);
}

const finite = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);

/**
 * Runs the user's task functions: each candidate has its own concurrency limit, every call its
 * own deadline, and Ctrl-C aborts them all. A throw or a timeout is that row's failed
 * generation, never the run's. Outputs are cached only when the candidate opts in.
 */
export function createTaskRunner(deps: TaskRunnerDeps) {
  const limiters = new Map<string, Limiter>();
  const limiterOf = (t: TaskCandidateTarget) => {
    let l = limiters.get(t.id);
    if (!l) {
      l = new Limiter(t.concurrency);
      limiters.set(t.id, l);
    }
    return l;
  };

  return {
    async run(t: TaskCandidateTarget, row: TaskRow): Promise<Generation> {
      const key = t.cacheVersion === null ? "" : cacheKeyOf("task", t.id, t.cacheVersion, row);
      if (key) {
        const hit = await deps.cache.get(key);
        if (hit) return { item: row.id, candidate: t.id, output: hit.text, cached: true, attempts: 0, latencyMs: null, inputTokens: hit.inputTokens, outputTokens: hit.outputTokens, costUsd: 0, failed: null };
      }
      return limiterOf(t).run(async () => {
        let lastError: unknown;
        for (let attempt = 1; attempt <= t.retries + 1; attempt++) {
          const started = performance.now();
          try {
            const value = await withDeadline(t.timeoutMs, deps.signal, (d: Deadline) => t.task(row, { signal: d.signal, attempt, candidate: t.id }), `${t.id}: the task did not finish within ${t.timeoutMs} ms`);
            const r = readResult(value);
            const latencyMs = finite(r.latencyMs) ?? performance.now() - started;
            const gen: Generation = {
              item: row.id,
              candidate: t.id,
              output: r.output,
              cached: false,
              attempts: attempt,
              latencyMs,
              inputTokens: finite(r.usage?.inputTokens),
              outputTokens: finite(r.usage?.outputTokens),
              costUsd: finite(r.costUsd),
              failed: null,
              ...(finite(r.firstTokenMs) !== null ? { firstTokenMs: finite(r.firstTokenMs) } : {}),
              ...(r.metadata && typeof r.metadata === "object" ? { metadata: r.metadata } : {}),
            };
            if (key) await deps.cache.set(key, { text: gen.output, inputTokens: gen.inputTokens, outputTokens: gen.outputTokens, latencyMs });
            return gen;
          } catch (e) {
            // Ctrl-C: the runner drops the unit without journaling it, so a resume calls it again.
            if (deps.signal.aborted) throw e;
            lastError = e;
          }
        }
        return failedTask(t.id, row.id, lastError, t.retries + 1);
      });
    },
  };
}

export type TaskRunner = ReturnType<typeof createTaskRunner>;

/** A task that threw or timed out: the message is what the report lists for the row. */
export function failedTask(candidate: string, item: string, e: unknown, attempts: number): Generation {
  const message = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return { item, candidate, output: "", cached: false, attempts, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null, failed: message.slice(0, MESSAGE_KEEP) || "error" };
}
