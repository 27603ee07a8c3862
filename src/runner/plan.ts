import { type ModelTarget, type Suite, isModelCandidate } from "../config/load.js";
import { criticMessages } from "../critic/prompt.js";
import type { DatasetRow } from "../data/dataset.js";
import { costUsd, priceFor } from "../providers/prices.js";
import { renderTemplate } from "./run.js";

export interface PlanLine {
  id: string;
  role: "critic" | "candidate";
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** null when the model has no known price. */
  usd: number | null;
}

export interface RunPlan {
  lines: PlanLine[];
  calls: number;
  usd: number | null;
  unpriced: string[];
  /** Wall time at the configured concurrency, assuming `latencyMs` per call. */
  seconds: number;
  latencyMs: number;
  assumptions: string[];
}

/** Tokens from characters: about four characters a token for English text (the usual rule of thumb). */
export const tokensOf = (text: string) => Math.ceil(text.length / 4);
const DEFAULT_ANSWER_TOKENS = 200;
/** A critic answers with one number; the chat format adds a token or two. */
const CRITIC_OUTPUT_TOKENS = 2;

/**
 * What a run would cost, before any call: the prompts are rendered exactly as the run will
 * send them; generated answers are assumed `expectedOutputTokens` long (default 200).
 * Cascades and sequential comparisons can only spend less than this plan.
 */
export function planRun(suite: Suite, rows: readonly DatasetRow[], latencyMs: number): RunPlan {
  const lines = new Map<string, PlanLine>();
  const add = (t: ModelTarget, role: PlanLine["role"], input: number, output: number) => {
    const l = lines.get(t.id) ?? { id: t.id, role, model: t.model, calls: 0, inputTokens: 0, outputTokens: 0, usd: 0 };
    l.calls++;
    l.inputTokens += input;
    l.outputTokens += output;
    lines.set(t.id, l);
  };
  const units: { row: DatasetRow; output: string }[] = [];
  if (suite.candidates.length) {
    for (const row of rows) {
      for (const c of suite.candidates) {
        const answer = c.expectedOutputTokens ?? DEFAULT_ANSWER_TOKENS;
        // A function or a service is the user's own code: its calls and dollars are not critic's to plan.
        if (isModelCandidate(c)) add(c, "candidate", tokensOf((c.system ?? "") + renderTemplate(c.prompt, row)) + 8, answer);
        units.push({ row, output: "x".repeat(answer * 4) });
      }
    }
  } else for (const row of rows) units.push({ row, output: row.output ?? "" });
  for (const u of units) {
    for (const rubric of suite.rubrics) {
      const messages = criticMessages(rubric, { input: u.row.input, output: u.output, reference: u.row.reference, conversation: u.row.messages, columns: u.row.meta }, suite.maxOutputChars);
      const input = messages.reduce((t, m) => t + tokensOf(m.content) + 4, 0);
      for (const critic of suite.critics) add(critic, "critic", input, CRITIC_OUTPUT_TOKENS);
    }
  }
  const unpriced: string[] = [];
  let usd = 0;
  for (const l of lines.values()) {
    l.usd = costUsd(priceFor(l.model, suite.prices), l.inputTokens, l.outputTokens);
    if (l.usd == null) unpriced.push(l.id);
    else usd += l.usd;
  }
  const byProvider = { openai: 0, anthropic: 0 };
  for (const t of [...suite.critics, ...suite.candidates.filter(isModelCandidate)]) byProvider[t.provider] += lines.get(t.id)?.calls ?? 0;
  // Providers run in parallel, each at its own concurrency; candidates must answer before critics judge.
  const seconds = Math.max(...(["openai", "anthropic"] as const).map((p) => Math.ceil(byProvider[p] / suite.providers[p].concurrency) * (latencyMs / 1000)));
  const all = [...lines.values()];
  return {
    lines: all,
    calls: all.reduce((t, l) => t + l.calls, 0),
    usd: unpriced.length === all.length ? null : usd,
    unpriced,
    seconds,
    latencyMs,
    assumptions: [
      "tokens = characters / 4 (English text)",
      ...(suite.candidates.length ? [`generated answers of ${suite.candidates.map((c) => `${c.id} ${c.expectedOutputTokens ?? DEFAULT_ANSWER_TOKENS}`).join(", ")} tokens (set expectedOutputTokens per candidate)`] : []),
      `${latencyMs} ms per call (--assume-latency-ms)`,
      "no re-asks, retries or cache hits (each can only lower or slightly raise the figure)",
    ],
  };
}
