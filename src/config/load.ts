import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, fieldPath } from "../errors.js";
import type { Gate } from "../gates/types.js";
import { targetPrice, withProviderPrices } from "../providers/prices.js";
import { type RequestShape, type ShapeOverrides, resolveShape } from "../providers/shapes.js";
import { type Rubric, resolveRubric, rubricFromObject, rubricToObject } from "./rubric.js";
import { writeInlineData } from "./inline-data.js";
import type { TaskFn } from "../candidates/types.js";
import type { z } from "zod";
import { type CandidateSpec, candidateKind, type CascadeSpec, type CompareSpec, type CriticSpec, type Price, SuiteConfigSchema, type SuiteConfigInput } from "./schema.js";

/** A provider's name: `openai`, `anthropic`, or one the config gives under `providers`. */
export type ProviderKind = string;

/** The API a provider speaks. */
export type ProviderType = "openai" | "anthropic" | "azure-openai";

export interface ModelTarget {
  id: string;
  /** The provider's name (the part before the colon of the model reference). */
  provider: ProviderKind;
  model: string;
}

export interface CriticTarget extends ModelTarget {
  /** Logprobs are asked for: requested, and the model family returns them. */
  logprobs: boolean;
  /** Logprobs were requested but the family returns none: the probability-weighted score is unavailable. */
  logprobsUnavailable?: boolean;
  /** What its requests carry (family defaults under the config's overrides). */
  shape: RequestShape;
  /** The config's own overrides, kept to write the config back. */
  overrides: ShapeOverrides;
  /** Calls per output whose levels are averaged (`samples`, default 1). */
  samples?: number;
}

/** A model with a prompt template. */
export interface CandidateTarget extends ModelTarget {
  kind?: "model";
  prompt: string;
  system?: string;
  maxTokens: number;
  temperature: number | null;
  expectedOutputTokens?: number;
  shape: RequestShape;
  overrides: ShapeOverrides;
  /** Streamed, for time to first token (OpenAI-compatible and Anthropic providers). */
  stream?: boolean;
}

/** The user's own function. */
export interface TaskCandidateTarget {
  kind: "task";
  id: string;
  task: TaskFn;
  /** null: outputs are never cached; otherwise the version string that is part of the cache key. */
  cacheVersion: string | null;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  expectedOutputTokens?: number;
}

/** A running HTTP service. Header values are resolved from the environment here and live only in memory. */
export interface HttpCandidateTarget {
  kind: "http";
  id: string;
  url: string;
  method: "POST" | "PUT" | "GET";
  headers: Record<string, string>;
  /** Header values that came from the environment: redacted from any error message. */
  secrets: string[];
  body: unknown;
  output: string;
  inputTokens?: string;
  outputTokens?: string;
  cacheVersion: string | null;
  concurrency: number;
  timeoutMs: number;
  expectedOutputTokens?: number;
}

/** Any candidate: a model, a function, a service. */
export type SuiteCandidate = CandidateTarget | TaskCandidateTarget | HttpCandidateTarget;

export function isModelCandidate(t: SuiteCandidate): t is CandidateTarget {
  return t.kind !== "task" && t.kind !== "http";
}

export interface ProviderSettings {
  type: ProviderType;
  baseURL?: string;
  /** Resolved from the environment; never written anywhere. */
  apiKey?: string;
  /** The environment variable the key comes from, to name in errors. */
  apiKeyEnv?: string;
  concurrency: number;
  headers?: Record<string, string>;
  prices?: Record<string, Price>;
  apiVersion?: string;
  /** What cached answers are filed under, when not the endpoint itself (a simulated run keeps the real endpoint's). */
  cacheScope?: string;
}

/** --batch goes through the openai and anthropic providers only (the run and its dry run refuse the rest alike). */
export function assertBatchable(suite: Suite): void {
  const named = [...suite.critics, ...suite.candidates.filter(isModelCandidate)].find((t) => t.provider !== "openai" && t.provider !== "anthropic");
  if (named) throw new ConfigError(`--batch sends calls through the openai and anthropic providers' batch APIs; ${named.id} uses provider "${named.provider}": run it without --batch`);
}

