/**
 * The label model over triage signals: a two-class latent class model (Lazarsfeld's latent
 * structure analysis; the binary case of Dawid-Skene, as in Snorkel's data programming).
 * A line is bad (Y = 1) or fine (Y = 0); signal j fires with probability a_j on bad lines and
 * b_j on fine ones, independently given Y. Not firing is evidence too (a thumbs-down that is
 * absent lowers the odds a little), so every line gets P(bad | the signals it shows).
 *
 * Signals that depend on each other beyond the line's quality are modelled jointly, chosen by
 * BIC (see fitSignalModel). Fitted by MAP-EM on the counts of each distinct signal pattern: a
 * million lines with five signals are at most 32 patterns, so the fit costs little and never
 * touches the lines. Pure.
 */

export interface SignalModelFit {
  /** P(bad) over all lines. */
  prior: number;
  /** a_j = P(signal j fires | bad). */
  sensitivity: number[];
  /** b_j = P(signal j fires | fine). */
  falseAlarm: number[];
  /** P(signal j fires) in the data. */
  coverage: number[];
  /** P(bad | signal j fires) under the model: the signal's estimated accuracy as a labelling function. */
  precision: number[];
  /** Groups of signals modelled jointly (each a block of signal indices); singletons for independent ones. */
  blocks: number[][];
  /** P(block state | class): theta[b][c * S + s] with c = 0 fine, 1 bad, S = 2^|block|. */
  theta: number[][];
  iterations: number;
}

export interface PatternCounts {
  /** Distinct patterns: bit j set = signal j fired. */
  patterns: readonly number[];
  counts: readonly number[];
}

const MAX_ITER = 500;
const TOL = 1e-10;
/** Merged blocks stay small, and at least three blocks remain so the two classes stay identified. */
const MAX_BLOCK = 3;
const MIN_BLOCKS = 3;
/** The search over pairs refits the model once per pair: beyond this many signals it is skipped. */
const MAX_SEARCH = 12;
const fires = (pattern: number, j: number) => (pattern >>> j) & 1;

/** The state of a block in a pattern: its signals' bits, packed in block order. */
function stateOf(pattern: number, block: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < block.length; i++) s |= fires(pattern, block[i]!) << i;
  return s;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

interface BlockFit {
  prior: number;
  theta: number[][];
  logLik: number;
  iterations: number;
}

/**
 * MAP-EM for two classes with each block of signals a categorical indicator, independent of
 * the other blocks given the class; a Dirichlet(2, ..., 2) prior on each block's states
 * (Beta(2, 2) for a lone signal).
 */
function fitBlocks(data: PatternCounts, blocks: number[][], coverage: readonly number[]): BlockFit {
  const total = data.counts.reduce((t, c) => t + c, 0);
  const states = data.patterns.map((p) => blocks.map((b) => stateOf(p, b)));
  // Start from "signals point at bad lines": each fires on most bad lines and rarely otherwise.
  // The start breaks the symmetry between the classes; EM keeps that orientation.
  let prior = Math.min(0.3, Math.max(0.01, Math.max(0, ...coverage)));
  let theta = blocks.map((b) => {
    const S = 1 << b.length;
    const t = new Array<number>(2 * S);
    for (let s = 0; s < S; s++) {
      let bad = 1;
      let fine = 1;
      b.forEach((j, i) => {
        const on = (s >>> i) & 1;
        const q = Math.min(0.3, Math.max(1e-3, coverage[j]! / 2));
        bad *= on ? 0.6 : 0.4;
        fine *= on ? q : 1 - q;
      });
      t[s] = fine;
      t[S + s] = bad;
    }
    return t;
  });
  let last = Number.NEGATIVE_INFINITY;
  let logLik = 0;
  let iterations = 0;
  for (; iterations < MAX_ITER && blocks.length > 0; iterations++) {
    const next = blocks.map((b) => new Array<number>(2 << b.length).fill(0));
    let badMass = 0;
    logLik = 0;
    for (let k = 0; k < data.patterns.length; k++) {
      const c = data.counts[k]!;
      let lb = Math.log(prior);
      let lf = Math.log(1 - prior);
      for (let b = 0; b < blocks.length; b++) {
        const S = 1 << blocks[b]!.length;
        const s = states[k]![b]!;
        lb += Math.log(theta[b]![S + s]!);
        lf += Math.log(theta[b]![s]!);
      }
      const r = sigmoid(lb - lf);
      const hi = Math.max(lb, lf);
      logLik += c * (hi + Math.log(Math.exp(lb - hi) + Math.exp(lf - hi)));
      badMass += c * r;
      for (let b = 0; b < blocks.length; b++) {
        const S = 1 << blocks[b]!.length;
        const s = states[k]![b]!;
        next[b]![S + s]! += c * r;
        next[b]![s]! += c * (1 - r);
      }
    }
    prior = Math.min(1 - 1e-6, Math.max(1e-6, badMass / total));
    theta = next.map((t) => {
      const S = t.length / 2;
      const out = new Array<number>(2 * S);
      for (let c = 0; c < 2; c++) {
        let sum = 0;
        for (let s = 0; s < S; s++) sum += t[c * S + s]!;
        for (let s = 0; s < S; s++) out[c * S + s] = (t[c * S + s]! + 1) / (sum + S);
      }
      return out;
    });
    if (Math.abs(logLik - last) <= TOL * Math.abs(logLik)) break;
    last = logLik;
  }
  return { prior, theta, logLik, iterations };
}

/** P(signal j fires | class c) from its block's state probabilities. */
function firing(blocks: number[][], theta: number[][], j: number, c: number): number {
  const b = blocks.findIndex((x) => x.includes(j));
  const block = blocks[b]!;
  const i = block.indexOf(j);
  const S = 1 << block.length;
  let p = 0;
  for (let s = 0; s < S; s++) if ((s >>> i) & 1) p += theta[b]![c * S + s]!;
  return p;
}

