import { z } from "zod";
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

export const CandidateSpecSchema = z
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
  })
  .strict();

/** Cheap critic first; the expensive one only where the cheap one is unsure or abstained. */
export const CascadeSchema = z
  .object({
    /** Critic ids, cheap first. */
    critics: z.tuple([z.string().min(1), z.string().min(1)]),
    /** Escalate when the cheap critic's top level probability (from logprobs) is below this. */
    threshold: z.number().min(0).max(1).default(0.6),
    /** Without logprobs: escalate when the cheap critic's level is inside this band. */
    band: z.tuple([z.number().int().min(1).max(7), z.number().int().min(1).max(7)]).optional(),
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
    dataset: z.string().min(1),
    rubrics: z.array(z.string().min(1)).min(1),
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
  })
  .strict();

export type SuiteConfigInput = z.input<typeof SuiteConfigSchema>;
export type CriticSpec = z.infer<typeof CriticSpecSchema>;
export type CandidateSpec = z.infer<typeof CandidateSpecSchema>;
export type Price = z.infer<typeof PriceSchema>;
export type CascadeSpec = z.infer<typeof CascadeSchema>;
export type CompareSpec = z.infer<typeof CompareSchema>;
