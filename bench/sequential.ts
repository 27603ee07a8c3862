/**
 * Known-truth simulations for the cost-saving samplers (methods.md §6.1), also used by
 * test/unit/sampling. Simulated data, labelled as such in every row.
 *
 * Sequential: suites of 2,000 items scored 1..7 for two candidates whose true mean levels
 * differ by 0.3 (or 0). Each item has a shared difficulty, a per-candidate deviation, and the
 * critic adds noise of 1 level SD before rounding. The comparison stops when the CS decides.
 *
 * Cascade: a cheap critic (~70 % within one level of the truth) reports a level and a
 * distribution; the expensive critic (~90 %) is called only when the cheap one is unsure.
 */
import type { CsMethod, Decision } from "../src/stats/sequential.js";
import { createRng, type Rng } from "../src/stats/rng.js";
import { aggregateLevels } from "../src/runner/aggregate.js";
import { confidenceOf, needsEscalation, thresholdForBudget } from "../src/sampling/cascade.js";
import { createSequentialComparison } from "../src/sampling/sequential-plan.js";
import type { BenchRow } from "./row.js";

const K = 7;
const clampLevel = (x: number): number => Math.min(K, Math.max(1, Math.round(x)));

export interface SequentialSimOptions {
  suites: number;
  /** True difference of mean levels, A − B. */
  trueDiff: number;
  items?: number;
  alpha?: number;
  /** Equivalence margin in levels (converted to the D scale by / (K − 1)). */
  deltaLevels?: number;
  batchSize?: number;
  horizon?: number;
  method?: CsMethod;
}

export interface SequentialSimResult {
  decisions: Decision[];
  /** Share of the calls of judging every item, per suite. */
  callFractions: number[];
  wrongRate: number;
  medianCallFraction: number;
}

/** Per-item differences D = (score_A − score_B)/(K − 1) for one simulated suite. */
export function simulateDifferences(rng: Rng, items: number, trueDiff: number): number[] {
  const d: number[] = [];
  for (let i = 0; i < items; i++) {
    const difficulty = 4 + rng.normal();
    const a = difficulty + trueDiff / 2 + 0.5 * rng.normal();
    const b = difficulty - trueDiff / 2 + 0.5 * rng.normal();
    d.push((clampLevel(a + rng.normal()) - clampLevel(b + rng.normal())) / (K - 1));
  }
  return d;
}

/** A winner when the truth is zero, the wrong winner, or "equivalent" for a real difference > δ. */
export function isWrong(decision: Decision, trueDiff: number, deltaLevels: number): boolean {
  if (trueDiff === 0) return decision === "A better" || decision === "B better";
  if (decision === "equivalent within delta") return Math.abs(trueDiff) > deltaLevels;
  return decision === (trueDiff > 0 ? "B better" : "A better");
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function simulateSequential(opts: SequentialSimOptions): SequentialSimResult {
  const items = opts.items ?? 2000;
  const deltaLevels = opts.deltaLevels ?? 0.25;
  const decisions: Decision[] = [];
  const callFractions: number[] = [];
  let wrong = 0;
  for (let s = 0; s < opts.suites; s++) {
    const d = simulateDifferences(createRng(`suite:${opts.trueDiff}:${s}`), items, opts.trueDiff);
    const cmp = createSequentialComparison({
      alpha: opts.alpha ?? 0.05,
      delta: deltaLevels / (K - 1),
      batchSize: opts.batchSize ?? 50,
      horizon: opts.horizon ?? 400,
      method: opts.method ?? "betting",
      items,
      seed: `order:${s}`,
    });
    while (!cmp.state().done) cmp.add(cmp.nextBatch().map((i) => d[i]));
    const st = cmp.state();
    decisions.push(st.decision);
    callFractions.push(st.t / items);
    if (isWrong(st.decision, opts.trueDiff, deltaLevels)) wrong++;
  }
  return { decisions, callFractions, wrongRate: wrong / opts.suites, medianCallFraction: median(callFractions) };
}

export interface CascadeSimResult {
  /** Threshold on the cheap critic's top probability, set on a pilot to meet the call budget. */
  threshold: number;
  cheapAgreement: number;
  expensiveAgreement: number;
  cascadeAgreement: number;
  /** Expensive calls as a share of items (judging everything with both = 1). */
  escalationRate: number;
}

export interface CascadeSimOptions {
  items: number;
  /** Share of items the expensive critic may see, used to set the threshold on a pilot. */
  budgetShare: number;
  pilotItems?: number;
  seed?: string;
  /** Median noise SD of the cheap critic, in levels. */
  cheapSd?: number;
  /** Log-normal spread of the cheap critic's per-item noise SD (how uneven items are). */
  cheapSpread?: number;
  expensiveSd?: number;
  /** Leniency of the expensive critic against the truth, in levels. */
  expensiveBias?: number;
}

interface CascadeItem {
  truth: number;
  cheapLevel: number | null;
  cheapDistribution: number[] | null;
  expensive: number;
}

/** Discretised normal over levels 1..K: the cheap critic's reported belief. */
function levelDistribution(centre: number, sd: number): number[] {
  const p = Array.from({ length: K }, (_, k) => Math.exp(-(((k + 1 - centre) / sd) ** 2) / 2));
  const z = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / z);
}