/** The API family whose request shapes a provider type takes. */
export const apiOf = (type: ProviderType): "openai" | "anthropic" => (type === "anthropic" ? "anthropic" : "openai");

/** A fully resolved suite: precedence flags > config file > environment > defaults is applied here and only here. */
export interface Suite {
  name: string;
  configFile: string | null;
  baseDir: string;
  dataset: string;
  rubrics: Rubric[];
  critics: CriticTarget[];
  candidates: SuiteCandidate[];
  /** By name: `openai` and `anthropic` always, plus the config's named providers. */
  providers: Record<ProviderKind, ProviderSettings>;
  timeoutMs: number;
  maxRetries: number;
  maxOutputChars: number;
  prices: Record<string, Price>;
  budget: { usd?: number; calls?: number; tokens?: number };
  sample?: number;
  stratifyBy?: string;
  cascade?: CascadeSpec;
  compare?: CompareSpec;
  out?: string;
  cacheDir: string;
  seed: number;
  gates: Gate[];
  /** Declared model family by critic or candidate id (`family` fields and `families`), for self-preference. */
  families?: Record<string, string>;
  /** Explain the N worst outputs per rubric after scoring. */
  explain?: number;
  /** Family-wise correction over the gates. */
  gatesCorrection: "holm" | "none";
  /** Family-wise correction over each rubric's pairwise verdicts. */
  pairwiseCorrection: "holm" | "none";
  /** A refused score next to a scored output, in win rates and Bradley-Terry: left out or a tie. */
  pairwiseMissing: "drop" | "tie";
}

/** What the command line can override. */
export interface SuiteFlags {
  config?: string;
  dataset?: string;
  rubrics?: string[];
  critics?: string[];
  baseURL?: string;
  concurrency?: number;
  budgetUsd?: number;
  maxCalls?: number;
  maxTokens?: number;
  sample?: number;
  stratifyBy?: string;
  /** "A,B": a sequential comparison of two candidates (with untilDecided). */
  compare?: string;
  untilDecided?: boolean;
  delta?: number;
  out?: string;
  timeoutMs?: number;
  maxRetries?: number;
  logprobs?: boolean;
  seed?: number;
}

const CONFIG_NAMES = ["critic.config.ts", "critic.config.mts", "critic.config.js", "critic.config.mjs", "critic.config.json", "critic.config.yaml", "critic.config.yml"];

