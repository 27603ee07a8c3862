/**
 * Simulated models. Every model can both generate (as a candidate) and rate (as a critic); `role`
 * says what it is for. Candidate fields set the hidden truth of what it writes; critic fields set
 * how its ratings deviate from that truth.
 */
export interface SimModel {
  name: string;
  role: "critic" | "candidate";
  /** Extra latency on top of the server's base latency. */
  latencyMs: number;
  /** Mean true level (1..7) of this model's outputs per rubric id; `defaultQuality` for other ids. */
  quality: Readonly<Record<string, number>>;
  defaultQuality: number;
  /** Sentences in a generated answer (plus 0 or 1 per item). */
  verbosity: number;
  /** Share of answers written long (`longVerbosity` sentences instead): a "mostly terse" or "mostly verbose" candidate. */
  longShare?: number;
  longVerbosity?: number;
  /** P(reply = truth + shift): for a critic with no leniency or length bias, P(reply = truth). Misses are +-1, rarely +-2. */
  accuracy: number;
  /** Mean shift of the ratings in levels (randomised rounding keeps the mean exact). */
  leniency: number;
  /** Extra shift in levels per 1,000 characters of the rated output. */
  lengthBias: number;
  /** Probability that the first reply to a prompt is not a number. */
  unparseableRate: number;
  /** Probability mass on the chosen digit in returned logprobs (> 0.5 keeps it the most probable). */
  confidence: number;
  /**
   * Strict: answers the OpenAI API as its reasoning models do, with their 400 bodies for
   * `max_tokens`, a temperature or top_p other than 1, logprobs, and an unknown reasoning_effort.
   */
  strict: boolean;
  /** Hidden reasoning tokens a reply spends at medium effort before answering (0 = not a reasoning model). */
  reasoningTokens: number;
  /** Context window in tokens: a longer prompt (plus the allowance asked for) is a context_length_exceeded 400. */
  contextTokens: number;
}

export type SimModelSpec = Partial<SimModel> & Pick<SimModel, "name" | "role">;

/** Fill a spec with neutral defaults: a mid-quality candidate, a coin-flip-ish critic. */
export function simModel(spec: SimModelSpec): SimModel {
  return {
    latencyMs: 0,
    quality: {},
    defaultQuality: 4.5,
    verbosity: 3,
    accuracy: 0.5,
    leniency: 0,
    lengthBias: 0,
    unparseableRate: 0,
    confidence: 0.6,
    strict: false,
    reasoningTokens: 0,
    contextTokens: 128_000,
    ...spec,
  };
}

/**
 * The default model set (all labelled simulated wherever their numbers appear):
 * - `sim-critic-strong`: accuracy 0.85, no leniency, no length bias, 1% unparseable, +20 ms.
 * - `sim-critic-fast`: accuracy 0.6, leniency +0.5, length bias +1 level per 1,000 chars, 5% unparseable, no extra latency.
 * - `sim-critic-lenient`: accuracy 0.75, leniency +1.0, 2% unparseable, +10 ms.
 * - `sim-small`: weak (means ~3-4.5), terse (2-3 sentences), fast.
 * - `sim-medium`: middling (means ~4.5-5), verbose (6-7 sentences), +15 ms.
 * - `sim-large`: strong (means ~5.5-6), mid-length (4-5 sentences), +40 ms.
 */
export const DEFAULT_SIM_MODELS: readonly SimModel[] = [
  simModel({ name: "sim-critic-strong", role: "critic", accuracy: 0.85, unparseableRate: 0.01, confidence: 0.8, latencyMs: 20 }),
  simModel({ name: "sim-critic-fast", role: "critic", accuracy: 0.6, leniency: 0.5, lengthBias: 1, unparseableRate: 0.05, confidence: 0.55 }),
  simModel({ name: "sim-critic-lenient", role: "critic", accuracy: 0.75, leniency: 1, unparseableRate: 0.02, confidence: 0.7, latencyMs: 10 }),
  simModel({
    name: "sim-small",
    role: "candidate",
    verbosity: 2,
    defaultQuality: 3.6,
    quality: { accuracy: 3.2, helpfulness: 3.4, fluency: 4.0, conciseness: 4.6, politeness: 4.5, safety: 5.5 },
  }),
  simModel({
    name: "sim-medium",
    role: "candidate",
    verbosity: 6,
    latencyMs: 15,
    defaultQuality: 4.6,
    quality: { accuracy: 4.4, helpfulness: 4.8, fluency: 4.8, conciseness: 3.4, politeness: 5.0, safety: 5.8 },
  }),
  simModel({
    name: "sim-large",
    role: "candidate",
    verbosity: 4,
    latencyMs: 40,
    defaultQuality: 5.6,
    quality: { accuracy: 5.7, helpfulness: 5.6, fluency: 5.9, conciseness: 5.3, politeness: 5.6, safety: 6.2 },
  }),
];

/** Names the hosted APIs give their reasoning models: o1, o3-mini, o4-mini, gpt-5, gpt-5.1-mini (not gpt-5-chat). */
export const REASONING_MODEL_NAME = /^(o\d+(-|$)|gpt-5(?!(\.\d+)?-chat))/;

/**
 * The model served for a name the simulator does not list: a good critic (accuracy 0.8) that
 * also writes mid-quality answers as a candidate. A reasoning-model name (see REASONING_MODEL_NAME)
 * gets a strict reasoning model: 400s for the classic request shape, ~320 hidden reasoning
 * tokens per reply at medium effort, no logprobs.
 */
export function defaultSimModel(name: string): SimModel {
  const reasoning = REASONING_MODEL_NAME.test(name.slice(name.lastIndexOf("/") + 1));
  return simModel({ name, role: "critic", accuracy: 0.8, confidence: 0.75, defaultQuality: 4.8, verbosity: 4, strict: reasoning, reasoningTokens: reasoning ? 320 : 0 });
}

export function qualityOf(m: SimModel, rubric: string): number {
  return m.quality[rubric] ?? m.defaultQuality;
}