/**
 * One item: the cheap critic's noise SD varies per item (log-normal), its reported distribution
 * follows that SD only roughly (×e^{0.3 N(0,1)} miscalibration), and it abstains on 3 % of items.
 */
function cascadeItem(rng: Rng, opts: CascadeSimOptions): CascadeItem {
  const truth = 1 + rng.int(K);
  const sd = (opts.cheapSd ?? 1.8) * Math.exp((opts.cheapSpread ?? 1.2) * rng.normal());
  const reading = truth + sd * rng.normal();
  const reportedSd = sd * Math.exp(0.3 * rng.normal());
  const abstained = rng.next() < 0.03;
  return {
    truth,
    cheapLevel: abstained ? null : clampLevel(reading),
    cheapDistribution: abstained ? null : levelDistribution(reading, reportedSd),
    expensive: clampLevel(truth + (opts.expensiveBias ?? 0) + (opts.expensiveSd ?? 1) * rng.normal()),
  };
}

/**
 * Cascade against judging every item with both critics. "Agreement" is within-one agreement
 * with the true level; with both critics the expensive critic's label is the answer.
 */
export function simulateCascade(opts: CascadeSimOptions): CascadeSimResult {
  const rng = createRng(opts.seed ?? "cascade");
  const pilot = Array.from({ length: opts.pilotItems ?? 1000 }, () => cascadeItem(rng, opts));
  const threshold = thresholdForBudget(
    pilot.map((it) => confidenceOf(it.cheapDistribution)),
    opts.budgetShare,
  );
  let cheapOk = 0;
  let cheapSeen = 0;
  let expOk = 0;
  let cascadeOk = 0;
  let escalated = 0;
  for (let i = 0; i < opts.items; i++) {
    const it = cascadeItem(rng, opts);
    const within = (level: number): boolean => Math.abs(level - it.truth) <= 1;
    if (it.cheapLevel !== null) {
      cheapSeen++;
      if (within(it.cheapLevel)) cheapOk++;
    }
    if (within(it.expensive)) expOk++;
    const escalate = needsEscalation({ cheapLevel: it.cheapLevel, cheapDistribution: it.cheapDistribution, threshold });
    if (escalate) escalated++;
    if (within(escalate || it.cheapLevel === null ? it.expensive : it.cheapLevel)) cascadeOk++;
  }
  return {
    threshold,
    cheapAgreement: cheapOk / cheapSeen,
    expensiveAgreement: expOk / opts.items,
    cascadeAgreement: cascadeOk / opts.items,
    escalationRate: escalated / opts.items,
  };
}

