import { z } from "zod";
import type { TaskFn } from "../candidates/types.js";
import { GateSchema } from "../gates/schema.js";

const positive = z.number().positive();

/** `openai:gpt-4o-mini`, `anthropic:claude-3-5-haiku-latest`, or `<provider>:<model>` for a provider named under `providers`. */
export const ModelRef = z.string().regex(/^[A-Za-z][\w-]*:.+$/, 'expected "<provider>:<model>": "openai:<model>", "anthropic:<model>", or a provider named under providers');

/** Dollars per million tokens. */
export const PriceSchema = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict();

export const ProviderSettingsSchema = z
  .object({
    /** The API it speaks; defaults to the provider's name when that is `openai` or `anthropic`. */
    type: z.enum(["openai", "anthropic", "azure-openai"]).optional(),
    baseURL: z.url().optional(),
    /** Name of the environment variable holding the key (never the key itself in a config file). */
    apiKeyEnv: z.string().optional(),
    /** Sent with every request to this provider (a gateway's routing or team header, say). */
    headers: z.record(z.string(), z.string()).optional(),
    concurrency: z.number().int().positive().optional(),
    /** Dollars per million tokens for this provider's models (a gateway's own prices, 0 for a local server). */
    prices: z.record(z.string(), PriceSchema).optional(),
    /** azure-openai: the `api-version` query parameter (default 2024-10-21). */
    apiVersion: z.string().min(1).optional(),
  })
  .strict();

/**
 * Per critic or candidate: what its requests carry, over the model family's defaults
 * (src/providers/shapes.ts). null drops a parameter the family would send.
 */
const shapeFields = {
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  reasoningEffort: z.string().min(1).nullable().optional(),
  extraBody: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
};

export const CriticSpecSchema = z.union([
  ModelRef,
  z
    .object({
      id: z.string().min(1).optional(),
      model: ModelRef,
      /** Ask for top logprobs and record the probability-weighted score (OpenAI-compatible only). */
      logprobs: z.boolean().optional(),
      /** Model family (e.g. "openai"), for self-preference; default: read from the model name. */
      family: z.string().min(1).optional(),
      /** Ask k times (at temperature 1 unless set; reasoning models at their fixed one) and use the mean. */
      samples: z.number().int().min(1).max(20).optional(),
      ...shapeFields,
    })
    .strict(),
]);

export const ModelCandidateSchema = z
  .object({
    id: z.string().min(1),
    model: ModelRef,
    /** Template for the user message; {{input}} and any dataset column name in {{...}}. */
    prompt: z.string().default("{{input}}"),
    system: z.string().optional(),
    /** Model family (e.g. "anthropic"), for self-preference; default: read from the model name. */
    family: z.string().min(1).optional(),
    ...shapeFields,
    /** What --dry-run assumes an answer costs before any has been generated (default 200 tokens). */
    expectedOutputTokens: z.number().int().positive().optional(),
    /** Stream the answer (OpenAI-compatible or Anthropic): records time to first token and tokens per second. */
    stream: z.boolean().optional(),
  })
  .strict();

/** The user's own code as a candidate: `task(row, ctx)` returns the output (see src/candidates/types.ts). */
export const TaskCandidateSchema = z
  .object({
    id: z.string().min(1),
    task: z.custom<TaskFn>((v) => typeof v === "function", { message: "must be a function (row, ctx) => output" }),
    /** Reuse outputs across runs. Off by default: the user's code changes between runs. */
    cache: z.boolean().optional(),
    /** Part of the cache key (and turns the cache on): bump it when the code changes. */
    version: z.string().min(1).optional(),
    /** Calls in flight at once (default: the suite's concurrency). */
    concurrency: z.number().int().positive().optional(),
    /** Per-call timeout (default: the suite's timeoutMs). */
    timeoutMs: z.number().int().positive().optional(),
    /** Calls again after a throw (default 0: a task is called once per row per run). */
    retries: z.number().int().min(0).max(20).optional(),
  })
  .strict();

