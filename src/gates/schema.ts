/** zod schema of a gate in a suite config (`gates:`); exactly one threshold per gate. */
import { z } from "zod";

const id = z.string().min(1);

export const MeanGateSchema = z
  .object({
    type: z.literal("mean"),
    candidate: id,
    rubric: id,
    atLeast: z.number().finite().optional(),
    atMost: z.number().finite().optional(),
    /** "critic" (default): the critics' estimates; "human": the PPI++ estimate rectified by gold. */
    scale: z.enum(["critic", "human"]).optional(),
    name: z.string().min(1).optional(),
  })
  .strict()
  .refine((g) => (g.atLeast === undefined) !== (g.atMost === undefined), { message: "a mean gate needs exactly one of atLeast or atMost" });

export const CompareGateSchema = z
  .object({
    type: z.literal("compare"),
    candidate: id,
    baseline: id,
    rubric: id,
    notWorseBy: z.number().finite().nonnegative().optional(),
    betterBy: z.number().finite().nonnegative().optional(),
    name: z.string().min(1).optional(),
  })
  .strict()
  .refine((g) => (g.notWorseBy === undefined) !== (g.betterBy === undefined), { message: "a compare gate needs exactly one of notWorseBy or betterBy" })
  .refine((g) => g.candidate !== g.baseline, { message: "a compare gate needs two different candidates" });

// Discriminated on `type`, so an error names the field that is wrong rather than "invalid union".
export const GateSchema = z.discriminatedUnion("type", [MeanGateSchema, CompareGateSchema]);
