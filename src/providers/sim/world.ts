import { parseCriticPrompt } from "../../critic/prompt.js";
import { parsePairwisePrompt } from "../../diagnostics/pairwise-prompt.js";
import { pairwiseVerdict } from "./pairwise.js";
import { garbageText, isUnparseable, rate, scoreTopLogprobs, type TopToken } from "./critic.js";
import { generateOutput } from "./generate.js";
import { gauss, textKey, unit } from "./hash.js";
import { type SimModel, defaultSimModel } from "./models.js";
import { fallbackLevel, trueLevel, type RatedText, type Truth } from "./truth.js";

/** One chat request, as both wire formats reduce to it. */
export interface SimRequest {
  model: string;
  system: string;
  turns: { role: "user" | "assistant"; text: string }[];
  maxTokens: number | null;
  /** null: logprobs not requested; otherwise how many top alternatives per token. */
  topLogprobs: number | null;
  n: number;
  /** `reasoning_effort` as sent (OpenAI); null = the model's default (medium). */
  reasoningEffort?: string | null;
}

export interface SimTokenLogprob {
  token: string;
  logprob: number;
  top: TopToken[];
}

export interface SimChoice {
  text: string;
  finish: "stop" | "length";
  logprobs: SimTokenLogprob[] | null;
}

export interface SimReply {
  kind: "critic" | "candidate";
  choices: SimChoice[];
  promptTokens: number;
  /** Every generated token, hidden reasoning included (as the APIs bill them). */
  completionTokens: number;
  /** The hidden reasoning part of completionTokens. */
  reasoningTokens: number;
}

export interface SimWorldOptions {
  seed: number | string;
  models: readonly SimModel[];
  /** Serve names not in `models` as `defaultSimModel(name)` (default true); false answers them 404. */
  serveUnknown?: boolean;
  /** Probability that a critic stays unparseable after a re-ask (default 0: it then answers). */
  reaskUnparseableRate?: number;
  /** Tokens of a text as `usage` bills them (default: a token per 4 characters). A bench can bill by another rule. */
  countTokens?: (text: string) => number;
}

/** Caches stay bounded so a long benchmark cannot grow memory without limit. */
const CACHE_MAX = 100_000;

const tokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

/**
 * The simulated world behind the server: models, hidden truth and replies, all pure in the seed.
 * It caches generations so tracing a rated output back to its writer costs one map lookup.
 */
export class SimWorld {
  readonly seed: number | string;
  readonly models: readonly SimModel[];
  private readonly byName: Map<string, SimModel>;
  private readonly reaskRate: number;
  private readonly serveUnknown: boolean;
  private readonly generated = new Set<string>();
  private readonly writer = new Map<string, { model: SimModel; input: string }>();
  private readonly countTokens?: (text: string) => number;
  private readonly count: (text: string) => number;

  constructor(opts: SimWorldOptions) {
    this.countTokens = opts.countTokens;
    this.count = opts.countTokens ?? ((text) => tokens(text.length));
    this.seed = opts.seed;
    this.models = opts.models;
    this.byName = new Map(opts.models.map((m) => [m.name, m]));
    this.reaskRate = opts.reaskUnparseableRate ?? 0;
    this.serveUnknown = opts.serveUnknown ?? true;
  }

  model(name: string): SimModel | undefined {
    const known = this.byName.get(name);
    if (known || !this.serveUnknown) return known;
    const m = defaultSimModel(name);
    if (this.byName.size < 10_000) this.byName.set(name, m);
    return m;
  }

  /** Prompt tokens of a request, as `reply` counts them (about 4 characters a token, 3 per message). */
  promptTokens(req: SimRequest): number {
    const overhead = 3 * (req.turns.length + (req.system ? 1 : 0));
    if (this.countTokens) return this.countTokens(req.system + req.turns.map((t) => t.text).join("")) + overhead;
    let chars = req.system.length;
    for (const t of req.turns) chars += t.text.length;
    return tokens(chars) + overhead;
  }

  /** What `m` writes for `input`; remembered so a later critic prompt can be traced to it. */
  generate(m: SimModel, input: string): string {
    const out = generateOutput(this.seed, m, input);
    this.remember(out, m, input);
    return out;
  }

