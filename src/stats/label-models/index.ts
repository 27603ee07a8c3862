/**
 * Name → label model registry (STYLE.md convention 2): serves `critic aggregate --method`.
 * Every entry has the one signature `(m, opts) => LabelModelFit`.
 */
import { dawidSkene } from "./dawid-skene.js";
import { majorityVote } from "./majority-vote.js";
import { oneCoin } from "./one-coin.js";
import { ordinal } from "./ordinal.js";
import { scoreBlend } from "./score-blend.js";
import { subtypeDawidSkene } from "./subtypes.js";
import type { CommonOptions, LabelModel } from "./types.js";

export type { DawidSkeneOptions, DirichletPrior } from "./dawid-skene.js";
export type { ScoreBlendOptions } from "./score-blend.js";
export type { CommonOptions, LabelerQuality, LabelModel, LabelModelFit } from "./types.js";
export { dawidSkene, majorityVote, oneCoin, ordinal, scoreBlend, subtypeDawidSkene };

/** The banded-prior DS of methods.md §1.6 (b): α0 = 2 pseudo-counts, s = 1 scale point. */
export const dawidSkeneBanded: LabelModel = (m, opts: CommonOptions = {}) =>
  dawidSkene(m, { ...opts, prior: { kind: "banded", alpha0: 2, s: 1 } });

/** The diagonal-biased DS of methods.md §1.3 (a = 2 on, b = 1 off the diagonal). */
export const dawidSkenePrior: LabelModel = (m, opts: CommonOptions = {}) =>
  dawidSkene(m, { ...opts, prior: { kind: "diagonal", a: 2, b: 1 } });

export const labelModels = {
  mv: majorityVote,
  ds: dawidSkene,
  "ds-prior": dawidSkenePrior,
  "ds-banded": dawidSkeneBanded,
  "one-coin": oneCoin,
  "ds-subtypes": subtypeDawidSkene,
  ordinal,
  blend: scoreBlend,
} satisfies Record<string, LabelModel>;

export type LabelModelName = keyof typeof labelModels;

export function isLabelModelName(name: string): name is LabelModelName {
  return Object.hasOwn(labelModels, name);
}

/** Names `--method` accepts: every registry entry plus `auto` (see auto.ts). */
export const methodNames = ["auto", ...Object.keys(labelModels)] as const;
