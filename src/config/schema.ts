import { z } from "zod";
import { GateSchema } from "../gates/schema.js";

const positive = z.number().positive();

/** `openai:gpt-4o-mini`, `anthropic:claude-3-5-haiku-latest`. */
export const ModelRef = z.string().regex(/^(openai|anthropic):.+$/, 'expected "openai:<model>" or "anthropic:<model>"');

/** Dollars per million tokens. */
export const PriceSchema = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict();

export const ProviderSettingsSchema = z
  .object({
    baseURL: z.url().optional(),
    /** Name of the environment variable holding the key (never the key itself in a config file). */
    apiKeyEnv: z.string().optional(),
    concurrency: z.number().int().positive().optional(),
  })
  .strict();

export const CriticSpecSchema = z.union([
  ModelRef,
  z
    .object({
      id: z.string().min(1).optional(),
      model: ModelRef,
      /** Ask for top logprobs and record the probability-weighted score (OpenAI-compatible only). */
      logprobs: z.boolean().optional(),
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
    maxTokens: z.number().int().positive().default(512),
    temperature: z.number().min(0).max(2).default(0),
  })
  .strict();

export const BudgetSchema = z
  .object({
    usd: positive.optional(),
    calls: z.number().int().positive().optional(),
  })
  .strict();

export const SuiteConfigSchema = z
  .object({
    name: z.string().optional(),
    dataset: z.string().min(1),
    rubrics: z.array(z.string().min(1)).min(1),
    critics: z.array(CriticSpecSchema).min(1),
    candidates: z.array(CandidateSpecSchema).optional(),
    providers: z.object({ openai: ProviderSettingsSchema.optional(), anthropic: ProviderSettingsSchema.optional() }).strict().optional(),
    concurrency: z.number().int().positive().max(1024).optional(),
    timeoutMs: z.number().int().positive().optional(),
    maxRetries: z.number().int().min(0).max(20).optional(),
    maxOutputChars: z.number().int().positive().optional(),
    prices: z.record(z.string(), PriceSchema).optional(),
    budget: BudgetSchema.optional(),
    out: z.string().optional(),
    cacheDir: z.string().optional(),
    seed: z.number().int().optional(),
    /** Quality gates decided on 95% intervals after the run; `critic run` exits 1 when one fails. */
    gates: z.array(GateSchema).optional(),
  })
  .strict();

export type SuiteConfigInput = z.input<typeof SuiteConfigSchema>;
export type CriticSpec = z.infer<typeof CriticSpecSchema>;
export type CandidateSpec = z.infer<typeof CandidateSpecSchema>;
export type Price = z.infer<typeof PriceSchema>;
