/**
 * The triage config: a suite config without a dataset (the sampled log lines become the
 * dataset), plus `triage`. Signals are plain data; nothing in the config is evaluated as code.
 */
import { z } from "zod";
import { SuiteConfigSchema } from "../config/schema.js";

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export const OPERATORS = ["equals", "above", "below", "in", "matches"] as const;
export const DERIVED = ["empty_output", "refusal", "output_chars", "input_chars"] as const;

/**
 * `{ name, column, equals | above | below | in | matches }`, or a derived signal
 * `{ name, derived: "empty_output" | "refusal" | "output_chars" | "input_chars", above | below, phrases }`.
 */
export const SignalSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "a signal name is letters, digits, _ . or -"),
    column: z.string().min(1).optional(),
    derived: z.enum(DERIVED).optional(),
    equals: Scalar.nullable().optional(),
    above: z.number().optional(),
    below: z.number().optional(),
    in: z.array(Scalar).min(1).optional(),
    matches: z.string().min(1).optional(),
    /** For `derived: "refusal"`: phrases that mark a refusal (default: a built-in English list). */
    phrases: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ops = OPERATORS.filter((o) => s[o] !== undefined);
    if ((s.column === undefined) === (s.derived === undefined)) {
      ctx.addIssue({ code: "custom", message: `signal "${s.name}" needs either "column" or "derived"` });
      return;
    }
    if (s.column !== undefined && ops.length !== 1) ctx.addIssue({ code: "custom", message: `signal "${s.name}" needs exactly one of ${OPERATORS.join(", ")} (it has ${ops.length ? ops.join(", ") : "none"})` });
    if (s.derived === "output_chars" || s.derived === "input_chars") {
      if (ops.length !== 1 || (s.above === undefined && s.below === undefined)) ctx.addIssue({ code: "custom", message: `signal "${s.name}" (${s.derived}) needs exactly one of above, below` });
    } else if (s.derived !== undefined && ops.length) ctx.addIssue({ code: "custom", message: `signal "${s.name}" (${s.derived}) takes no ${ops.join(", ")}` });
    if (s.phrases && s.derived !== "refusal") ctx.addIssue({ code: "custom", message: `signal "${s.name}": "phrases" belongs to derived: "refusal"` });
    if (s.matches !== undefined) {
      try {
        new RegExp(s.matches, "i");
      } catch (e) {
        ctx.addIssue({ code: "custom", message: `signal "${s.name}": "matches" is not a regular expression (${(e as Error).message})` });
      }
    }
  });

export const TriageSchema = z
  .object({
    /** The production log: JSONL, CSV, or an OpenTelemetry (OTLP/JSON) span export. */
    log: z.string().min(1),
    format: z.enum(["auto", "jsonl", "csv", "otel"]).default("auto"),
    signals: z.array(SignalSchema).max(30).default([]),
    /** Columns to break the failure rate down by (default: model, prompt_version and topic, where present). */
    facets: z.array(z.string().min(1)).optional(),
    /** Lines a critic judges (each on every rubric by every critic). */
    maxJudgments: z.number().int().positive().default(400),
    /** A line fails when its aggregate score on some rubric is at most this. */
    failAtMost: z.number().min(1).max(7).default(3),
    /** Share of the judgments spread uniformly over all lines, so every line has a chance. */
    floorShare: z.number().gt(0).max(1).default(0.2),
    /** The latency column, in milliseconds. */
    latencyColumn: z.string().min(1).default("latency_ms"),
    /** The slowest lines are judged for certain, to say whether they also fail on quality. */
    slowest: z.number().int().min(0).max(100).default(10),
  })
  .strict();

export const TriageConfigSchema = SuiteConfigSchema.omit({ dataset: true, candidates: true, compare: true, sample: true, stratifyBy: true, gates: true, cascade: true })
  .extend({ triage: TriageSchema })
  .strict();

export type SignalSpec = z.infer<typeof SignalSchema>;
export type TriageSpec = z.infer<typeof TriageSchema>;
export type TriageConfigInput = z.input<typeof TriageConfigSchema>;

/** Typed helper for `critic.config.ts` files that configure a triage. */
export function defineTriageConfig(config: TriageConfigInput): TriageConfigInput {
  return config;
}

export const DEFAULT_FACETS = ["model", "prompt_version", "topic"];
