/**
 * The label model over triage signals: a two-class latent class model (Lazarsfeld's latent
 * structure analysis; the binary case of Dawid-Skene, as in Snorkel's data programming).
 * A line is bad (Y = 1) or fine (Y = 0); signal j fires with probability a_j on bad lines and
 * b_j on fine ones, independently given Y. Not firing is evidence too (a thumbs-down that is
 * absent lowers the odds a little), so every line gets P(bad | the signals it shows).
 *
 * Fitted by MAP-EM with Beta(2, 2) priors on a_j and b_j, on the counts of each distinct signal
 * pattern: a million lines with five signals are at most 32 patterns, so the fit costs nothing
 * and never touches the lines. Pure.
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
  iterations: number;
}

export interface PatternCounts {
  /** Distinct patterns: bit j set = signal j fired. */
  patterns: readonly number[];
  counts: readonly number[];
}

const BETA_A = 2;
const BETA_B = 2;
const MAX_ITER = 500;
const TOL = 1e-10;
const fires = (pattern: number, j: number) => (pattern >>> j) & 1;

/** Log-odds P(bad | pattern) / P(fine | pattern) under the fitted model. */
function logOdds(pattern: number, prior: number, a: readonly number[], b: readonly number[]): number {
  let z = Math.log(prior) - Math.log(1 - prior);
  for (let j = 0; j < a.length; j++) {
    z += fires(pattern, j) ? Math.log(a[j]!) - Math.log(b[j]!) : Math.log(1 - a[j]!) - Math.log(1 - b[j]!);
  }
  return z;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Fit the model on pattern counts over `m` signals.
 * @example fitSignalModel({ patterns: [0, 1, 3], counts: [900, 60, 40] }, 2).precision
 */
export function fitSignalModel(data: PatternCounts, m: number): SignalModelFit {
  const total = data.counts.reduce((s, c) => s + c, 0);
  const coverage = Array.from({ length: m }, (_, j) => (total ? data.patterns.reduce((s, p, k) => s + (fires(p, j) ? data.counts[k]! : 0), 0) / total : 0));
  // Start from "signals point at bad lines": each fires on most bad lines and rarely otherwise.
  // The start breaks the symmetry between the two classes; EM keeps that orientation.
  let prior = Math.min(0.3, Math.max(0.01, Math.max(0, ...coverage)));
  let a = coverage.map(() => 0.6);
  let b = coverage.map((c) => Math.min(0.3, Math.max(1e-3, c / 2)));
  let iterations = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (; iterations < MAX_ITER && m > 0; iterations++) {
    let badMass = 0;
    const fireBad = new Array<number>(m).fill(0);
    const fireFine = new Array<number>(m).fill(0);
    let objective = 0;
    for (let k = 0; k < data.patterns.length; k++) {
      const p = data.patterns[k]!;
      const c = data.counts[k]!;
      const z = logOdds(p, prior, a, b);
      const r = sigmoid(z);
      // log P(pattern) = log P(pattern, fine) + log(1 + e^z)
      let logFine = Math.log(1 - prior);
      for (let j = 0; j < m; j++) logFine += fires(p, j) ? Math.log(b[j]!) : Math.log(1 - b[j]!);
      objective += c * (logFine + (z > 30 ? z : Math.log1p(Math.exp(z))));
      badMass += c * r;
      for (let j = 0; j < m; j++) {
        if (!fires(p, j)) continue;
        fireBad[j]! += c * r;
        fireFine[j]! += c * (1 - r);
      }
    }
    prior = Math.min(1 - 1e-6, Math.max(1e-6, badMass / total));
    a = fireBad.map((f) => (f + BETA_A - 1) / (badMass + BETA_A + BETA_B - 2));
    b = fireFine.map((f) => (f + BETA_A - 1) / (total - badMass + BETA_A + BETA_B - 2));
    if (Math.abs(objective - last) <= TOL * Math.abs(objective)) break;
    last = objective;
  }
  // If EM wandered to the mirror solution (signals fire more on "fine"), name the classes the other way.
  if (a.reduce((s, x, j) => s + x - b[j]!, 0) < 0) {
    [a, b] = [b, a];
    prior = 1 - prior;
  }
  const precision = a.map((x, j) => (prior * x) / (prior * x + (1 - prior) * b[j]!));
  return { prior, sensitivity: a, falseAlarm: b, coverage, precision, iterations };
}

/** P(bad | pattern) under a fitted model. */
export function badProbability(fit: SignalModelFit, pattern: number): number {
  if (fit.sensitivity.length === 0) return fit.prior;
  return sigmoid(logOdds(pattern, fit.prior, fit.sensitivity, fit.falseAlarm));
}
