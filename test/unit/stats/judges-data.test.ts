import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { kendallTauB, krippendorffAlpha, pearson, spearman } from "../../../src/stats/agreement.js";
import { calibrate, maeSentence } from "../../../src/stats/calibration.js";
import { type Judgment, preference } from "../../../src/stats/pairwise.js";

const HANNA = "../shared/data/judges/hanna/hanna_metric_scores_llm.csv";
const LLMBAR = "../shared/data/judges/llmbar/Dataset/LLMBar/Natural";
const SUMMEVAL = "../shared/data/judges/summeval-llm-critics";

// ------------------------------------------------------------------ HANNA

const CRITERIA = [
  ["RE", "Relevance"],
  ["CH", "Coherence"],
  ["EM", "Empathy"],
  ["SU", "Surprise"],
  ["EG", "Engagement"],
  ["CX", "Complexity"],
] as const;
const LLMS = ["Beluga-13B", "OrcaPlatypus", "Mistral-7B", "Llama-13B", "ChatGPT"];

/** One row per system; each cell a JSON list over that system's 96 stories (see SOURCE.md). */
function loadHanna(): Map<string, Map<string, number[]>> {
  const rows: Record<string, string>[] = parse(readFileSync(HANNA), { columns: true });
  const out = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    const cols = new Map<string, number[]>();
    for (const [k, v] of Object.entries(row)) if (k !== "Model") cols.set(k, JSON.parse(v) as number[]);
    out.set(row.Model!, cols);
  }
  return out;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(!existsSync(HANNA))("HANNA story ratings (needs ../shared/data/judges/hanna; skipped when absent)", () => {
  const hanna = existsSync(HANNA) ? loadHanna() : new Map();
  // The paper's system level: the 10 generation systems, the human-written row dropped.
  const systems = [...hanna.keys()].filter((m) => m !== "Human");
  const col = (system: string, name: string): number[] => {
    const v = hanna.get(system)?.get(name);
    if (!v) throw new Error(`HANNA has no column "${name}" for ${system}`);
    return v;
  };

  it("reproduces the authors' notebook story-level BLEU vs Relevance correlations exactly", () => {
    const bleu = systems.flatMap((s) => col(s, "BLEU Ξ§"));
    const relevance = systems.flatMap((s) => col(s, "Relevance"));
    expect(bleu.length).toBe(960);
    expect(pearson(bleu, relevance)).toBeCloseTo(0.11242776621184697, 12);
    expect(spearman(bleu, relevance)).toBeCloseTo(0.10409436871365678, 12);
    expect(kendallTauB(bleu, relevance)).toBeCloseTo(0.07377866242119939, 12);
  });

  it("ranks the generation systems by LLM critics close to the human ranking; averaging critics is printed beside the best one", () => {
    const lines: string[] = ["criterion  best single critic (tau)          mean of 20 critics  median critic"];
    for (const [abbr, name] of CRITERIA) {
      const human = systems.map((s) => mean(col(s, name)));
      const critics = LLMS.flatMap((llm) => [1, 2, 3, 4].map((p) => `${llm} ${abbr} ${p}`));
      const perCritic = critics.map((c) => ({ c, tau: kendallTauB(systems.map((s) => mean(col(s, c))), human)! }));
      // Plain mean of the critics per story, then per system.
      const aggregate = systems.map((s) => mean(critics.map((c) => mean(col(s, c)))));
      const tauAgg = kendallTauB(aggregate, human)!;
      const sorted = [...perCritic].sort((a, b) => b.tau - a.tau);
      const median = (sorted[9]!.tau + sorted[10]!.tau) / 2;
      lines.push(`${name.padEnd(10)} ${`${sorted[0]!.c} (${sorted[0]!.tau.toFixed(3)})`.padEnd(34)} ${tauAgg.toFixed(3).padEnd(19)} ${median.toFixed(3)}`);
      // System-level agreement is strong (the paper's finding), and pooling critics is at least
      // as good as a typical single critic, even if it does not beat the best one.
      expect(tauAgg).toBeGreaterThan(0.5);
      expect(tauAgg).toBeGreaterThanOrEqual(median);
    }
    console.log(`HANNA system-level Kendall tau-b vs the human-mean ranking (10 systems)\n${lines.join("\n")}`);
  });

  it("matches the SOURCE.md system-level Kendall taus for Eval-Prompt 1 on coherence", () => {
    const human = systems.map((s) => mean(col(s, "Coherence")));
    const tau = (llm: string) => kendallTauB(systems.map((s) => mean(col(s, `${llm} CH 1`))), human)!;
    expect(tau("Beluga-13B")).toBeCloseTo(0.778, 3);
    expect(tau("Llama-13B")).toBeCloseTo(0.867, 3);
  });
});

// ------------------------------------------------------------------ LLMBar

interface LlmbarItem {
  label: 1 | 2;
  results: Array<Record<string, unknown>>;
}

/** "92.0%" or "a / N = 92.0%" -> 92.0 */
const percent = (s: string): number => Number(/([\d.]+)%/.exec(s)![1]);