  /**
   * Same answer as the pure `truthFor(seed, models, t)` for any output written for `t.input`, from
   * cached generations; it also traces outputs this world generated for other prompt texts.
   */
  truthFor(t: RatedText): Truth {
    if (t.input != null && !this.generated.has(t.input)) {
      if (this.generated.size >= CACHE_MAX) this.generated.clear();
      this.generated.add(t.input);
      for (const m of this.models) this.remember(generateOutput(this.seed, m, t.input), m, t.input);
    }
    const w = this.writer.get(t.output);
    if (w) return { level: trueLevel(this.seed, w.model, w.input, t.rubric), model: w.model.name };
    return { level: fallbackLevel(this.seed, t.rubric, t.output), model: null };
  }

  /** The reply of model `m` to `req`; `garbage` forces an unparseable text (a fault). */
  reply(m: SimModel, req: SimRequest, garbage = false): SimReply {
    const pairwise = garbage ? null : this.pairwiseReply(m, req);
    if (pairwise) return pairwise;
    // The critic prompt is the last user turn that parses as one: after it may come a re-ask,
    // before it few-shot examples.
    let at = -1;
    let parsed: ReturnType<typeof parseCriticPrompt> = null;
    for (let i = req.turns.length - 1; i >= 0 && !parsed; i--) {
      if (req.turns[i]!.role !== "user") continue;
      parsed = parseCriticPrompt(req.turns[i]!.text);
      at = i;
    }
    const first = parsed ? req.turns[at]!.text : (req.turns.find((t) => t.role === "user")?.text ?? "");
    const promptTokens = this.promptTokens(req);
    const choices: SimChoice[] = [];
    const n = Math.max(1, Math.min(req.n, 128));
    const key = textKey(`${req.system}\n${first}`);
    if (parsed) {
      const traced = this.truthFor(parsed);
      const truth = traced.level;
      // Self-preference: a critic with a family and a bonus rates its own family's outputs higher.
      const writer = traced.model ? this.byName.get(traced.model) : undefined;
      const bonus = m.family && m.selfBonus && writer?.family === m.family ? m.selfBonus : 0;
      // Sample noise: a critic with `sampleNoise` answers each call of the same prompt afresh, as at temperature 1.
      const call = m.sampleNoise ? this.nextCall(`${m.name}|${key}`) : 0;
      const noise = m.sampleNoise ? m.sampleNoise * gauss(this.seed, "sample-noise", m.name, key, call) : 0;
      const reask = at < req.turns.length - 1;
      const bad =
        garbage ||
        (reask ? unit(this.seed, "reask", m.name, key, req.turns.length) < this.reaskRate : isUnparseable(this.seed, m, key));
      for (let i = 0; i < n; i++) {
        if (bad) {
          choices.push(this.textChoice(garbageText(this.seed, `${m.name}|${key}|${i}`), req));
          continue;
        }
        const r = onScale(rate(this.seed, m, key, truth, parsed.output.length, call ? 1000 * call + i : i, bonus + noise), parsed.scale);
        const digit = String(r.level);
        const lp =
          req.topLogprobs == null
            ? null
            : [{ token: digit, logprob: Math.log(r.dist[r.level - 1]! * 0.988), top: scoreTopLogprobs(r.dist, req.topLogprobs) }];
        choices.push({ text: digit, finish: "stop", logprobs: lp });
      }
    } else {
      const input = req.turns.filter((t) => t.role === "user").at(-1)?.text ?? "";
      const text = garbage ? garbageText(this.seed, `${m.name}|${key}`) : this.generate(m, input);
      for (let i = 0; i < n; i++) choices.push(this.textChoice(text, req));
    }
    let completionTokens = 0;
    let reasoningTokens = 0;
    const thinking = this.reasoning(m, req, key);
    for (const c of choices) {
      if (!thinking) {
        completionTokens += this.count(c.text);
        continue;
      }
      // Hidden reasoning comes out of the allowance first; what is left may not fit the answer.
      const room = req.maxTokens == null ? Number.POSITIVE_INFINITY : req.maxTokens - thinking;
      const answer = tokens(c.text.length);
      if (room < answer) {
        c.text = room >= 1 && !parsed ? c.text.slice(0, room * 4) : "";
        c.finish = "length";
        c.logprobs = null;
      }
      const used = Math.min(thinking, req.maxTokens ?? thinking);
      reasoningTokens += used;
      completionTokens += used + (c.text ? this.count(c.text) : 0);
    }
    return { kind: parsed ? "critic" : "candidate", choices, promptTokens, completionTokens, reasoningTokens };
  }