/** An environment variable's value: `{ env: "MY_TOKEN", prefix: "Bearer " }`, read at run time, never written anywhere. */
export const EnvValueSchema = z.object({ env: z.string().min(1), /** Text before the value: "Bearer ". */ prefix: z.string().optional() }).strict();

/** A running service as a candidate. */
export const HttpCandidateSchema = z
  .object({
    id: z.string().min(1),
    http: z
      .object({
        url: z.url(),
        method: z.enum(["POST", "PUT", "GET"]).default("POST"),
        /** Literal values, or `{ env: "NAME" }` (or "${NAME}" inside a string) read from the environment. */
        headers: z.record(z.string(), z.union([z.string(), EnvValueSchema])).optional(),
        /** A JSON template; {{column}} placeholders are replaced by the row's values, JSON-escaped. */
        body: z.unknown().optional(),
        /** Where the answer is in the JSON reply: `choices.0.message.content`, `answer.text`. */
        output: z.string().min(1),
        /** Where the usage is, if the service reports it: paths to input and output token counts. */
        inputTokens: z.string().min(1).optional(),
        outputTokens: z.string().min(1).optional(),
      })
      .strict(),
    concurrency: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
    cache: z.boolean().optional(),
    version: z.string().min(1).optional(),
  })
  .strict();

/** Written by critic into a run's journal for a task or HTTP candidate, whose outputs only the journal holds. */
export const RecordedCandidateSchema = z.object({ id: z.string().min(1), recorded: z.enum(["task", "http"]) }).strict();

/** A model with a prompt, the user's function, a running HTTP service (or, in a journal, a recorded one). */
export const CandidateSpecSchema = z.union([ModelCandidateSchema, TaskCandidateSchema, HttpCandidateSchema, RecordedCandidateSchema]);

/** Which branch of CandidateSpecSchema a raw candidate means, for error messages that name the right fields. */
export function candidateKind(raw: unknown): 0 | 1 | 2 | 3 {
  if (raw && typeof raw === "object") {
    if ("task" in raw) return 1;
    if ("http" in raw) return 2;
    if ("recorded" in raw) return 3;
  }
  return 0;
}

/** Cheap critic first; the expensive one only where the cheap one is unsure or abstained. */
export const CascadeSchema = z
  .object({
    /** Critic ids, cheap first. */
    critics: z.tuple([z.string().min(1), z.string().min(1)]),
    /** Escalate when the cheap critic's top level probability (from logprobs) is below this. */
    threshold: z.number().min(0).max(1).default(0.6),
    /** Without logprobs: escalate when the cheap critic's level is inside this band. */
    band: z.tuple([z.number().int().min(1).max(10), z.number().int().min(1).max(10)]).optional(),
    /** Share of units judged by both critics regardless, to measure honestly what the cascade gives up. */
    audit: z.number().min(0).max(1).default(0.1),
  })
  .strict();