describe.skipIf(!existsSync(LLMBAR))("LLMBar Natural (needs ../shared/data/judges/llmbar; skipped when absent)", () => {
  it("GPT-4 Rating scores, each output judged alone, reproduce the published 92.0 accuracy in either order", () => {
    const items: LlmbarItem[] = JSON.parse(readFileSync(`${LLMBAR}/evaluators/GPT-4/Rating/result.json`, "utf8"));
    // score_k is ["<0-9>", finish_reason]; an empty string is an unparseable score (missing).
    const level = (v: unknown): Judgment => {
      const s = (v as [string, string])[0].trim();
      return s === "" ? null : Number(s);
    };
    const scores = items.map((it) => {
      const verdict = it.results[it.results.length - 1]!;
      return [level(verdict.score_1), level(verdict.score_2)];
    });
    // Credit for choosing the gold output, ties split (the paper's Acc.); missing counts as a tie
    // so the published convention is kept.
    const accuracy = (order: [number, number]): { acc: number; ties: number; decisiveCorrect: number } => {
      let credit = 0;
      let ties = 0;
      let decisiveCorrect = 0;
      items.forEach((it, i) => {
        const p = preference(scores[i]![order[0]]!, scores[i]![order[1]]!) ?? { aWins: 0, tie: 1, bWins: 0 };
        const goldIsFirstShown = order[0] === it.label - 1;
        const right = goldIsFirstShown ? p.aWins : p.bWins;
        credit += right + p.tie / 2;
        ties += p.tie;
        decisiveCorrect += right;
      });
      return { acc: (100 * credit) / items.length, ties, decisiveCorrect };
    };
    const forward = accuracy([0, 1]);
    const swapped = accuracy([1, 0]);
    const published = JSON.parse(readFileSync(`${LLMBAR}/evaluators/GPT-4/Rating/statistics.json`, "utf8"));
    expect(forward.acc).toBe(swapped.acc);
    expect(forward.acc).toBeCloseTo(percent(published.correct_average), 9);
    expect(forward.ties).toBe(10);
    expect(forward.decisiveCorrect).toBe(87);

    const lines = [`derived from GPT-4 Rating scores (ours): Acc ${forward.acc.toFixed(1)} in both orders, order agreement 100.0 by construction`];
    for (const strategy of ["Rating", "Vanilla_NoRules", "Vanilla", "Metrics_Reference", "Swap"]) {
      const s = JSON.parse(readFileSync(`${LLMBAR}/evaluators/GPT-4/${strategy}/statistics.json`, "utf8"));
      lines.push(`published GPT-4 ${strategy.padEnd(18)} Acc ${percent(s.correct_average).toFixed(1)}  Agr ${percent(s.equal).toFixed(1)}`);
    }
    console.log(`LLMBar Natural (100 pairs)\n${lines.join("\n")}`);
  });
});

// ------------------------------------------------------------------ SummEval

describe.skipIf(!existsSync(SUMMEVAL))("SummEval experts and LLM critics (needs ../shared/data/judges/summeval-llm-critics; skipped when absent)", () => {
  const num = (s: string | undefined): number | null => (s === undefined || s === "" ? null : Number(s));
  const human: Record<string, string>[] = existsSync(SUMMEVAL) ? parse(readFileSync(`${SUMMEVAL}/human_scores.csv`), { columns: true }) : [];
  const llm: Record<string, string>[] = existsSync(SUMMEVAL) ? parse(readFileSync(`${SUMMEVAL}/llm_critic_scores.csv`), { columns: true }) : [];
  const DIMS: Record<string, { alpha: [number, number]; gpt4: number }> = {
    coherence: { alpha: [0.574, 0.576], gpt4: 0.446 },
    consistency: { alpha: [0.815, 0.899], gpt4: 0.557 },
    fluency: { alpha: [0.612, 0.738], gpt4: 0.501 },
    relevance: { alpha: [0.447, 0.493], gpt4: 0.422 },
  };

  it("reproduces the SOURCE.md expert alpha and gpt-4 Spearman figures, and places gpt-4's MAE", () => {
    const key = (r: Record<string, string>) => `${r.doc_id}|${r.system_id}|${r.dimension}`;
    const critic = new Map(llm.map((r) => [key(r), num(r["gpt-4-0314__rts"])]));
    const lines: string[] = [];
    for (const [dim, want] of Object.entries(DIMS)) {
      const rows = human.filter((r) => r.dimension === dim);
      expect(rows.length).toBe(1200);
      const experts = [1, 2, 3].map((k) => rows.map((r) => num(r[`expert_${k}`])));
      expect(krippendorffAlpha(experts, "ordinal")).toBeCloseTo(want.alpha[0], 3);
      expect(krippendorffAlpha(experts, "interval")).toBeCloseTo(want.alpha[1], 3);
      const expertMean = rows.map((_, i) => (experts[0]![i]! + experts[1]![i]! + experts[2]![i]!) / 3);
      const gpt4 = rows.map((r) => critic.get(key(r)) ?? null);
      expect(spearman(gpt4, expertMean)).toBeCloseTo(want.gpt4, 3);
      // Gold level for calibration = the experts' median (an integer 1..5).
      const median = rows.map((_, i) => [experts[0]![i]!, experts[1]![i]!, experts[2]![i]!].sort((a, b) => a - b)[1]!);
      const c = calibrate(gpt4.map((v) => (v !== null && Number.isInteger(v) ? v : null)), median, { scale: 5 });
      lines.push(`${dim.padEnd(12)} n ${c.n}  qwk ${c.qwk!.toFixed(3)}  exact ${c.exact!.toFixed(3)}  ${maeSentence(c.mae, 5, "gpt-4")}`);
    }
    console.log(`SummEval gpt-4 (rts) vs expert median\n${lines.join("\n")}`);
  });
});
