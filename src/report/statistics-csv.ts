/**
 * The statistics behind the report as CSV, for anyone who wants to recompute or plot them:
 * preferences.csv (per item and pair: the probabilities and the decision), pairwise.csv (per
 * pair: difference, p-value, verdict and its correction, expected and decided win rates, raw
 * wins), bradley-terry.csv (strengths from the expected wins, as ranked, and from the raw
 * decided wins) and calibration.csv (each critic against gold: MAE, agreement, kappa, Pearson,
 * Spearman, Kendall). Pure: (r) => string. Missing values are empty cells, never 0.
 */
import type { RunResult } from "../run-result.js";
import { bradleyTerry, eloScale } from "../stats/bradley-terry.js";
import { type Decision, decide, type Preference, preference } from "../stats/pairwise.js";
import { csvText, num } from "./csv.js";

export interface PreferenceRow {
  item: string;
  rubric: string;
  a: string;
  b: string;
  /** P(A≻B), P(tie), P(B≻A); null when a side has no score (see `missing`). */
  aWins: number | null;
  tie: number | null;
  bWins: number | null;
  decision: Decision | null;
  /** One side was judged but has no score (a refusal or abstention). */
  missing: boolean;
}

const cache = new WeakMap<RunResult, PreferenceRow[]>();

type ScoreRow = RunResult["scores"][number];

/**
 * The preference between two outputs' score rows: from their posteriors when both have one,
 * otherwise from their point scores (a posterior next to a fractional score cannot be compared
 * level by level); null when either has no score.
 */
export function preferenceOfRows(sa: ScoreRow, sb: ScoreRow): Preference | null {
  return sa.posterior && sb.posterior ? preference(sa.posterior, sb.posterior) : preference(sa.score, sb.score);
}

/**
 * Per item, rubric and pair of candidates the run compares: the preference from the two
 * outputs' posteriors (or point scores) and the decision, in item, rubric, pair order.
 */
export function runPreferences(r: RunResult): PreferenceRow[] {
  const hit = cache.get(r);
  if (hit) return hit;
  // Per item, its score rows by rubric and candidate: a lookup per pair, no key strings.
  const byItem = new Map<string, Map<string, Map<string, ScoreRow>>>();
  for (const s of r.scores) {
    const rubrics = byItem.get(s.item) ?? new Map<string, Map<string, ScoreRow>>();
    byItem.set(s.item, rubrics);
    const cands = rubrics.get(s.rubric) ?? new Map<string, ScoreRow>();
    rubrics.set(s.rubric, cands);
    cands.set(s.candidate, s);
  }
  const rows: PreferenceRow[] = [];
  for (const [item, rubrics] of byItem) {
    for (const rub of r.rubrics) {
      const cands = rubrics.get(rub.id);
      if (!cands) continue;
      for (let x = 0; x < r.candidates.length; x++) {
        for (let y = x + 1; y < r.candidates.length; y++) {
          const [a, b] = [r.candidates[x]!, r.candidates[y]!];
          const sa = cands.get(a);
          const sb = cands.get(b);
          if (!sa || !sb) continue;
          const p = preferenceOfRows(sa, sb);
          rows.push({ item, rubric: rub.id, a, b, aWins: p?.aWins ?? null, tie: p?.tie ?? null, bWins: p?.bWins ?? null, decision: p ? decide(p) : null, missing: p === null });
        }
      }
    }
  }
  cache.set(r, rows);
  return rows;
}

export function renderPreferencesCsv(r: RunResult): string {
  const head = ["item", "rubric", "a", "b", "p_a_wins", "p_tie", "p_b_wins", "expected_a_win", "decision", "missing"];
  const rows = runPreferences(r).map((p) => [p.item, p.rubric, p.a, p.b, num(p.aWins), num(p.tie), num(p.bWins), num(p.aWins === null ? null : p.aWins + (p.tie ?? 0) / 2), p.decision ?? "", p.missing ? "1" : "0"]);
  return csvText([head, ...rows]);
}

interface RawWins {
  a: number;
  b: number;
  ties: number;
}

/** Decided wins per rubric and pair: "a\u0000b\u0000rubric" → counts. */
function rawWins(r: RunResult): Map<string, RawWins> {
  const out = new Map<string, RawWins>();
  for (const p of runPreferences(r)) {
    if (!p.decision) continue;
    const k = `${p.a}\u0000${p.b}\u0000${p.rubric}`;
    const w = out.get(k) ?? { a: 0, b: 0, ties: 0 };
    if (p.decision === "a") w.a++;
    else if (p.decision === "b") w.b++;
    else w.ties++;
    out.set(k, w);
  }
  return out;
}