const nParams = (blocks: number[][]) => 1 + blocks.reduce((t, b) => t + 2 * ((1 << b.length) - 1), 0);

/**
 * Fit the model on pattern counts over `m` signals. Signals start independent given the class;
 * a pair of blocks is then modelled jointly when that lowers BIC (the usual remedy for local
 * dependence in latent class analysis), greedily, while at least three blocks remain. Without
 * it, two signals that fire together for a reason of their own (an empty reply that is also a
 * timeout) pull the "bad" class towards themselves.
 * @example fitSignalModel({ patterns: [0, 1, 3], counts: [900, 60, 40] }, 2).precision
 */
export function fitSignalModel(data: PatternCounts, m: number): SignalModelFit {
  const total = data.counts.reduce((t, c) => t + c, 0);
  const coverage = Array.from({ length: m }, (_, j) => (total ? data.patterns.reduce((t, p, k) => t + (fires(p, j) ? data.counts[k]! : 0), 0) / total : 0));
  let blocks = Array.from({ length: m }, (_, j) => [j]);
  let fit = fitBlocks(data, blocks, coverage);
  const bic = (f: BlockFit, bs: number[][]) => -2 * f.logLik + nParams(bs) * Math.log(Math.max(total, 1));
  let best = bic(fit, blocks);
  while (blocks.length > MIN_BLOCKS && m <= MAX_SEARCH) {
    let improved: { blocks: number[][]; fit: BlockFit; bic: number } | null = null;
    for (let a = 0; a < blocks.length; a++) {
      for (let b = a + 1; b < blocks.length; b++) {
        if (blocks[a]!.length + blocks[b]!.length > MAX_BLOCK) continue;
        const merged = [...blocks.filter((_, i) => i !== a && i !== b), [...blocks[a]!, ...blocks[b]!].sort((x, y) => x - y)];
        const f = fitBlocks(data, merged, coverage);
        const v = bic(f, merged);
        if (v < (improved?.bic ?? best)) improved = { blocks: merged, fit: f, bic: v };
      }
    }
    if (!improved) break;
    ({ blocks, fit } = improved);
    best = improved.bic;
  }
  let prior = fit.prior;
  let theta = fit.theta;
  let a = Array.from({ length: m }, (_, j) => firing(blocks, theta, j, 1));
  let b = Array.from({ length: m }, (_, j) => firing(blocks, theta, j, 0));
  // If EM wandered to the mirror solution (signals fire more on "fine"), name the classes the other way.
  if (a.reduce((t, x, j) => t + x - b[j]!, 0) < 0) {
    [a, b] = [b, a];
    prior = 1 - prior;
    theta = theta.map((t) => [...t.slice(t.length / 2), ...t.slice(0, t.length / 2)]);
  }
  const precision = a.map((x, j) => (prior * x) / (prior * x + (1 - prior) * b[j]!));
  return { prior, sensitivity: a, falseAlarm: b, coverage, precision, blocks, theta, iterations: fit.iterations };
}

/** P(bad | pattern) under a fitted model. */
export function badProbability(fit: SignalModelFit, pattern: number): number {
  let z = Math.log(fit.prior) - Math.log(1 - fit.prior);
  fit.blocks.forEach((block, i) => {
    const S = 1 << block.length;
    const s = stateOf(pattern, block);
    z += Math.log(fit.theta[i]![S + s]!) - Math.log(fit.theta[i]![s]!);
  });
  return sigmoid(z);
}

export interface DependentPair {
  a: number;
  b: number;
  /** Lines where both fire, over what the model expects. */
  ratio: number;
  /** Bivariate residual (Pearson chi-square of the pair's 2x2 table against the model). */
  bvr: number;
}

/**
 * Pairs of signals that fire together far more than the model explains: local dependence,
 * which the model would count as two pieces of evidence. Flagged by the bivariate residual
 * above 3.84 (chi-square, 1 df, 5%; Vermunt & Magidson's rule for latent class models) and
 * at least twice the co-firing the model expects.
 */
export function dependentSignals(fit: SignalModelFit, data: PatternCounts): DependentPair[] {
  const m = fit.sensitivity.length;
  const total = data.counts.reduce((s, c) => s + c, 0);
  const out: DependentPair[] = [];
  const blockOf = (j: number) => fit.blocks.findIndex((x) => x.includes(j));
  for (let j = 0; j < m; j++) {
    for (let k = j + 1; k < m; k++) {
      if (blockOf(j) === blockOf(k)) continue; // modelled jointly already
      const obs = [0, 0, 0, 0];
      data.patterns.forEach((p, i) => {
        obs[fires(p, j) * 2 + fires(p, k)]! += data.counts[i]! / total;
      });
      let bvr = 0;
      let ratio = 0;
      for (let x = 0; x < 2; x++) {
        for (let y = 0; y < 2; y++) {
          const pa = (q: number, v: number) => (v ? q : 1 - q);
          const e = fit.prior * pa(fit.sensitivity[j]!, x) * pa(fit.sensitivity[k]!, y) + (1 - fit.prior) * pa(fit.falseAlarm[j]!, x) * pa(fit.falseAlarm[k]!, y);
          const o = obs[x * 2 + y]!;
          if (e > 0) bvr += (total * (o - e) ** 2) / e;
          if (x === 1 && y === 1) ratio = e > 0 ? o / e : 0;
        }
      }
      if (bvr > 3.84 && ratio >= 2) out.push({ a: j, b: k, ratio, bvr });
    }
  }
  return out.sort((p, q) => q.bvr - p.bvr);
}
