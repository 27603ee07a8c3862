/**
 * `critic triage` as a library call: read the log (two streaming passes), score every line
 * with the signal label model, draw the budgeted sample, judge it as a one-candidate dataset
 * through the ordinary runner (critics, cache, journal, budget, resume), weight the verdicts
 * back to the whole log and write the triage report.
 *
 * The draw is saved under `.critic/triage/<run>/` before any call, so `--resume RUN` judges
 * exactly the same lines and pays only for what the journal does not hold.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { type Suite, loadSuite, readConfigFile } from "../config/load.js";
import type { SuiteConfigInput } from "../config/schema.js";
import type { DatasetRow } from "../data/dataset.js";
import { ConfigError, InputError, fieldPath } from "../errors.js";
import type { RunEventListener } from "../runner/events.js";
import { type RunPlan, planRun } from "../runner/plan.js";
import { newRunId, runSuite } from "../runner/run-suite.js";
import { writeFileAtomic } from "../store/atomic.js";
import { DEFAULT_FACETS, TriageConfigSchema, type TriageConfigInput, type TriageSpec } from "./config.js";
import { drawSample } from "./draw.js";
import { badProbability } from "./signal-model.js";
import { type LogFormat, detectFormat } from "./log.js";
import { type DrawnLine, type TriageDesign, type TriageResult, buildTriageResult, latencySummary } from "./result.js";
import { facetValue, latencyOf, pickLines, scanLog } from "./scan.js";
import { compileSignals, firedNames } from "./signals.js";
import { writeTriageReports } from "./report/write.js";

/** What the command line can override. */
export interface TriageFlags {
  config?: string;
  log?: string;
  maxJudgments?: number;
  budgetUsd?: number;
  maxCalls?: number;
  baseURL?: string;
  concurrency?: number;
  out?: string;
  seed?: number;
}

/** A resolved triage: its spec with the log's absolute path, and the suite settings for judging. */
export interface Triage {
  spec: TriageSpec;
  suiteConfig: Omit<SuiteConfigInput, "dataset">;
  configFile: string | null;
  baseDir: string;
  flags: TriageFlags;
  cacheDir: string;
  seed: number;
  out?: string;
}

/** Read and check the config (file or inline) and apply the flags. Nothing is read from the log yet. */
export async function loadTriage(flags: TriageFlags, cwd: string, inline?: TriageConfigInput): Promise<Triage> {
  const configFile = inline ? null : flags.config ? resolve(cwd, flags.config) : null;
  if (!inline && !configFile) throw new ConfigError("critic triage needs --config FILE (a config with a `triage` section)");
  const raw = inline ?? (await readConfigFile(configFile!));
  if (raw === null || typeof raw !== "object") throw new ConfigError("the config must be an object", { file: configFile ?? undefined });
  const merged = { ...(raw as Record<string, unknown>) };
  const tri = { ...((merged.triage as Record<string, unknown>) ?? {}) };
  if (flags.log) tri.log = flags.log;
  if (flags.maxJudgments !== undefined) tri.maxJudgments = flags.maxJudgments;
  merged.triage = tri;
  const parsed = TriageConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(issue.message, { file: configFile ?? undefined, field: fieldPath(issue.path) || undefined });
  }
  const { triage: spec, ...suiteConfig } = parsed.data;
  const baseDir = configFile ? dirname(configFile) : cwd;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    spec: { ...spec, log: flags.log ? resolve(cwd, flags.log) : abs(spec.log) },
    suiteConfig: suiteConfig as Omit<SuiteConfigInput, "dataset">,
    configFile,
    baseDir,
    flags,
    cacheDir: suiteConfig.cacheDir ? abs(suiteConfig.cacheDir) : join(cwd, ".critic"),
    seed: flags.seed ?? suiteConfig.seed ?? 1,
    out: flags.out ? resolve(cwd, flags.out) : suiteConfig.out ? abs(suiteConfig.out) : undefined,
  };
}