  /** Hidden reasoning tokens of one reply: the model's medium-effort count scaled by the effort asked for, +-25%. */
  private reasoning(m: SimModel, req: SimRequest, key: string): number {
    if (m.reasoningTokens <= 0) return 0;
    const effort = { none: 0, minimal: 0.1, low: 0.4, medium: 1, high: 2.5, xhigh: 4 }[req.reasoningEffort ?? "medium"] ?? 1;
    return Math.round(m.reasoningTokens * effort * (0.75 + 0.5 * unit(this.seed, "reasoning", m.name, key)));
  }

  /** The answer to the position audit's "which is better, A or B?" prompt, or null for any other prompt. */
  private pairwiseReply(m: SimModel, req: SimRequest): SimReply | null {
    const user = req.turns.filter((t) => t.role === "user").at(-1)?.text ?? "";
    const p = parsePairwisePrompt(user);
    if (!p) return null;
    const truth = (output: string) => this.truthFor({ rubric: p.rubric, input: p.input, output }).level;
    const key = textKey(`${req.system}\n${user}`);
    const choices: SimChoice[] = [];
    for (let i = 0; i < Math.max(1, Math.min(req.n, 128)); i++) choices.push({ text: pairwiseVerdict(this.seed, m, key, truth(p.first), truth(p.second), i), finish: "stop", logprobs: null });
    const promptTokens = this.count(req.system + user) + 6;
    return { kind: "critic", choices, promptTokens, completionTokens: choices.length, reasoningTokens: 0 };
  }

  private readonly callCounts = new Map<string, number>();

  /** How many times this prompt was asked of this model before (bounded like the other caches). */
  private nextCall(key: string): number {
    const n = this.callCounts.get(key) ?? 0;
    if (this.callCounts.size >= CACHE_MAX) this.callCounts.clear();
    this.callCounts.set(key, n + 1);
    return n;
  }

  private remember(out: string, m: SimModel, input: string): void {
    if (this.writer.has(out)) return;
    if (this.writer.size >= CACHE_MAX) this.writer.clear();
    this.writer.set(out, { model: m, input });
  }

  /** A text reply, cut at max tokens, with word-level logprobs when asked. */
  private textChoice(full: string, req: SimRequest): SimChoice {
    let text = full;
    let finish: SimChoice["finish"] = "stop";
    if (req.maxTokens != null && tokens(full.length) > req.maxTokens) {
      text = full.slice(0, Math.max(1, req.maxTokens * 4));
      finish = "length";
    }
    if (req.topLogprobs == null) return { text, finish, logprobs: null };
    const n = req.topLogprobs;
    const lps = (text.match(/\S+\s*/g) ?? [text]).map((token) => {
      const alts = [token, " the", " a", ",", "."].filter((t, i, a) => a.indexOf(t) === i);
      const top = alts.slice(0, n).map((t, i) => ({ token: t, logprob: -0.05 - 1.5 * i }));
      return { token, logprob: -0.05, top };
    });
    return { text, finish, logprobs: lps };
  }
}

/**
 * A rating on the seven-point scale, moved onto a rubric of K levels (3 to 10) the way a critic
 * reading that rubric would place it: level and probabilities mapped linearly, 1 to 1 and 7 to K.
 */
function onScale<T extends { level: number; dist: number[] }>(r: T, k: number): T {
  if (k === 7 || !Number.isInteger(k) || k < 2) return r;
  const to = (level: number) => Math.round(1 + ((level - 1) * (k - 1)) / 6);
  const dist = new Array<number>(k).fill(0);
  r.dist.forEach((p, j) => {
    dist[to(j + 1) - 1]! += p;
  });
  return { ...r, level: to(r.level), dist };
}