export function findConfig(cwd: string): string | null {
  for (const name of CONFIG_NAMES) {
    const file = join(cwd, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** TypeScript configs are stripped of types with sucrase (Node 20 cannot import .ts), written beside the original so relative imports resolve, then imported. */
async function importModule(file: string): Promise<unknown> {
  const ext = extname(file);
  if (ext === ".ts" || ext === ".mts") {
    const { transform } = await import("sucrase");
    const code = transform(await readFile(file, "utf8"), { transforms: ["typescript"], filePath: file }).code;
    const tmp = join(dirname(file), `.critic-config-${process.pid}-${Date.now()}.mjs`);
    await writeFile(tmp, code);
    try {
      return ((await import(pathToFileURL(tmp).href)) as { default?: unknown }).default;
    } finally {
      await rm(tmp, { force: true });
    }
  }
  return ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
}

export async function readConfigFile(file: string): Promise<unknown> {
  if (!existsSync(file)) throw new ConfigError("config file not found", { file });
  const ext = extname(file);
  try {
    if (ext === ".json") return JSON.parse(await readFile(file, "utf8"));
    if (ext === ".yaml" || ext === ".yml") return (await import("yaml")).parse(await readFile(file, "utf8"));
    return await importModule(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`cannot load: ${(e as Error).message.split("\n")[0]}`, { file });
  }
}

function parseModelRef(ref: string): { provider: ProviderKind; model: string } {
  const i = ref.indexOf(":");
  return { provider: ref.slice(0, i), model: ref.slice(i + 1) };
}

function overridesOf(spec: ShapeOverrides): ShapeOverrides {
  const o: ShapeOverrides = {};
  if (spec.maxTokens !== undefined) o.maxTokens = spec.maxTokens;
  if (spec.temperature !== undefined) o.temperature = spec.temperature;
  if (spec.reasoningEffort !== undefined) o.reasoningEffort = spec.reasoningEffort;
  if (spec.extraBody !== undefined) o.extraBody = spec.extraBody;
  if (spec.headers !== undefined) o.headers = spec.headers;
  return o;
}

function criticTarget(spec: CriticSpec, logprobsDefault: boolean, typeOf: (provider: string) => ProviderType): CriticTarget {
  const ref = typeof spec === "string" ? spec : spec.model;
  const { provider, model } = parseModelRef(ref);
  const id = typeof spec === "string" ? ref : (spec.id ?? ref);
  const api = apiOf(typeOf(provider));
  // Asked of a family that has none (Anthropic's API among them): not sent, and the report says so.
  const requested = typeof spec === "string" ? logprobsDefault : (spec.logprobs ?? logprobsDefault);
  const overrides = typeof spec === "string" ? {} : overridesOf(spec);
  const shape = resolveShape(api, model, "critic", overrides);
  return { id, provider, model, logprobs: requested && shape.logprobs, ...(requested && !shape.logprobs ? { logprobsUnavailable: true } : {}), shape, overrides, ...(typeof spec !== "string" && spec.samples && spec.samples > 1 ? { samples: spec.samples } : {}) };
}

/** `cache: true` or a `version` turns a task's or service's output cache on; the version is part of the key. */
const cacheVersionOf = (spec: { cache?: boolean; version?: string }): string | null => (spec.version ?? (spec.cache ? "" : null));

function candidateTarget(spec: CandidateSpec, typeOf: (provider: string) => ProviderType, defaults: { concurrency: number; timeoutMs: number }, env: Record<string, string | undefined>, file?: string): SuiteCandidate {
  if ("task" in spec) {
    return { kind: "task", id: spec.id, task: spec.task, cacheVersion: cacheVersionOf(spec), concurrency: spec.concurrency ?? defaults.concurrency, timeoutMs: spec.timeoutMs ?? defaults.timeoutMs, retries: spec.retries ?? 0 };
  }
  if ("recorded" in spec) {
    const task = () => {
      throw new Error(`${spec.id} is a recorded ${spec.recorded} candidate: its outputs come from the journal`);
    };
    return { kind: "task", id: spec.id, task, cacheVersion: null, concurrency: defaults.concurrency, timeoutMs: defaults.timeoutMs, retries: 0 };
  }
  if ("http" in spec) {
    const h = spec.http;
    const headers: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [name, v] of Object.entries(h.headers ?? {})) {
      const field = `candidates.${spec.id}.http.headers.${name}`;
      const read = (envName: string): string => {
        const value = env[envName];
        if (!value) throw new ConfigError(`needs ${envName} in the environment`, { file, field });
        secrets.push(value);
        return value;
      };
      headers[name] = typeof v === "string" ? v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, n: string) => read(n)) : (v.prefix ?? "") + read(v.env);
    }
    return { kind: "http", id: spec.id, url: h.url, method: h.method, headers, secrets, body: h.body, output: h.output, inputTokens: h.inputTokens, outputTokens: h.outputTokens, cacheVersion: cacheVersionOf(spec), concurrency: spec.concurrency ?? defaults.concurrency, timeoutMs: spec.timeoutMs ?? defaults.timeoutMs };
  }
  const { provider, model } = parseModelRef(spec.model);
  if (spec.stream && typeOf(provider) === "azure-openai") throw new ConfigError("stream: true is supported for OpenAI-compatible and Anthropic candidates only", { file, field: `candidates.${spec.id}.stream` });
  const overrides = overridesOf(spec);
  const shape = resolveShape(apiOf(typeOf(provider)), model, "candidate", overrides);
  return { id: spec.id, provider, model, prompt: spec.prompt, system: spec.system, maxTokens: shape.maxTokens, temperature: shape.temperature, expectedOutputTokens: spec.expectedOutputTokens, shape, overrides, ...(spec.stream ? { stream: true } : {}) };
}

function rejectDuplicates(ids: string[], field: string, file?: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new ConfigError(`"${id}" is listed twice`, { file, field });
    seen.add(id);
  }
}