export interface CascadeBiasResult {
  /** Mean estimate of the cascade minus that of the same items judged by both critics, in levels. */
  filledBias: number;
  /** The same without the audit fill (the expensive critic's mean over where it ran). */
  naiveBias: number;
  /** Its standard error across the items (paired). */
  se: number;
  escalationRate: number;
}

/**
 * The cascade's mean against both critics everywhere, through the runner's own aggregation:
 * the expensive critic is 0.7 levels more lenient than the cheap one, a seeded 20 % audit share
 * is judged by both, and the cascade's estimate fills the expensive level where it did not run
 * (cascade.ts). Both-everywhere is the critics' mean on every item; the bias is the difference
 * of the two means over the same items, so it is 0 only if the fill is right.
 */
export function simulateCascadeBias(opts: CascadeSimOptions & { audit: number }): CascadeBiasResult {
  const rng = createRng(opts.seed ?? "cascade-bias");
  const pilot = Array.from({ length: opts.pilotItems ?? 1000 }, () => cascadeItem(rng, opts));
  const threshold = thresholdForBudget(pilot.map((it) => confidenceOf(it.cheapDistribution)), opts.budgetShare);
  const full: (number | null)[][] = [];
  const seen: (number | null)[][] = [];
  const audited: boolean[] = [];
  const escalated: boolean[] = [];
  for (let i = 0; i < opts.items; i++) {
    const it = cascadeItem(rng, opts);
    const esc = needsEscalation({ cheapLevel: it.cheapLevel, cheapDistribution: it.cheapDistribution, threshold });
    const aud = rng.next() < opts.audit;
    full.push([it.cheapLevel, it.expensive]);
    seen.push([it.cheapLevel, esc || aud ? it.expensive : null]);
    audited.push(aud);
    escalated.push(esc);
  }
  const none = full.map(() => null);
  const both = aggregateLevels("q", full, ["cheap", "expensive"], K, none).scores;
  const filled = aggregateLevels("q", seen, ["cheap", "expensive"], K, none, { cheap: 0, expensive: 1, audited, escalated }).scores;
  const naive = aggregateLevels("q", seen, ["cheap", "expensive"], K, none).scores;
  const d = both.map((b, i) => filled[i]! - b!);
  const mean = (xs: number[]) => xs.reduce((t, v) => t + v, 0) / xs.length;
  const filledBias = mean(d);
  const se = Math.sqrt(mean(d.map((v) => (v - filledBias) ** 2)) / d.length);
  return { filledBias, naiveBias: mean(naive.map((v, i) => v! - both[i]!)), se, escalationRate: mean(escalated.map(Number)) };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/**
 * Calls needed to decide, before (empirical Bernstein) and after (hedged-capital betting): 40
 * suites per cell, true differences of 0.3, 0.5 and 1 level on 40, 200 and 2,000 items, batches
 * of 10, horizon = the item count. A cell reads "median items judged (share decided, share
 * wrong)" per method; an undecided suite counts all its items. The row holds when betting needs
 * no more calls than EB and is wrong no more often than α.
 */
function callsToDecide(): BenchRow[] {
  const out: BenchRow[] = [];
  for (const items of [40, 200, 2000]) {
    for (const trueDiff of [0.3, 0.5, 1]) {
      const run = (method: CsMethod) => simulateSequential({ suites: 40, trueDiff, items, batchSize: 10, horizon: items, method });
      const eb = run("empirical-bernstein");
      const bet = run("betting");
      const cell = (r: SequentialSimResult) => {
        const decided = r.decisions.filter((d) => d !== "undecided").length / r.decisions.length;
        return `${Math.round(r.medianCallFraction * items)} (${pct(decided)} decided, ${pct(r.wrongRate)} wrong)`;
      };
      out.push({
        area: "sequential (simulated)",
        metric: `calls to decide, diff ${trueDiff} level on ${items} items: EB -> betting`,
        value: `${cell(eb)} -> ${cell(bet)}`,
        target: "betting <= EB, wrong <= 5%",
        ok: bet.medianCallFraction <= eb.medianCallFraction && bet.wrongRate <= 0.05,
      });
    }
  }
  return out;
}

/**
 * Bench rows: 200 + 200 sequential suites (betting CS, α = 0.05, batches of 50,
 * horizon 400, equivalence margin 0.25 levels) and a 20,000-item cascade, all simulated.
 */
export async function rows(): Promise<BenchRow[]> {
  const area = "sequential (simulated)";
  const alt = simulateSequential({ suites: 200, trueDiff: 0.3 });
  const nul = simulateSequential({ suites: 200, trueDiff: 0 });
  // Both truths must stop early, so the target applies to the worse of the two medians.
  const med = Math.max(alt.medianCallFraction, nul.medianCallFraction);
  const mixture = simulateSequential({ suites: 50, trueDiff: 0.3, method: "normal-mixture" });
  const speed = callsToDecide();
  const cascade = simulateCascade({ items: 20000, budgetShare: 0.48 });
  const loss = cascade.expensiveAgreement - cascade.cascadeAgreement;
  const bias = simulateCascadeBias({ items: 20000, budgetShare: 0.48, audit: 0.2, expensiveBias: 0.7 });
  return [
    // Reported per truth, never averaged: under the null a wrong decision is a false winner (the
    // α guarantee), under the alternative a reversed or "equivalent" verdict.
    { area, metric: "wrong decisions under the null (diff 0), 200 suites", value: pct(nul.wrongRate), target: "<= 5%", ok: nul.wrongRate <= 0.05 },
    { area, metric: "wrong decisions under the alternative (diff 0.3), 200 suites", value: pct(alt.wrongRate), target: "<= 5%", ok: alt.wrongRate <= 0.05 },
    { area, metric: "median share of calls vs judging all (worse truth)", value: pct(med), target: "<= 40%", ok: med <= 0.4 },
    {
      area,
      metric: "median share of calls, diff 0.3 / diff 0",
      value: `${pct(alt.medianCallFraction)} / ${pct(nul.medianCallFraction)}`,
      target: "",
      ok: null,
    },
    {
      area,
      metric: "normal mixture instead of EB, diff 0.3: median share of calls",
      value: pct(mixture.medianCallFraction),
      target: "",
      ok: null,
    },
    ...speed,
    {
      area: "cascade (simulated)",
      metric: "threshold on cheap top probability (pilot, 48% budget)",
      value: cascade.threshold.toFixed(3),
      target: "",
      ok: null,
    },
    {
      // The pilot sets the threshold to this budget, so the saving is reported, not judged.
      area: "cascade (simulated)",
      metric: "expensive calls saved vs judging all with both (set by the 48% pilot budget)",
      value: pct(1 - cascade.escalationRate),
      target: "",
      ok: null,
    },
    {
      area: "cascade (simulated)",
      metric: `cascade mean minus both-everywhere mean, 20,000 items, expensive critic +0.7 levels, 20% audit: audit-filled / unfilled (levels; ±SE ${bias.se.toFixed(3)})`,
      value: `${bias.filledBias.toFixed(3)} / ${bias.naiveBias.toFixed(3)}`,
      target: "|audit-filled| <= 0.03",
      ok: Math.abs(bias.filledBias) <= 0.03,
    },
    {
      area: "cascade (simulated)",
      metric: "within-one agreement: cheap / expensive / cascade",
      value: `${pct(cascade.cheapAgreement)} / ${pct(cascade.expensiveAgreement)} / ${pct(cascade.cascadeAgreement)}`,
      target: "cascade >= expensive - 2 pts",
      ok: loss <= 0.02,
    },
  ];
}
