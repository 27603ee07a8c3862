import type { Calibration } from "./stats/calibration.js";

/**
 * RunResult: the one versioned record of a run. Every report writer renders it, so every
 * format says the same thing. `null` means "no data" and renders as "n/a", never as 0.
 */
import type { GateOutcome } from "./gates/types.js";

export interface Interval {
  lo: number;
  hi: number;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** What one model call (or cache hit) cost: the same accounting for critics and candidates. */
export interface CallAccounting {
  cached: boolean;
  /** HTTP attempts made (0 when cached). */
  attempts: number;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** The hidden reasoning part of outputTokens, when the API reported any (billed as output). */
  reasoningTokens?: number | null;
  /** Dollars; null when the model has no known price. Cache hits cost 0. */
  costUsd: number | null;
}

/** One critic call (or cache hit) for one (item, candidate, rubric, critic). */
export interface Judgment extends CallAccounting {
  item: string;
  candidate: string;
  rubric: string;
  /** Critic id, e.g. `openai:gpt-4o-mini`. */
  critic: string;
  kind: "score" | "abstain" | "failed";
  /** Integer level on the rubric scale; null when abstained or failed. */
  level: number | null;
  /** Probability-weighted score from top logprobs (G-Eval), when the provider returned them. */
  expected: number | null;
  /** That distribution over levels 1..K (index 0 = level 1), when the provider returned logprobs. */
  distribution?: number[] | null;
  /** With `samples: k`: each sample's level (abstentions left out); `level` is their mean, rounded. */
  samples?: number[];
  /** The unrounded mean of `samples`. */
  sampleMean?: number;
  /** Why it abstained or failed (parse_failure, http_500, timeout, ...). */
  reason: string | null;
  /** The critic's raw reply text (last attempt), truncated for reports. */
  raw: string;
  at: string;
}

/** A generated candidate output (when the config lists candidates). */
export interface Generation extends CallAccounting {
  item: string;
  candidate: string;
  output: string;
  failed: string | null;
  /** Milliseconds to the first token: a streamed model or service, or what a task reported. */
  firstTokenMs?: number | null;
  /** Output tokens per second after the first token, for a streamed reply. */
  tokensPerSecond?: number | null;
  /** What a task function returned beside its output. */
  metadata?: Record<string, unknown>;
}

/** One row per item x candidate x rubric. */
export interface ScoreRow {
  item: string;
  candidate: string;
  rubric: string;
  /** Length of the judged output in characters. */
  outputChars: number;
  /** First characters of the judged output, for reports. */
  outputPreview: string;
  /** Level given by each critic (null = abstained/failed/not judged), keyed by critic id. */
  byCritic: Record<string, number | null>;
  /** Label-model posterior mean (or the single critic's score); null when nothing usable. */
  score: number | null;
  /** Posterior over levels 1..K (index 0 = level 1); null when nothing usable. */
  posterior: number[] | null;
  /** Human gold label when the dataset carries `gold:<rubric>`. */
  gold: number | null;
}

/** Per candidate x rubric. */
export interface CellSummary {
  candidate: string;
  rubric: string;
  /** Items with a usable score. */
  n: number;
  mean: number | null;
  ci95: Interval | null;
  /** Counts of the (rounded) score at levels 1..K, index 0 = level 1. */
  distribution: number[];
  abstentions: number;
  failed: number;
  /** Each critic's own mean over the items it scored. */
  criticMeans: Record<string, number | null>;
  /** Which estimator produced `mean` (e.g. "single critic", "ds", "ordinal"). */
  method: string;
  /** The scale of `mean` and `ci95`: the rubric's label-model scale (`labelModels[].scale`); "critic" with one critic. */
  scale?: "critic" | "human";
  /**
   * Set when a fitted label model produced `mean`: the standard error of a bootstrap that refits
   * it on resampled items. `ci95` uses it where it exceeds the t interval's, so the critics'
   * fitted leniency and noise count as estimates, not as known.
   */
  labelModelSe?: { se: number; rounds: number } | null;
  /**
   * Prediction-powered (PPI++) estimate of the human-gold mean, when some outputs carry gold:
   * the critics' estimates on every output, rectified by the gold subset; 95% interval, on the
   * human (gold) scale.
   */
  ppi?: { estimate: number; ci95: Interval; lambda: number; nGold: number; classicalCi95: Interval | null; scale: "human" } | null;
}

export interface UsageSummary {
  /** Critic id or candidate id. */
  id: string;
  role: "critic" | "candidate";
  calls: number;
  cacheHits: number;
  abstentions: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  /** The hidden reasoning part of outputTokens (reasoning models); priced as output. */
  reasoningTokens?: number;
  costUsd: number | null;
  latencyMs: LatencySummary;
  /** Streamed candidates: time to the first token (p50/p95/p99/max), as a chat user feels it. */
  firstTokenMs?: LatencySummary;
  /** Streamed candidates: output tokens per second after the first token. */
  tokensPerSecond?: LatencySummary;
}

export interface PairwiseResult {
  a: string;
  b: string;
  rubric: string;
  /** P(A beats B) averaged over items, ties split. */
  winRate: number;
  /** Mean of score(A) - score(B) over items both have, with a 95% interval. */
  meanDiff: number | null;
  diffCi95: Interval | null;
  /** "confidence-sequence" when the pair was compared sequentially (anytime-valid); fixed-n otherwise. */
  interval?: "fixed-n" | "confidence-sequence";
  /** The scale of `meanDiff` and `diffCi95`, as the cells'. */
  scale?: "critic" | "human";
  /** As `CellSummary.labelModelSe`, for the paired mean difference (fixed-n intervals only). */
  labelModelSe?: { se: number; rounds: number } | null;
  n: number;
  /**
   * The same comparison at equal length: each item's difference corrected by the rubric's
   * within-item-and-candidate length slope (see `diagnostics.length`); null when the slope
   * cannot be estimated.
   */
  lengthControlled?: { meanDiff: number; diffCi95: Interval | null; winRate: number } | null;
  /**
   * Share of items on which A is the more probable winner (the per-item decision), ties split.
   * `winRate` is the expected win probability, which uncertainty pulls towards 50%; this is
   * what a reader who calls each item for one side would count.
   */
  decisionWinRate?: number;
  /** Two-sided p-value of the paired t test behind `diffCi95` (p < 0.05 exactly when it excludes 0); null without one. */
  p?: number | null;
  /** "A better", "B better" or "undecided": at 95%, after the family-wise correction in `familywise`; absent without an interval. */
  verdict?: "A better" | "B better" | "undecided";
  /**
   * How the verdict allowed for the rubric's other pairs: "holm" (Holm's step-down over the
   * rubric's `pairs`, family-wise error ≤ 5%) or "none" (each pair at its own 95%). `level` is
   * the p-value the pair had to meet, `adjustedP` its Holm-adjusted p-value. Absent for a pair
   * decided by an anytime-valid confidence sequence, which is not part of the family.
   */
  familywise?: { method: "holm" | "none"; pairs: number; level: number | null; adjustedP: number | null };
  /**
   * Items where one side's output was judged but has no score (a refusal or abstention), and
   * what the win rates and Bradley-Terry made of them: "drop" (left out) or "tie" (½ each way).
   * The mean difference is always over the items both sides scored.
   */
  missing?: { count: number; rule: "drop" | "tie" };
}

/** Change in a critic's level per 1,000 characters of output, within items and candidates. */
export interface LengthDiagnostic {
  critic: string;
  rubric: string;
  /** Levels per 1,000 characters; null when lengths do not vary within items and candidates. */
  slope: number | null;
  ci95: Interval | null;
  /** Outputs the critic scored. */
  n: number;
}

/** Extra levels a critic gives outputs of its own model family, beyond what critics of other families give. */
export interface SelfPreferenceDiagnostic {
  critic: string;
  rubric: string;
  /** The critic's model family (declared, or read from the model name); null when unknown. */
  family: string | null;
  /** Candidates of the same family. */
  ownCandidates: string[];
  /** Mean extra levels on own-family outputs; null when it cannot be measured (see `note`). */
  bonus: number | null;
  ci95: Interval | null;
  /** Items with outputs of both kinds behind the estimate. */
  items: number;
  /** Why it cannot be measured, when it cannot. */
  note: string | null;
}

/** A critic asked several times per output (`samples: k`): its spread, and what each further sample buys. */
export interface SampleDiagnostic {
  critic: string;
  rubric: string;
  k: number;
  /** Pooled within-output standard deviation of its samples, in levels, with a 95% interval. */
  withinSd: number | null;
  withinSdCi95?: Interval | null;
  /** What `agreement` is measured against: human gold where the outputs have it, else the other critics' mean. */
  reference: "gold" | "other critics" | null;
  /** From 1 to k samples: mean width of the candidates' 95% intervals, and Spearman with the reference. */
  curve: { samples: number; ciWidth: number | null; agreement: number | null }[];
}

/** A critic's answer, asked after scoring, to why one of the worst-scored outputs is weak (`explain: N`). */
export interface Explanation {
  item: string;
  candidate: string;
  rubric: string;
  /** The output's combined score. */
  score: number | null;
  critic: string;
  /** The answer; null when the call failed (see `failed`). */
  text: string | null;
  failed: string | null;
  costUsd: number | null;
  cached: boolean;
}

/** What the judges' biases look like on this run's own data. */
export interface Diagnostics {
  /** Per critic and rubric, the length effect; also one row per rubric for the combined score (`critic: "combined"`). */
  length: LengthDiagnostic[];
  /** Per critic and rubric: self-preference (with one critic, one row per rubric saying it cannot be measured). */
  selfPreference?: SelfPreferenceDiagnostic[];
  /** Per critic with `samples` > 1 and rubric. */
  samples?: SampleDiagnostic[];
}

export interface RankingEntry {
  candidate: string;
  rubric: string;
  /** Bradley-Terry strength on the log scale, mean 0. */
  theta: number;
  ci95: Interval | null;
  rank: number;
}

/** What the label model made of the critics on one rubric. */
export interface LabelModelSummary {
  rubric: string;
  /** Method used for the estimates ("single critic", "ordinal", "ds-prior", "select", ...). */
  method: string;
  /** Why it was chosen (auto picks per dataset and says why). */
  reason: string | null;
  /** True when the critics' qualities are not identified (two critics, no gold): the estimate is their plain mean. */
  notIdentified?: boolean;
  /** Groups of critics that agree beyond what the label model predicts (shared errors), when that made the estimate the plain mean. */
  dependentCritics?: string[][];
  /**
   * The scale of every estimate of this rubric: "critic" (fitted without gold, or a critic's
   * levels chosen by gold) or "human" (a label model anchored on gold labels). Never both.
   */
  scale?: "critic" | "human";
  critics: { id: string; accuracy: number | null; bias: number | null; spread: number | null }[];
}

/** One critic (or the aggregate, or the plain mean of critics) against human gold on one rubric. */
export interface CalibrationRow extends Omit<Calibration, "confusion"> {
  rubric: string;
  /** Critic id, "aggregate" or "mean of critics". */
  who: string;
  /** rows = this critic's level, columns = gold, levels 1..7. */
  confusion: number[][];
  /** The critic's MAE placed against the ~1 level typical of trained human raters. */
  sentence: string;
}

/** What a cheap-critic-first cascade saved and what it gave up. */
export interface CascadeSummary {
  cheap: string;
  expensive: string;
  /** Outputs x rubrics the cheap critic judged. */
  units: number;
  /** Units where the cheap critic was unsure or abstained, so the expensive critic was called. */
  escalated: number;
  /** Units judged by both regardless (a seeded random share), where the agreement below is measured. */
  audited: number;
  expensiveCalls: number;
  /** Expensive calls judging everything with both critics would have made, minus those made. */
  expensiveCallsSaved: number;
  /** Dollars those saved calls would have cost, at the expensive critic's mean cost per judgment. */
  usdSaved: number | null;
  /** On audited units: within-one agreement with the expensive critic of the cascade's answer and of the cheap critic alone. */
  agreement: { n: number; cascadeWithinOne: number | null; cheapWithinOne: number | null; exactCascade: number | null };
}

/** A sequential A-versus-B comparison that stopped as soon as it was decided. */
export interface SequentialSummary {
  a: string;
  b: string;
  rubric: string;
  decision: "A better" | "B better" | "equivalent within delta" | "undecided";
  /** 1 - alpha of the anytime-valid confidence sequence. */
  confidence: number;
  /** Equivalence margin, in levels. */
  delta: number;
  /** Mean score difference A - B in levels, and its confidence sequence at the stop. */
  estimate: number | null;
  cs: Interval;
  itemsJudged: number;
  itemsTotal: number;
  /** Critic calls made, and the calls judging every item with every critic would have made. */
  calls: number;
  callsExhaustive: number;
}

/** Where the dollars went, and what the cache and batch APIs saved. */
export interface CostBreakdown {
  byCritic: Record<string, number | null>;
  byCandidate: Record<string, number | null>;
  byRubric: Record<string, number | null>;
  /** What the cache hits would have cost at list price. */
  cacheSavedUsd: number | null;
  /** What batched calls would have cost above what they did (their discount). */
  batchSavedUsd: number | null;
  batch: boolean;
}

export interface RunTotals {
  judgments: number;
  calls: number;
  cacheHits: number;
  abstentions: number;
  failed: number;
  costUsd: number | null;
  latencyMs: LatencySummary;
}

/** The caps a run ran under (--max-calls, --max-tokens, --budget-usd) and how much of each it used. */
export interface CapsUsage {
  limits: { calls?: number; tokens?: number; usd?: number };
  calls: number;
  tokens: number;
  usd: number;
  /** Calls with no known price: their dollars are not in `usd`. */
  unpricedCalls: number;
}

export interface RunResult {
  version: 1;
  run: string;
  startedAt: string;
  finishedAt: string;
  /** False when the run was interrupted or stopped at a budget cap. */
  complete: boolean;
  stopReason: string | null;
  /** True when the critics are the built-in simulator: every number is simulated. */
  simulated: boolean;
  dataset: string;
  rubrics: { id: string; title: string; scale: number }[];
  critics: string[];
  candidates: string[];
  /** Rubric ids that have `gold:<rubric>` labels in the dataset. */
  goldRubrics: string[];
  totals: RunTotals;
  cells: CellSummary[];
  usage: UsageSummary[];
  pairwise: PairwiseResult[];
  /** The family-wise correction behind the pairwise verdicts: "holm" (default) or "none". */
  pairwiseCorrection?: "holm" | "none";
  ranking: RankingEntry[];
  scores: ScoreRow[];
  judgments: Judgment[];
  generations: Generation[];
  /** Per rubric, when there is more than one critic or gold: method, reason and each critic's estimated quality. */
  labelModels: LabelModelSummary[];
  /** Per rubric with gold: each critic, the aggregate and the plain mean against the human labels. */
  calibration: CalibrationRow[];
  /** Krippendorff's ordinal alpha among the critics, per rubric (null with one critic). */
  criticAgreement: { rubric: string; alpha: number | null }[];
  cascade: CascadeSummary | null;
  cost: CostBreakdown;
  sequential: SequentialSummary | null;
  notes: string[];
  /** How close the run came to its caps (absent when it set none); the usage of its last session. */
  caps?: CapsUsage;
  /** Quality gates decided on this run, in config order (absent when the suite has none). */
  gates?: GateOutcome[];
  /** Length effect, self-preference and sample spread of the critics, measured on this run. */
  diagnostics?: Diagnostics;
  /** With `explain: N`: each critic on why each of the N worst outputs per rubric is weak (separate calls, after scoring). */
  explanations?: Explanation[];
}