/** A sequential A-versus-B comparison that stops as soon as it is decided. */
export const CompareSchema = z
  .object({
    a: z.string().min(1),
    b: z.string().min(1),
    /** Rubric compared (default: the first). */
    rubric: z.string().optional(),
    /** Equivalence margin in levels: "within +-delta" also ends the comparison. */
    delta: z.number().positive().default(0.25),
    batchSize: z.number().int().positive().default(20),
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .strict();

export const BudgetSchema = z
  .object({
    usd: positive.optional(),
    calls: z.number().int().positive().optional(),
    tokens: z.number().int().positive().optional(),
  })
  .strict();

export const SuiteConfigSchema = z
  .object({
    name: z.string().optional(),
    /** A CSV or JSONL file; or give the rows inline as `data`. */
    dataset: z.string().min(1).optional(),
    /** The rows themselves (an inline suite): objects with `input` or `messages`, optional `id`, `reference` and any other column. */
    data: z.array(z.record(z.string(), z.unknown()), { error: "must be an array of row objects" }).min(1, "has no rows").optional(),
    /** Bundled ids, rubrics/<id>.yaml of your own, paths, or rubric objects ({ id, title, question, inputs?, scale }). */
    rubrics: z.array(z.union([z.string().min(1), z.custom<RubricObject>((v) => typeof v === "object" && v !== null && !Array.isArray(v), { message: "must be a rubric id, a path, or a rubric object" })])).min(1),
    critics: z.array(CriticSpecSchema).min(1),
    candidates: z.array(CandidateSpecSchema).optional(),
    /** Named endpoints: `openai` and `anthropic` always exist; any other name needs a `type`. */
    providers: z.record(z.string().regex(/^[A-Za-z][\w-]*$/, "a provider name is a letter followed by letters, digits, - or _"), ProviderSettingsSchema).optional(),
    concurrency: z.number().int().positive().max(1024).optional(),
    timeoutMs: z.number().int().positive().optional(),
    maxRetries: z.number().int().min(0).max(20).optional(),
    maxOutputChars: z.number().int().positive().optional(),
    prices: z.record(z.string(), PriceSchema).optional(),
    budget: BudgetSchema.optional(),
    /** Judge a seeded sample of the items: a count (>= 1) or a fraction (< 1). */
    sample: z.number().positive().optional(),
    /** Stratify the sample by this metadata column. */
    stratifyBy: z.string().min(1).optional(),
    cascade: CascadeSchema.optional(),
    compare: CompareSchema.optional(),
    out: z.string().optional(),
    cacheDir: z.string().optional(),
    seed: z.number().int().optional(),
    /** After scoring, ask each critic why each of the N worst outputs per rubric is weak (separate calls; scores never carry reasons). */
    explain: z.number().int().min(0).max(100).optional(),
    /** Model family of critics or candidates by id (dataset candidates have no other place to say it), for self-preference. */
    families: z.record(z.string(), z.string().min(1)).optional(),
    /** Quality gates decided on 95% intervals after the run; `critic run` exits 1 when one fails. */
    gates: z.array(GateSchema).optional(),
    /** "holm": Holm's family-wise correction over the gates (default "none": each gate at its own 95%). */
    gatesCorrection: z.enum(["holm", "none"]).optional(),
    /** "holm" (default): the "A better than B" verdicts of a rubric's pairs keep a 5% family-wise error; "none": each pair at its own 95%. */
    pairwiseCorrection: z.enum(["holm", "none"]).optional(),
    /** A refused or abstained score next to a scored output, in win rates and Bradley-Terry: "drop" (default, left out) or "tie". */
    pairwiseMissing: z.enum(["drop", "tie"]).optional(),
  })
  .strict();

/** A rubric written inline, with the fields of a rubric YAML file. */
export interface RubricObject {
  id: string;
  title: string;
  question: string;
  /** Which texts the critic sees: input, output, reference, conversation, or any dataset column. */
  inputs?: string[];
  /** Whether a conversation is judged on its last turn (default) or as a whole. */
  judge?: "last-turn" | "conversation";
  /** Level -> description, 1 worst; 3 to 10 levels (7 recommended). */
  scale: Record<string | number, string>;
}

export type SuiteConfigInput = z.input<typeof SuiteConfigSchema>;
export type CriticSpec = z.infer<typeof CriticSpecSchema>;
export type CandidateSpec = z.infer<typeof CandidateSpecSchema>;
export type ModelCandidateSpec = z.infer<typeof ModelCandidateSchema>;
export type TaskCandidateSpec = z.infer<typeof TaskCandidateSchema>;
export type HttpCandidateSpec = z.infer<typeof HttpCandidateSchema>;
export type Price = z.infer<typeof PriceSchema>;
export type CascadeSpec = z.infer<typeof CascadeSchema>;
export type CompareSpec = z.infer<typeof CompareSchema>;