type Issue = z.core.$ZodIssue;

/**
 * A candidate that fits none of the forms fails as "invalid union"; report instead what is wrong
 * with it as the form it means (a `task` is a function candidate, an `http` a service, ...).
 */
function unionIssue(issue: Issue, raw: unknown): Issue {
  if (issue.code !== "invalid_union" || issue.path[0] !== "candidates") return issue;
  const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], raw);
  const inner = issue.errors[candidateKind(value)]?.[0];
  return inner ? { ...inner, path: [...issue.path, ...inner.path] } : issue;
}

/** Build the suite from an optional config file, flags and the environment. */
export async function loadSuite(flags: SuiteFlags, cwd: string, env: Record<string, string | undefined>, inline?: SuiteConfigInput, opts: { offline?: boolean } = {}): Promise<Suite> {
  const configFile = inline ? null : flags.config ? resolve(cwd, flags.config) : findConfig(cwd);
  const raw = inline ?? (configFile ? await readConfigFile(configFile) : {});
  if (raw === null || typeof raw !== "object") throw new ConfigError("the config must be an object", { file: configFile ?? undefined });
  const merged: SuiteConfigInput = {
    ...(raw as SuiteConfigInput),
    ...(flags.dataset ? { dataset: flags.dataset } : {}),
    ...(flags.rubrics?.length ? { rubrics: flags.rubrics } : {}),
    ...(flags.critics?.length ? { critics: flags.critics } : {}),
    ...(flags.sample !== undefined ? { sample: flags.sample } : {}),
    ...(flags.stratifyBy ? { stratifyBy: flags.stratifyBy } : {}),
  };
  if (flags.compare) {
    const [a, b, ...rest] = flags.compare.split(",").map((x) => x.trim());
    if (!a || !b || rest.length) throw new ConfigError(`--compare takes two candidates as A,B, got "${flags.compare}"`);
    if (!flags.untilDecided) throw new ConfigError("--compare A,B runs a sequential comparison: add --until-decided");
    merged.compare = { ...(merged.compare ?? {}), a, b, ...(flags.delta !== undefined ? { delta: flags.delta } : {}) };
  }
  const parsed = SuiteConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = unionIssue(parsed.error.issues[0]!, merged);
    const field = fieldPath(issue.path);
    const hint = !configFile && ["dataset", "rubrics", "critics"].includes(field) ? ` (give --${field === "rubrics" ? "rubric" : field === "critics" ? "critic" : field} or a critic.config file)` : "";
    throw new ConfigError(`${issue.message}${hint}`, { file: configFile ?? undefined, field: field || undefined });
  }
  const c = parsed.data;
  const baseDir = configFile ? dirname(configFile) : cwd;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const cacheDir = c.cacheDir ? abs(c.cacheDir) : join(cwd, ".critic");
  if (c.data && c.dataset) throw new ConfigError("give either dataset (a file) or data (the rows), not both", { file: configFile ?? undefined, field: "data" });
  if (!c.data && !c.dataset) throw new ConfigError(`is missing${configFile ? "" : " (give --dataset or a critic.config file)"}`, { file: configFile ?? undefined, field: "dataset" });
  // Inline rows are written once to a content-addressed JSONL file, so resume and `critic report` read them like any dataset.
  const dataset = c.data ? await writeInlineData(c.data, cacheDir) : abs(c.dataset!);
  for (const [name, v] of [["--concurrency", flags.concurrency], ["--budget-usd", flags.budgetUsd], ["--max-calls", flags.maxCalls], ["--max-tokens", flags.maxTokens], ["--timeout-ms", flags.timeoutMs], ["--sample", flags.sample], ["--delta", flags.delta]] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) throw new ConfigError(`${name} must be a positive number, got ${v}`);
  }

  const concurrency = flags.concurrency ?? c.concurrency ?? 8;
  const file = configFile ?? undefined;
  const provider = (name: string): ProviderSettings => {
    const s = c.providers?.[name];
    const type = s?.type ?? (name === "openai" || name === "anthropic" ? name : undefined);
    if (!type) throw new ConfigError(`give the provider a type: "openai" (any OpenAI-compatible server), "anthropic" or "azure-openai"`, { file, field: `providers.${name}.type` });
    const isDefault = name === "openai" || name === "anthropic";
    const envBase = name === "openai" ? env.OPENAI_BASE_URL : name === "anthropic" ? env.ANTHROPIC_BASE_URL : undefined;
    const baseURL = (name === "openai" ? flags.baseURL : undefined) ?? s?.baseURL ?? (envBase || undefined);
    if (type === "azure-openai" && !baseURL) throw new ConfigError("an azure-openai provider needs its endpoint as baseURL, e.g. https://my-resource.openai.azure.com", { file, field: `providers.${name}.baseURL` });
    // A named provider without apiKeyEnv is a local server that needs no key.
    const keyVar = s?.apiKeyEnv ?? (isDefault ? (name === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY") : undefined);
    return {
      type,
      baseURL,
      apiKey: keyVar ? env[keyVar] || undefined : undefined,
      apiKeyEnv: keyVar,
      concurrency: flags.concurrency ?? s?.concurrency ?? concurrency,
      ...(s?.headers ? { headers: s.headers } : {}),
      ...(s?.prices ? { prices: s.prices } : {}),
      ...(type === "azure-openai" ? { apiVersion: s?.apiVersion ?? "2024-10-21" } : {}),
    };
  };
  const providers: Record<string, ProviderSettings> = { openai: provider("openai"), anthropic: provider("anthropic") };
  for (const name of Object.keys(c.providers ?? {})) providers[name] ??= provider(name);
  const typeOf = (name: string): ProviderType => providers[name]?.type ?? "openai";
  const refs = [...c.critics.map((x, i) => [typeof x === "string" ? x : x.model, `critics[${i}]`] as const), ...(c.candidates ?? []).flatMap((x, i) => ("model" in x ? [[x.model, `candidates[${i}].model`] as const] : []))];
  for (const [ref, field] of refs) {
    const name = parseModelRef(ref).provider;
    if (!providers[name]) throw new ConfigError(`"${ref}" names provider "${name}", which is not configured: add it under providers (with its type and baseURL), or use openai: or anthropic:`, { file, field });
  }
  // A threshold cascade reads its cheap critic's logprobs: ask for them unless the config says no.
  const thresholdCheap = c.cascade && !c.cascade.band ? c.cascade.critics[0] : undefined;
  const critics = c.critics.map((s) => criticTarget(s, flags.logprobs ?? (thresholdCheap !== undefined && (typeof s === "string" ? s : (s.id ?? s.model)) === thresholdCheap), typeOf));
  const timeoutMs = flags.timeoutMs ?? c.timeoutMs ?? 60_000;
  const candidates = (c.candidates ?? []).map((spec) => candidateTarget(spec, typeOf, { concurrency, timeoutMs }, env, configFile ?? undefined));
  rejectDuplicates(critics.map((x) => x.id), "critics", configFile ?? undefined);
  rejectDuplicates(candidates.map((x) => x.id), "candidates", configFile ?? undefined);
  for (const t of [...critics, ...candidates.filter(isModelCandidate)]) {
    const p = providers[t.provider]!;
    if (p.apiKey || opts.offline) continue;
    // The default providers take a base URL instead of a key (a local server); a named one without apiKeyEnv is local.
    const named = c.providers?.[t.provider] && t.provider !== "openai" && t.provider !== "anthropic";
    if (named && p.apiKeyEnv) throw new ConfigError(`${t.id} needs ${p.apiKeyEnv} in the environment`, { file, field: `providers.${t.provider}.apiKeyEnv` });
    if (!p.baseURL) {
      throw new ConfigError(`${t.id} needs ${p.apiKeyEnv ?? "an apiKeyEnv"} in the environment (or a base URL for a local server)`, named ? { file, field: `providers.${t.provider}` } : { field: "critics" });
    }
  }
  const rubricDirs = [join(baseDir, "rubrics")];
  const rubrics: Rubric[] = [];
  for (const [i, ref] of c.rubrics.entries()) {
    if (typeof ref === "string") rubrics.push(await resolveRubric(ref.includes("/") ? abs(ref) : ref, rubricDirs));
    else rubrics.push({ ...rubricFromObject(ref, `${configFile ?? "inline suite"}: rubrics[${i}]`), inline: true });
  }
  rejectDuplicates(rubrics.map((r) => r.id), "rubrics", configFile ?? undefined);
  if (c.cascade) {
    for (const id of c.cascade.critics) {
      if (!critics.some((x) => x.id === id)) throw new ConfigError(`unknown critic "${id}" (critics are ${critics.map((x) => x.id).join(", ")})`, { file: configFile ?? undefined, field: "cascade.critics" });
    }
    if (c.cascade.critics[0] === c.cascade.critics[1]) throw new ConfigError(`names "${c.cascade.critics[0]}" twice: a cascade needs a cheap and a different, expensive critic`, { file: configFile ?? undefined, field: "cascade.critics" });
    if (c.cascade.band && c.cascade.band[0] > c.cascade.band[1]) throw new ConfigError(`[${c.cascade.band.join(", ")}] is empty: give the lower level first, e.g. [${c.cascade.band[1]}, ${c.cascade.band[0]}]`, { file: configFile ?? undefined, field: "cascade.band" });
    // The threshold rule reads the cheap critic's logprobs; without them only a band can decide.
    const cheap = critics.find((x) => x.id === c.cascade?.critics[0])!;
    if (!cheap.logprobs && !c.cascade.band) {
      const api = apiOf(typeOf(cheap.provider));
      const why = api === "anthropic" ? "Anthropic's API returns no logprobs" : cheap.logprobsUnavailable ? `its model family (${cheap.shape.family}) returns no logprobs` : "its logprobs are turned off (logprobs: false)";
      throw new ConfigError(`the cascade's threshold needs the cheap critic's logprobs, but ${why}; give the cascade a band instead, e.g. band: [3, 5] (escalate when the cheap critic's level is in it)`, { file: configFile ?? undefined, field: "cascade" });
    }
  }
  // A band is in levels: each rubric must have them (a 5-level rubric has no level 6 to escalate on).
  const band = c.cascade?.band;
  const short = band && rubrics.find((r) => band[1] > r.levels.length);
  if (band && short) throw new ConfigError(`[${band.join(", ")}] goes past rubric "${short.id}", whose levels are 1..${short.levels.length}`, { file: configFile ?? undefined, field: "cascade.band" });
  const suitePrices = withProviderPrices(c.prices ?? {}, providers);
  // A dollar cap is only enforced on calls whose price is known: refuse to start rather than overspend silently.
  const budgetUsd = flags.budgetUsd ?? c.budget?.usd;
  if (budgetUsd !== undefined) {
    const unpriced = [...critics, ...candidates.filter(isModelCandidate)].filter((t) => !targetPrice(t, suitePrices));
    if (unpriced.length) {
      const m = unpriced[0]!.model;
      throw new ConfigError(
        `--budget-usd ${budgetUsd} cannot be enforced: model "${m}" (${unpriced.map((t) => t.id).join(", ")}) has no price. Add its list price in dollars per million tokens to the config, e.g. prices: { "${m}": { input: 0.5, output: 1.5 } }`,
        { file: configFile ?? undefined, field: "prices" },
      );
    }
  }
  if (c.compare && c.compare.a === c.compare.b) throw new ConfigError(`compares "${c.compare.a}" with itself: give two different candidates`, { file: configFile ?? undefined, field: "compare" });
  // Candidates listed in the config are known now; a dataset's are checked once it is read.
  for (const side of ["a", "b"] as const) {
    const id = c.compare?.[side];
    if (id !== undefined && candidates.length && !candidates.some((x) => x.id === id)) throw new ConfigError(`unknown candidate "${id}" (candidates are ${candidates.map((x) => x.id).join(", ")})`, { file: configFile ?? undefined, field: `compare.${side}` });
  }
  if (c.compare?.rubric && !rubrics.some((r) => r.id === c.compare?.rubric)) {
    throw new ConfigError(`unknown rubric "${c.compare.rubric}"`, { file: configFile ?? undefined, field: "compare.rubric" });
  }

  return {
    name: c.name ?? (configFile ? "suite" : "ad-hoc"),
    configFile,
    baseDir,
    dataset,
    rubrics,
    critics,
    candidates,
    providers,
    timeoutMs,
    maxRetries: flags.maxRetries ?? c.maxRetries ?? 6,
    maxOutputChars: c.maxOutputChars ?? 20_000,
    prices: suitePrices,
    budget: { usd: flags.budgetUsd ?? c.budget?.usd, calls: flags.maxCalls ?? c.budget?.calls, tokens: flags.maxTokens ?? c.budget?.tokens },
    sample: c.sample,
    stratifyBy: c.stratifyBy,
    cascade: c.cascade,
    compare: c.compare,
    out: flags.out ? resolve(cwd, flags.out) : c.out ? abs(c.out) : undefined,
    cacheDir,
    seed: flags.seed ?? c.seed ?? 1,
    gates: c.gates ?? [],
    families: declaredFamilies(c, critics, candidates),
    ...(c.explain ? { explain: c.explain } : {}),
    gatesCorrection: c.gatesCorrection ?? "none",
    pairwiseCorrection: c.pairwiseCorrection ?? "holm",
    pairwiseMissing: c.pairwiseMissing ?? "drop",
  };
}

/** `family` on critics and candidates, then the suite's `families` map (which wins). */
function declaredFamilies(c: { critics: CriticSpec[]; candidates?: CandidateSpec[]; families?: Record<string, string> }, critics: CriticTarget[], candidates: { id: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  c.critics.forEach((spec, j) => {
    if (typeof spec !== "string" && spec.family) out[critics[j]!.id] = spec.family;
  });
  (c.candidates ?? []).forEach((spec, k) => {
    if ("family" in spec && typeof spec.family === "string") out[candidates[k]!.id] = spec.family;
  });
  return { ...out, ...c.families };
}

function namedProviders(suite: Suite): Record<string, { type: ProviderType; baseURL?: string; apiKeyEnv?: string; concurrency: number; apiVersion?: string }> | undefined {
  const out: ReturnType<typeof namedProviders> = {};
  for (const [name, p] of Object.entries(suite.providers)) {
    if (name === "openai" || name === "anthropic") continue;
    out[name] = { type: p.type, ...(p.baseURL ? { baseURL: p.baseURL } : {}), ...(p.apiKeyEnv ? { apiKeyEnv: p.apiKeyEnv } : {}), concurrency: p.concurrency, ...(p.apiVersion ? { apiVersion: p.apiVersion } : {}) };
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The suite as a plain config (no keys, no environment): stored in each run's journal header
 * so `critic report RUN` can rebuild the run without the original config file or flags.
 */
export function suiteToConfig(suite: Suite): SuiteConfigInput {
  return {
    name: suite.name,
    dataset: suite.dataset,
    rubrics: suite.rubrics.map((r) => (r.inline ? rubricToObject(r) : r.file)),
    critics: suite.critics.map((c) => ({ id: c.id, model: `${c.provider}:${c.model}`, logprobs: c.logprobs || c.logprobsUnavailable, ...c.overrides, ...(c.samples ? { samples: c.samples } : {}) })),
    // A function cannot be stored, and a service's headers may hold secrets: the journal holds their outputs instead.
    candidates: suite.candidates.map((c) => (isModelCandidate(c) ? { id: c.id, model: `${c.provider}:${c.model}`, prompt: c.prompt, system: c.system, ...c.overrides, expectedOutputTokens: c.expectedOutputTokens, ...(c.stream ? { stream: true } : {}) } : { id: c.id, recorded: c.kind })),
    prices: suite.prices,
    ...(suite.families && Object.keys(suite.families).length ? { families: suite.families } : {}),
    ...(suite.explain ? { explain: suite.explain } : {}),
    // Named providers, without keys or headers (headers may carry credentials): enough to rebuild the run.
    ...(namedProviders(suite) ? { providers: namedProviders(suite) } : {}),
    maxOutputChars: suite.maxOutputChars,
    sample: suite.sample,
    stratifyBy: suite.stratifyBy,
    cascade: suite.cascade,
    compare: suite.compare,
    cacheDir: suite.cacheDir,
    seed: suite.seed,
  };
}
