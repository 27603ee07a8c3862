/**
 * Seeded production logs with known truth, for tests and the bench: a support assistant whose
 * lines carry a prompt version, a model, a topic, latency and user feedback, with planted
 * failure modes. Pure in the seed.
 *
 * Planted causes (each line is bad for at most one reason, the first that applies):
 * - `v3-billing`: prompt version v3 answering billing questions fails 45% of the time;
 * - `small-technical`: the small model on technical questions fails 15% of the time;
 * - `empty`: 0.3% of replies come back empty (always bad);
 * - `random`: every other line fails with probability `randomRate` (default 0.8%).
 * Noisy signals: thumbs-down (on 35% of bad lines, 1.5% of fine ones), regenerate (25% / 2%),
 * slow (latency above 4 s: bad lines run slower, and a tail of fine ones too).
 */
import { createWriteStream } from "node:fs";
import { generateOutput } from "../providers/sim/generate.js";
import { simModel } from "../providers/sim/models.js";
import { createRng } from "../stats/rng.js";

export interface SimLogLine {
  id: string;
  input: string;
  output: string;
  prompt_version: string;
  model: string;
  topic: string;
  latency_ms: number;
  feedback: number;
  regenerated: boolean;
}

export interface SimLogTruth {
  bad: boolean;
  cause: "v3-billing" | "small-technical" | "empty" | "random" | null;
}

export interface SimLogOptions {
  seed: number | string;
  randomRate?: number;
  /** Scale of the planted cause rates (1 = as documented; 0 = only random failures). */
  causeScale?: number;
  /** Share of empty replies (default 0.003). */
  emptyRate?: number;
}

const TOPICS = ["billing", "shipping", "technical", "returns", "account"];
const VERSIONS = ["v1", "v2", "v3"];
const MODELS = ["large", "small"];
const GOOD = ["Thanks for reaching out. Here is how to fix it step by step", "I've checked your account and resolved the issue", "Sure, the setting is under Account > Preferences"];
const BAD = ["I'm not sure what you mean.", "Please contact support.", "As an AI I cannot help with that."];

/** One simulated line and its truth; `i` is the line number (0-based). */
export function simLogLine(opts: SimLogOptions, i: number): { line: SimLogLine; truth: SimLogTruth } {
  const r = createRng(`${opts.seed}:line:${i}`);
  const topic = TOPICS[r.int(TOPICS.length)]!;
  const prompt_version = VERSIONS[r.int(VERSIONS.length)]!;
  const model = MODELS[r.next() < 0.6 ? 0 : 1]!;
  const scale = opts.causeScale ?? 1;
  let cause: SimLogTruth["cause"] = null;
  if (prompt_version === "v3" && topic === "billing" && r.next() < 0.45 * scale) cause = "v3-billing";
  else if (model === "small" && topic === "technical" && r.next() < 0.15 * scale) cause = "small-technical";
  else if (r.next() < (opts.emptyRate ?? 0.003) * scale) cause = "empty";
  else if (r.next() < (opts.randomRate ?? 0.008)) cause = "random";
  const bad = cause !== null;
  const feedback = r.next() < (bad ? 0.35 : 0.015) ? -1 : r.next() < 0.2 ? 1 : 0;
  const regenerated = r.next() < (bad ? 0.25 : 0.02);
  const latency_ms = Math.round(Math.exp(Math.log(bad ? 2200 : 1200) + 0.6 * r.normal()));
  const output = cause === "empty" ? "" : `${(bad ? BAD : GOOD)[r.int(3)]} (${topic}, ref ${i}).`;
  return {
    line: { id: `L${i}`, input: `Customer question ${i} about ${topic}`, output, prompt_version, model, topic, latency_ms, feedback, regenerated },
    truth: { bad, cause },
  };
}

/**
 * A seeded model of a noisy critic: the level it gives a line, fixed per line (temperature 0,
 * cached), so the failure rate "as the critic sees it" over the whole log is a definite number.
 * Bad lines get levels around 2, fine ones around 5.5; the critic misses a bad line (level > 3)
 * about 10% of the time and fails a fine one about 3% of the time.
 */
export function simCriticLevel(seed: number | string, id: string, bad: boolean): number {
  const r = createRng(`${seed}:critic:${id}`);
  const x = (bad ? 2.1 : 5.6) + 1.05 * r.normal();
  return Math.min(7, Math.max(1, Math.round(x)));
}

/**
 * Writers of a simulated log's replies for runs through the simulator: it knows what each wrote,
 * so its critics judge a reply by the line's truth (fine lines well, bad lines badly). Start the
 * simulator with `models: [...DEFAULT_SIM_MODELS, ...SIM_LOG_WRITERS]` and the same seed.
 */
export const SIM_LOG_WRITERS = [
  simModel({ name: "sim-writer-good", role: "candidate", defaultQuality: 6.2, verbosity: 2 }),
  simModel({ name: "sim-writer-bad", role: "candidate", defaultQuality: 1.6, verbosity: 2 }),
] as const;

/**
 * Write `n` simulated lines as JSONL, replies written by SIM_LOG_WRITERS under simulator seed
 * `simSeed`; returns the ids of the truly bad lines. Empty replies stay empty (the simulator
 * judges a text it did not write at random, so runs through it usually set `emptyRate: 0`).
 */
export async function writeSimLog(file: string, n: number, opts: SimLogOptions, simSeed: number | string): Promise<Set<string>> {
  const bad = new Set<string>();
  const out = createWriteStream(file);
  let chunk = "";
  for (let i = 0; i < n; i++) {
    const { line, truth } = simLogLine(opts, i);
    if (truth.bad) bad.add(line.id);
    const output = line.output === "" ? "" : generateOutput(simSeed, SIM_LOG_WRITERS[truth.bad ? 1 : 0], line.input);
    chunk += `${JSON.stringify({ ...line, output })}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
  return bad;
}
