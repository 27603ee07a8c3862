import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { kendallTauB, krippendorffAlpha, pearson, spearman } from "../../../src/stats/agreement.js";
import { calibrate, maeSentence } from "../../../src/stats/calibration.js";
import { HANNA, LLMBAR, LLMBAR_CHATGPT_RATINGS, LLMBAR_GPT4_RATINGS, hannaSystemTaus, llmbarDecisionAccuracy, llmbarLabelModelDecision, llmbarRatingAccuracy, loadHanna, percent } from "../../../bench/comparison.js";

const SUMMEVAL = "../shared/data/judges/summeval-llm-critics";

// ------------------------------------------------------------------ HANNA

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(!existsSync(HANNA))("HANNA story ratings (needs ../shared/data/judges/hanna; skipped when absent)", () => {
  const hanna = existsSync(HANNA) ? loadHanna() : new Map<string, Map<string, number[]>>();
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
    for (const h of hannaSystemTaus(hanna)) {
      lines.push(`${h.criterion.padEnd(10)} ${`${h.best.critic} (${h.best.tau.toFixed(3)})`.padEnd(34)} ${h.aggregate.toFixed(3).padEnd(19)} ${h.median.toFixed(3)}`);
      // System-level agreement is strong (the paper's finding), and pooling critics is at least
      // as good as a typical single critic, even if it does not beat the best one.
      expect(h.aggregate).toBeGreaterThan(0.5);
      expect(h.aggregate).toBeGreaterThanOrEqual(h.median);
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

describe.skipIf(!existsSync(LLMBAR))("LLMBar Natural (needs ../shared/data/judges/llmbar; skipped when absent)", () => {
  it("GPT-4 Rating scores, each output judged alone, reproduce the published 92.0 accuracy in either order", () => {
    const { forward, swapped, published } = llmbarRatingAccuracy(LLMBAR);
    expect(forward.acc).toBe(swapped.acc);
    expect(forward.acc).toBeCloseTo(published, 9);
    expect(forward.ties).toBe(10);
    expect(forward.decisiveCorrect).toBe(87);

    const lines = [`derived from GPT-4 Rating scores (ours): Acc ${forward.acc.toFixed(1)} in both orders, order agreement 100.0 by construction`];
    for (const strategy of ["Rating", "Vanilla_NoRules", "Vanilla", "Metrics_Reference", "Swap"]) {
      const s = JSON.parse(readFileSync(`${LLMBAR}/evaluators/GPT-4/${strategy}/statistics.json`, "utf8"));
      lines.push(`published GPT-4 ${strategy.padEnd(18)} Acc ${percent(s.correct_average).toFixed(1)}  Agr ${percent(s.equal).toFixed(1)}`);
    }
    console.log(`LLMBar Natural (100 pairs)\n${lines.join("\n")}`);
  });

  it("per-item decisions from score distributions (five GPT-4 rating prompts per output) beat the expected win probability against gold, and match the best single prompt", () => {
    const published = LLMBAR_GPT4_RATINGS.map((r) => percent(JSON.parse(readFileSync(`${LLMBAR}/evaluators/${r}/statistics.json`, "utf8")).correct_average));
    const gpt4 = llmbarDecisionAccuracy(LLMBAR_GPT4_RATINGS);
    const mixed = llmbarDecisionAccuracy([...LLMBAR_GPT4_RATINGS, ...LLMBAR_CHATGPT_RATINGS]);
    console.log(
      [
        "LLMBar Natural, gold-side expected win probability vs decision accuracy (ties half credit)",
        `GPT-4, 5 rating prompts:             expected ${gpt4.expected.toFixed(1)}%  decision ${gpt4.decision.toFixed(1)}% (${gpt4.ties} ties)`,
        `GPT-4 5 + ChatGPT 2 rating prompts:  expected ${mixed.expected.toFixed(1)}%  decision ${mixed.decision.toFixed(1)}% (${mixed.ties} ties)`,
        `published single GPT-4 prompts: ${published.map((p) => p.toFixed(1)).join(", ")}`,
      ].join("\n"),
    );
    expect(gpt4.items).toBe(100);
    // The expected win probability is a probability, pulled towards 50% by every item the
    // prompts disagree on; the decision is what a reader who calls each item would score.
    expect(gpt4.decision).toBeGreaterThan(gpt4.expected);
    expect(mixed.decision).toBeGreaterThan(mixed.expected);
    // Pooling the prompts' distributions loses nothing: at least the best published single prompt.
    expect(gpt4.decision).toBeGreaterThanOrEqual(Math.max(...published));
  });

  it("through the label model: pairs judged from auto's posteriors, decided and as expected win probabilities", () => {
    const two = llmbarLabelModelDecision(["GPT-4/Rating", "ChatGPT/Rating"]);
    const five = llmbarLabelModelDecision(LLMBAR_GPT4_RATINGS);
    console.log(
      [
        "LLMBar Natural through auto's posteriors: gold-side expected win probability vs decision accuracy",
        `GPT-4 Rating + ChatGPT Rating (${two.picked}): expected ${two.expected.toFixed(1)}%  decision ${two.decision.toFixed(1)}%`,
        `5 GPT-4 rating prompts (${five.picked}):        expected ${five.expected.toFixed(1)}%  decision ${five.decision.toFixed(1)}%`,
      ].join("\n"),
    );
    expect(two.decision).toBeGreaterThan(two.expected);
    expect(five.decision).toBeGreaterThan(five.expected);
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