export function renderPairwiseCsv(r: RunResult): string {
  const head = [
    "rubric",
    "a",
    "b",
    "n",
    "mean_diff",
    "ci95_lo",
    "ci95_hi",
    "interval",
    "scale",
    "p",
    "verdict",
    "correction",
    "family_pairs",
    "level",
    "adjusted_p",
    "expected_a_win_prob",
    "decided_a_win_rate",
    "raw_a_wins",
    "raw_b_wins",
    "raw_ties",
    "missing",
    "missing_rule",
  ];
  const raw = rawWins(r);
  const rows = r.pairwise.map((p) => {
    const w = raw.get(`${p.a}\u0000${p.b}\u0000${p.rubric}`);
    return [
      p.rubric,
      p.a,
      p.b,
      num(p.n),
      num(p.meanDiff),
      num(p.diffCi95?.lo ?? null),
      num(p.diffCi95?.hi ?? null),
      p.interval ?? "fixed-n",
      p.scale ?? "critic",
      num(p.p ?? null),
      p.verdict ?? "",
      p.familywise?.method ?? "",
      num(p.familywise?.pairs ?? null),
      num(p.familywise?.level ?? null),
      num(p.familywise?.adjustedP ?? null),
      num(p.winRate),
      num(p.decisionWinRate ?? null),
      num(w?.a ?? null),
      num(w?.b ?? null),
      num(w?.ties ?? null),
      num(p.missing?.count ?? null),
      p.missing?.rule ?? "",
    ];
  });
  return csvText([head, ...rows]);
}

/**
 * Bradley-Terry per rubric twice: "expected wins" is the run's ranking (fractional wins
 * P(A≻B) + ½P(tie), with its item-bootstrap interval); "raw wins" is the MLE on the decided
 * per-item wins (a tie half each way), point estimate only. Wins, losses and ties are the
 * decided counts.
 */
export function renderBradleyTerryCsv(r: RunResult): string {
  const head = ["rubric", "source", "candidate", "theta", "ci95_lo", "ci95_hi", "elo", "rank", "raw_wins", "raw_losses", "raw_ties"];
  const raw = rawWins(r);
  const rows: string[][] = [];
  for (const rub of r.rubrics) {
    const C = r.candidates.length;
    const W = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    const record = r.candidates.map(() => ({ wins: 0, losses: 0, ties: 0 }));
    r.candidates.forEach((a, x) => {
      r.candidates.forEach((b, y) => {
        const w = y > x ? raw.get(`${a}\u0000${b}\u0000${rub.id}`) : undefined;
        if (!w) return;
        W[x]![y] = w.a + w.ties / 2;
        W[y]![x] = w.b + w.ties / 2;
        record[x]!.wins += w.a;
        record[x]!.losses += w.b;
        record[x]!.ties += w.ties;
        record[y]!.wins += w.b;
        record[y]!.losses += w.a;
        record[y]!.ties += w.ties;
      });
    });
    const expected = r.ranking.filter((e) => e.rubric === rub.id);
    for (const e of expected) {
      const k = r.candidates.indexOf(e.candidate);
      const rec = record[k];
      rows.push([rub.id, "expected wins", e.candidate, num(e.theta), num(e.ci95?.lo ?? null), num(e.ci95?.hi ?? null), num(eloScale([e.theta])[0]!), num(e.rank), num(rec?.wins ?? null), num(rec?.losses ?? null), num(rec?.ties ?? null)]);
    }
    if (C < 2 || !expected.length) continue;
    const fit = bradleyTerry(W);
    const order = fit.theta.map((_, k) => k).sort((p, q) => fit.theta[q]! - fit.theta[p]!);
    const rank = new Array<number>(C);
    order.forEach((k, i) => {
      rank[k] = i + 1;
    });
    const elo = eloScale(fit.theta);
    r.candidates.forEach((c, k) => {
      rows.push([rub.id, "raw wins", c, num(fit.theta[k]!), "", "", num(elo[k]!), num(rank[k]!), num(record[k]!.wins), num(record[k]!.losses), num(record[k]!.ties)]);
    });
  }
  return csvText([head, ...rows]);
}

export function renderCalibrationCsv(r: RunResult): string {
  const head = ["rubric", "who", "n", "mae", "exact", "within_one", "qwk", "pearson", "spearman", "kendall_tau_b"];
  const rows = r.calibration.map((c) => [c.rubric, c.who, num(c.n), num(c.mae), num(c.exact), num(c.withinOne), num(c.qwk), num(c.pearson ?? null), num(c.spearman), num(c.kendallTauB)]);
  return csvText([head, ...rows]);
}
