import { type ModelTarget, type Suite, isModelCandidate } from "../config/load.js";
import { criticMessages } from "../critic/prompt.js";
import type { DatasetRow } from "../data/dataset.js";
import { BATCH_DISCOUNT, costUsd, targetPrice } from "../providers/prices.js";
import { generationMessages } from "./run.js";

export interface PlanLine {
  id: string;
  role: "critic" | "candidate";
  model: string;
  /** Expected calls: cascade escalations, a sequential stop and re-asks at the rates in the assumptions. */
  calls: number;
  /** Fewest and most calls the run can make (no escalation and earliest stop; every escalation, re-ask and item). */
  range: [number, number];
  inputTokens: number;
  outputTokens: number;
  /** null when the model has no known price. */
  usd: number | null;
}

export interface RunPlan {
  lines: PlanLine[];
  calls: number;
  range: [number, number];
  /** Dollars at the ends of the range (null when nothing has a price). */
  usdRange: [number, number] | null;
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
/** An explanation is two or three sentences. */
const EXPLAIN_ANSWER_TOKENS = 120;
/** Share of cheap judgments a cascade is assumed to escalate (besides its audit share). */
const ESCALATION_GUESS = 0.3;
/** The longest answer assumed from a function or a service, which has no allowance of critic's. */
const MAX_UNKNOWN_ANSWER_TOKENS = 2048;
interface Span {
  lo: number;
  expected: number;
  hi: number;
}
/** Share of critic replies assumed unparseable and asked again. */
const REASK_GUESS = 0.02;

/**
 * What a run would cost, before any call: the prompts are rendered exactly as the run will
 * send them; generated answers are assumed `expectedOutputTokens` long (default 200).
 * Cascades and sequential comparisons can spend less than everything, re-asks a little more:
 * each line has an expected figure at stated rates and the range the run cannot leave.
 */
export function planRun(suite: Suite, rows: readonly DatasetRow[], latencyMs: number, opts: { batch?: boolean } = {}): RunPlan {
  // --batch: every call goes through a batch API at the batch price.
  const discount = opts.batch ? BATCH_DISCOUNT : 1;
  const lines = new Map<string, PlanLine>();
  // Per line, the tokens of every call at the shortest and longest answers the run can get back, beside the expected ones.
  const bounds = new Map<string, { lo: [number, number]; hi: [number, number] }>();
  const targetOf = new Map<string, ModelTarget>();
  const add = (t: ModelTarget, role: PlanLine["role"], input: Span, output: Span) => {
    targetOf.set(t.id, t);
    const l = lines.get(t.id) ?? { id: t.id, role, model: t.model, calls: 0, range: [0, 0] as [number, number], inputTokens: 0, outputTokens: 0, usd: 0 };
    const b = bounds.get(t.id) ?? { lo: [0, 0], hi: [0, 0] };
    l.calls++;
    l.inputTokens += input.expected;
    l.outputTokens += output.expected;
    b.lo = [b.lo[0] + input.lo, b.lo[1] + output.lo];
    b.hi = [b.hi[0] + input.hi, b.hi[1] + output.hi];
    lines.set(t.id, l);
    bounds.set(t.id, b);
  };
  // A generated answer's length is not known before the run: expected `expectedOutputTokens`
  // (default 200), anywhere from one token to the candidate's allowance. A dataset's output is known.
  const units: { row: DatasetRow; output: { lo: string; expected: string; hi: string } }[] = [];
  if (suite.candidates.length) {
    for (const row of rows) {
      for (const c of suite.candidates) {
        const answer = c.expectedOutputTokens ?? DEFAULT_ANSWER_TOKENS;
        const allowance = isModelCandidate(c) ? c.maxTokens : Math.max(answer, MAX_UNKNOWN_ANSWER_TOKENS);
        // A function or a service is the user's own code: its calls and dollars are not critic's to plan.
        if (isModelCandidate(c)) {
          const prompt = generationMessages(c, row).reduce((t, m) => t + tokensOf(m.content) + 4, 0);
          add(c, "candidate", { lo: prompt, expected: prompt, hi: prompt }, { lo: 1, expected: answer, hi: allowance });
        }
        units.push({ row, output: { lo: "", expected: "x".repeat(answer * 4), hi: "x".repeat(allowance * 4) } });
      }
    }
  } else for (const row of rows) units.push({ row, output: { lo: row.output ?? "", expected: row.output ?? "", hi: row.output ?? "" } });
  const promptTokens = (rubric: Suite["rubrics"][number], row: DatasetRow, output: string) =>
    criticMessages(rubric, { input: row.input, output, reference: row.reference, conversation: row.messages, columns: row.meta }, suite.maxOutputChars).reduce((t, m) => t + tokensOf(m.content) + 4, 0);
  for (const u of units) {
    for (const rubric of suite.rubrics) {
      const expected = promptTokens(rubric, u.row, u.output.expected);
      const input = u.output.lo === u.output.hi ? { lo: expected, expected, hi: expected } : { lo: promptTokens(rubric, u.row, u.output.lo), expected, hi: promptTokens(rubric, u.row, u.output.hi) };
      // `samples: k` asks k times.
      for (const critic of suite.critics) for (let s = 0; s < (critic.samples ?? 1); s++) add(critic, "critic", input, { lo: 1, expected: CRITIC_OUTPUT_TOKENS, hi: critic.shape.maxTokens });
    }
  }
  // `explain: N`: each critic on the N worst outputs per rubric, after scoring; which outputs is
  // not known yet, so each call is priced at the mean scoring prompt plus a few sentences back.
  if (suite.explain && units.length) {
    for (const rubric of suite.rubrics) {
      const mean = Math.ceil(units.reduce((t, u) => t + promptTokens(rubric, u.row, u.output.expected), 0) / units.length) + 40;
      for (let k = 0; k < Math.min(suite.explain, units.length); k++) for (const critic of suite.critics) add(critic, "critic", { lo: mean, expected: mean, hi: mean }, { lo: 1, expected: EXPLAIN_ANSWER_TOKENS, hi: critic.shape.maxTokens });
    }
  }
  // Every line so far judges everything once; the run spends less (cascade, sequential stop) or a little more (re-asks).
  const items = new Set(rows.map((r) => r.id)).size;
  const itemShare = suite.compare ? { lo: Math.min(1, suite.compare.batchSize / Math.max(1, items)), expected: 1 } : { lo: 1, expected: 1 };
  const expensive = suite.cascade?.critics[1];
  const audit = suite.cascade?.audit ?? 0;
  const usdRange: [number, number] = [0, 0];
  const unpriced: string[] = [];
  let usd = 0;
  for (const l of lines.values()) {
    const full = l.calls;
    const escalated = l.id === expensive ? { lo: audit, expected: audit + (1 - audit) * ESCALATION_GUESS } : { lo: 1, expected: 1 };
    const reask = l.role === "critic" ? { expected: 1 + REASK_GUESS, hi: 2 } : { expected: 1, hi: 1 };
    const scale = (f: number) => Math.round(full * f);
    l.range = [scale(itemShare.lo * escalated.lo), scale(reask.hi)];
    l.calls = scale(itemShare.expected * escalated.expected * reask.expected);
    const listPrice = targetPrice(targetOf.get(l.id)!, suite.prices);
    const price = listPrice && { input: listPrice.input * discount, output: listPrice.output * discount };
    const b = bounds.get(l.id)!;
    const perCall = full ? costUsd(price, l.inputTokens / full, l.outputTokens / full) : 0;
    const perCallLo = full ? (costUsd(price, b.lo[0] / full, b.lo[1] / full) ?? 0) : 0;
    const perCallHi = full ? (costUsd(price, b.hi[0] / full, b.hi[1] / full) ?? 0) : 0;
    l.inputTokens = Math.round((l.inputTokens / Math.max(1, full)) * l.calls);
    l.outputTokens = Math.round((l.outputTokens / Math.max(1, full)) * l.calls);
    l.usd = perCall == null ? null : perCall * l.calls;
    if (l.usd == null || perCall == null) unpriced.push(l.id);
    else {
      usd += l.usd;
      usdRange[0] += perCallLo * l.range[0];
      usdRange[1] += perCallHi * l.range[1];
    }
  }
  const byProvider: Record<string, number> = {};
  for (const t of [...suite.critics, ...suite.candidates.filter(isModelCandidate)]) byProvider[t.provider] = (byProvider[t.provider] ?? 0) + (lines.get(t.id)?.calls ?? 0);
  // Providers run in parallel, each at its own concurrency; candidates must answer before critics judge.
  const seconds = Math.max(0, ...Object.entries(byProvider).map(([p, calls]) => Math.ceil(calls / suite.providers[p]!.concurrency) * (latencyMs / 1000)));
  const all = [...lines.values()];
  return {
    lines: all,
    calls: all.reduce((t, l) => t + l.calls, 0),
    range: [all.reduce((t, l) => t + l.range[0], 0), all.reduce((t, l) => t + l.range[1], 0)],
    usd: unpriced.length === all.length ? null : usd,
    usdRange: unpriced.length === all.length ? null : usdRange,
    unpriced,
    seconds,
    latencyMs,
    assumptions: [
      "tokens = characters / 4 (a rule of thumb for English; GPT-4o's tokenizer counts 10-30% fewer on plain prose, so prompt dollars lean high)",
      ...(suite.candidates.length ? [`generated answers of ${suite.candidates.map((c) => `${c.id} ${c.expectedOutputTokens ?? DEFAULT_ANSWER_TOKENS}`).join(", ")} tokens (set expectedOutputTokens per candidate); the dollar range runs from one-token answers to each candidate's allowance`] : []),
      `${latencyMs} ms per call (--assume-latency-ms)`,
      `${REASK_GUESS * 100}% of critic replies re-asked once (the range allows every one)`,
      ...(suite.cascade ? [`the cascade escalates ${ESCALATION_GUESS * 100}% of what its cheap critic judges, besides its ${audit * 100}% audit share (the range runs from the audit share alone to everything)`] : []),
      ...(suite.compare ? [`the sequential comparison is priced as if it judged every item; it can stop after its first batch of ${suite.compare.batchSize} items (the low end of the range)`] : []),
      "no retries or cache hits",
      ...(opts.batch ? [`--batch: every call at the batch price (${BATCH_DISCOUNT * 100}% of the list price); a batch can take up to 24 h, so the time below assumes answers at the latency given`] : []),
      ...(suite.explain ? [`explain: the ${suite.explain} worst outputs per rubric asked of every critic after scoring, at the mean prompt and about ${EXPLAIN_ANSWER_TOKENS} tokens back`] : []),
    ],
  };
}
