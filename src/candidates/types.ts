/**
 * The user's own system as a candidate: what a task function receives and may return.
 * These types are part of the public API (`import type { TaskFn } from "critic"`).
 */

/** One turn of an OpenAI-style conversation. */
export interface ConversationMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * A dataset row as a task sees it: every column by name. `input` is the prompt (for a
 * conversation, its last user turn); `messages` is present when the row holds a conversation.
 */
export interface TaskRow {
  id: string;
  input: string;
  reference: string | null;
  messages?: ConversationMessage[];
  [column: string]: unknown;
}

export interface TaskContext {
  /** Aborted on timeout and on Ctrl-C: pass it to fetch and SDK calls so they stop too. */
  signal: AbortSignal;
  /** 1 on the first call; higher only when the candidate sets `retries`. */
  attempt: number;
  /** The candidate's id. */
  candidate: string;
}

/** What a task may return instead of the bare output text. */
export interface TaskResult {
  output: string;
  /** Tokens the task spent, as it counts them (for the report's usage columns). */
  usage?: { inputTokens?: number | null; outputTokens?: number | null };
  /** Dollars the task spent; unknown (n/a) when left out. */
  costUsd?: number | null;
  /** The latency to report, when the task knows better than the wall clock around the call. */
  latencyMs?: number;
  /** Milliseconds until the first token reached the user (a streaming task). */
  firstTokenMs?: number;
  /** Anything else worth keeping with the output (kept in the journal). */
  metadata?: Record<string, unknown>;
}

export type TaskFn = (row: TaskRow, ctx: TaskContext) => string | TaskResult | Promise<string | TaskResult>;