/** The suite that judges the drawn lines: the config's critics, rubrics, providers and budget, the sample as dataset. */
export function triageSuite(t: Triage, dataset: string, env: NodeJS.ProcessEnv, opts: { offline?: boolean } = {}): Promise<Suite> {
  const { out: _out, ...rest } = t.suiteConfig;
  return loadSuite(
    { baseURL: t.flags.baseURL, concurrency: t.flags.concurrency, budgetUsd: t.flags.budgetUsd, maxCalls: t.flags.maxCalls, seed: t.seed },
    t.baseDir,
    env,
    { ...rest, name: rest.name ?? "triage", dataset, cacheDir: t.cacheDir } as SuiteConfigInput,
    opts,
  );
}

export const triageDir = (cacheDir: string, run: string) => join(cacheDir, "triage", run);

/** The drawn lines as the dataset the runner judges. An empty reply is shown to the critic as such. */
export function datasetRows(drawn: readonly DrawnLine[]): DatasetRow[] {
  return drawn.map((d) => ({
    id: d.id,
    input: d.input.trim() ? d.input : "(no input was recorded)",
    output: d.output.trim() ? d.output : "(the assistant's reply was empty)",
    candidate: "default",
    reference: null,
    gold: {},
    meta: {},
    line: d.line,
  }));
}

/** Read the log and draw `size` lines (without judging anything). */
async function draw(t: Triage, format: LogFormat, size: number): Promise<TriageDesign> {
  const { spec } = t;
  const signals = compileSignals(spec.signals);
  const facets = spec.facets ?? DEFAULT_FACETS;
  const scan = await scanLog(spec.log, format, signals, { facets, latencyColumn: spec.latencyColumn, slowest: spec.slowest });
  if (scan.lines === 0) throw new InputError({ file: spec.log }, `no readable lines${scan.skipped.count ? ` (${scan.skipped.examples.join("; ")})` : ""}`);
  const n = Math.min(size, scan.lines);
  // The slowest lines are judged for certain, up to a tenth of the sample.
  const forced = scan.slowest.slice(0, Math.min(spec.slowest, Math.floor(n / 10))).map((s) => s.index);
  const d = drawSample(scan.patterns, signals.names.length, { size: n, floorShare: spec.floorShare, forced, seed: t.seed });
  const picked = await pickLines(spec.log, format, d.lines);
  const forcedSet = new Set(forced);
  const seen = new Map<string, number>();
  const drawn: DrawnLine[] = picked.map((l, k) => {
    const i = d.lines[k]!;
    // Ids must be unique to be judged apart; a repeated id gets its line number.
    const id = seen.has(l.id) ? `${l.id}#${l.line}` : l.id;
    seen.set(id, k);
    const ms = latencyOf(l, spec.latencyColumn);
    return {
      id,
      index: i,
      line: l.line,
      pi: d.pi[k]!,
      pBad: badProbability(d.fit, scan.patterns[i]!),
      forced: forcedSet.has(i),
      signals: firedNames(signals.names, scan.patterns[i]!),
      facets: Object.fromEntries(Object.keys(scan.facets).map((f) => [f, facetValue(l, f)])),
      latencyMs: Number.isFinite(ms) ? ms : null,
      input: l.input,
      output: l.output,
    };
  });
  return {
    version: 1,
    log: spec.log,
    format,
    lines: scan.lines,
    skipped: scan.skipped,
    signals: signals.names.map((name, j) => ({
      name,
      coverage: d.fit.coverage[j]!,
      fired: Math.round(d.fit.coverage[j]! * scan.lines),
      precision: d.fit.precision[j]!,
      sensitivity: d.fit.sensitivity[j]!,
      falseAlarm: d.fit.falseAlarm[j]!,
    })),
    prior: d.fit.prior,
    dependent: d.dependent.map((x) => ({ a: signals.names[x.a]!, b: signals.names[x.b]!, ratio: x.ratio })),
    patterns: d.patterns.slice(0, 64).map((p) => ({ signals: firedNames(signals.names, p.pattern), lines: p.lines, pBad: p.pBad, pi: p.pi })),
    joint: d.fit.blocks.filter((b) => b.length > 1).map((b) => b.map((j) => signals.names[j]!)),
    facets: scan.facets,
    droppedFacets: scan.droppedFacets,
    latency: latencySummary(scan.latency),
    slowest: scan.slowest.map((s) => ({ id: s.id, latencyMs: s.latencyMs })),
    sampleSize: n,
    maxJudgments: spec.maxJudgments,
    floorShare: spec.floorShare,
    floor: d.floor,
    failAtMost: spec.failAtMost,
    seed: t.seed,
    drawn,
  };
}

export interface TriagePlan {
  design: TriageDesign;
  suite: Suite;
  plan: RunPlan;
  /** Set when --budget-usd made the sample smaller than maxJudgments. */
  budgetNote: string | null;
}

/**
 * Read the log, draw the sample and price judging it; no call, nothing written. With a dollar
 * budget the sample shrinks to what the budget buys at the planned price per line.
 */
export async function planTriage(t: Triage, env: NodeJS.ProcessEnv, opts: { latencyMs?: number; offline?: boolean } = {}): Promise<TriagePlan> {
  const format = t.spec.format === "auto" ? await detectFormat(t.spec.log) : t.spec.format;
  const suite = await triageSuite(t, join(t.cacheDir, "triage", "plan.jsonl"), env, opts);
  let design = await draw(t, format, t.spec.maxJudgments);
  let plan = planRun(suite, datasetRows(design.drawn), opts.latencyMs ?? 1000);
  let budgetNote: string | null = null;
  const usd = suite.budget.usd;
  if (usd !== undefined && plan.usd !== null && plan.usd > usd && design.drawn.length > 0) {
    const perLine = plan.usd / design.drawn.length;
    const size = Math.max(1, Math.floor((0.95 * usd) / perLine));
    budgetNote = `--budget-usd ${usd} buys about ${size} of the ${design.drawn.length} lines at $${perLine.toFixed(5)} a line: the sample is ${size} lines.`;
    design = await draw(t, format, size);
    plan = planRun(suite, datasetRows(design.drawn), opts.latencyMs ?? 1000);
  }
  return { design, suite, plan, budgetNote };
}

export interface TriageRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Continue this triage run: the same drawn lines; judgments in its journal are not paid again. */
  resume?: string;
  noCache?: boolean;
  replay?: boolean;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  simulated?: boolean;
  /** Write the reports (default true). */
  write?: boolean;
}

export interface TriageRun {
  result: TriageResult;
  reportDir: string | null;
  files: string[];
  budgetNote: string | null;
}

/** The whole triage. */
export async function runTriage(t: Triage, opts: TriageRunOptions): Promise<TriageRun> {
  let design: TriageDesign;
  let run: string;
  let budgetNote: string | null = null;
  if (opts.resume) {
    run = opts.resume;
    const file = join(triageDir(t.cacheDir, run), "design.json");
    if (!existsSync(file)) throw new ConfigError(`no triage run "${run}" in ${join(t.cacheDir, "triage")} (resume needs the same working directory or cacheDir)`);
    design = JSON.parse(await readFile(file, "utf8")) as TriageDesign;
  } else {
    const p = await planTriage(t, opts.env, { offline: opts.replay });
    design = p.design;
    budgetNote = p.budgetNote;
    run = newRunId();
    // The draw is on disk before the first call, so a killed triage resumes on the same lines.
    const dir = triageDir(t.cacheDir, run);
    await writeFileAtomic(join(dir, "sample.jsonl"), `${datasetRows(design.drawn).map((r) => JSON.stringify({ id: r.id, input: r.input, output: r.output })).join("\n")}\n`);
    await writeFileAtomic(join(dir, "design.json"), JSON.stringify(design));
  }
  // Replaying a committed cache calls no API: it needs no key.
  const suite = await triageSuite(t, join(triageDir(t.cacheDir, run), "sample.jsonl"), opts.env, { offline: opts.replay });
  const judged = await runSuite(suite, { cwd: opts.cwd, run: opts.resume ? undefined : run, resume: opts.resume, noCache: opts.noCache, replay: opts.replay, signal: opts.signal, onEvent: opts.onEvent, simulated: opts.simulated, write: false });
  const result = buildTriageResult(design, judged.result);
  if (budgetNote) result.notes.unshift(budgetNote);
  if (opts.write === false) return { result, reportDir: null, files: [], budgetNote };
  const reportDir = t.out ?? join(opts.cwd, "reports", run);
  const files = await writeTriageReports(result, reportDir);
  return { result, reportDir, files, budgetNote };
}
