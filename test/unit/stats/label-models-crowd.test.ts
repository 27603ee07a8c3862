import { existsSync, readFileSync } from "node:fs";
import { sampleCorrelation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { loadCrowd } from "../../../bench/label-models.js";
import { auto } from "../../../src/stats/label-models/auto.js";
import { buildLabelMatrix } from "../../../src/stats/label-matrix.js";
import { posteriorMean, scoreAgainstGold } from "../../../src/stats/label-models/evaluate.js";
import { dawidSkene, majorityVote, ordinal, subtypeDawidSkene } from "../../../src/stats/label-models/index.js";

const D = "../shared/data/crowd";

const load = loadCrowd;

// Published figures (SOURCE.md): Crowd-Kit scores MV with ties going to the lowest class,
// which our hard labels reproduce; duplicates are dropped (keep first) on S_Rel.
describe.each([
  ["product-zheng2017", "answer.csv", 0.897, 0.94],
  ["possent-zheng2017", "label.csv", 0.932, 0.96],
  ["rel-zheng2017", "label.csv", 0.536, 0.615],
])("%s", (dir, file, mvTarget, dsTarget) => {
  const path = `${D}/${dir}/${file}`;
  it.skipIf(!existsSync(path))("matches the published MV and DS accuracy within 0.005 (data absent: skipped)", async () => {
    const { m, gold } = await load(path, `${D}/${dir}/truth.csv`);
    expect(Math.abs(scoreAgainstGold(m, majorityVote(m), gold).accuracy! - mvTarget)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(scoreAgainstGold(m, dawidSkene(m), gold).accuracy! - dsTarget)).toBeLessThanOrEqual(0.005);
  });
});

const RTE = `${D}/snow2008-rte/rte.standardized.tsv`;
it.skipIf(!existsSync(RTE))("Dawid-Skene gives exactly 0.9275 on snow2008-rte, the authors' EM output (data absent: skipped)", async () => {
  const { m, gold } = await load(RTE);
  expect(scoreAgainstGold(m, dawidSkene(m), gold).accuracy).toBe(0.9275);
});

// Issue 13 item 15: auto without gold never below majority vote on the ZenCrowd and CF sets.
// On ZenCrowd the two heaviest workers share most of their false positives; plain DS spends its
// latent class on that shared error (0.79-0.82 against MV 0.83-0.87). The subtype model
// (subtypes.ts) predicts held-out labels better still, so auto picks it without seeing gold.
describe.each(["ZenCrowd_all", "ZenCrowd_in", "ZenCrowd_us", "CF", "CF_amt"])("activecrowdtoolkit %s", (name) => {
  const path = `${D}/activecrowdtoolkit/${name}.csv`;
  it.skipIf(!existsSync(path))("auto without gold is not below majority vote (data absent: skipped)", async () => {
    const { m, gold } = await load(path);
    const mv = scoreAgainstGold(m, majorityVote(m), gold).accuracy!;
    expect(scoreAgainstGold(m, auto(m), gold).accuracy!).toBeGreaterThanOrEqual(mv);
  });
});

// The subtype model against its authors' own runs (EBCC, activecrowdtoolkit SOURCE.md).
describe.each([
  ["ZenCrowd_in", 0.7809],
  ["ZenCrowd_us", 0.9123],
  ["CF_amt", 0.8567],
  ["SP_amt", 0.944],
])("activecrowdtoolkit %s", (name, published) => {
  const path = `${D}/activecrowdtoolkit/${name}.csv`;
  it.skipIf(!existsSync(path))("ds-subtypes reproduces the EBCC authors' accuracy within 0.01 (data absent: skipped)", async () => {
    const { m, gold } = await load(path);
    expect(Math.abs(scoreAgainstGold(m, subtypeDawidSkene(m), gold).accuracy! - published)).toBeLessThanOrEqual(0.01);
  });
});

describe.each(["ZenCrowd_all", "ZenCrowd_us"])("activecrowdtoolkit %s with gold", (name) => {
  const path = `${D}/activecrowdtoolkit/${name}.csv`;
  it.skipIf(!existsSync(path))("auto with 100 gold items is not below majority vote (data absent: skipped)", async () => {
    const { m, gold } = await load(path);
    const some = new Int32Array(gold.length).fill(-1);
    let c = 0;
    for (let i = 0; i < gold.length && c < 100; i++) {
      if (gold[i] < 0 || i % 7 !== 0) continue;
      some[i] = gold[i];
      c++;
    }
    const held = (i: number) => some[i] < 0;
    const mv = scoreAgainstGold(m, majorityVote(m), gold, held).accuracy!;
    expect(scoreAgainstGold(m, auto(m, { gold: some }), gold, held).accuracy!).toBeGreaterThanOrEqual(mv);
  });
});

// Graded real sets: the ordinal model (free level locations) against majority vote.
const ADULT = `${D}/adult-ipeirotis2010/labels.txt`;
it.skipIf(!existsSync(ADULT))("ordinal beats majority vote on adult content, G<P<R<X as 1..4 (data absent: skipped)", async () => {
  const { CROWD_SETS } = await import("../../../bench/crowd.js");
  const { m, gold } = await CROWD_SETS.find(([n]) => n.startsWith("adult"))![1]();
  expect(scoreAgainstGold(m, ordinal(m), gold).accuracy!).toBeGreaterThan(scoreAgainstGold(m, majorityVote(m), gold).accuracy!);
});

describe.each(["anger", "fear", "joy", "sadness"])("snow2008-affect %s, 0-100 binned to 0..10", (emotion) => {
  const path = `${D}/snow2008-affect/${emotion}.standardized.tsv`;
  it.skipIf(!existsSync(path))("the ordinal posterior mean correlates with the expert score better than the plain mean (data absent: skipped)", () => {
    const lines = readFileSync(path, "utf8").split("\n").slice(1).filter(Boolean).map((l) => l.split("\t"));
    const expert = new Map(lines.map((c) => [c[2], Number(c[4])]));
    const m = buildLabelMatrix(lines.map((c) => ({ item: c[2], labeler: c[1], label: Math.round(Number(c[3]) / 10) })));
    const truth = m.itemIds.map((id) => expert.get(id)!);
    const r = (fit: { posterior: Float64Array }) => sampleCorrelation(Array.from(posteriorMean(m, fit.posterior)), truth);
    expect(r(ordinal(m))).toBeGreaterThan(r(majorityVote(m)));
  });
});

// Dense graded ratings (10 workers rated all 30 pairs, 0-10): auto's estimate must not fall
// below the plain mean, whose Pearson r with the expert score is the published 0.952.
const WORDSIM = `${D}/snow2008-wordsim/wordsim.standardized.tsv`;
it.skipIf(!existsSync(WORDSIM))("snow2008-wordsim: auto correlates with the expert score at least as well as the mean of the raters (data absent: skipped)", () => {
  const lines = readFileSync(WORDSIM, "utf8").split("\n").slice(1).filter(Boolean).map((l) => l.split("\t"));
  const expert = new Map(lines.map((c) => [c[2], Number(c[4])]));
  const m = buildLabelMatrix(lines.map((c) => ({ item: c[2], labeler: c[1], label: Number(c[3]) })));
  const truth = m.itemIds.map((id) => expert.get(id)!);
  const r = (fit: { posterior: Float64Array }) => sampleCorrelation(Array.from(posteriorMean(m, fit.posterior)), truth);
  expect(r(majorityVote(m))).toBeCloseTo(0.952, 3);
  expect(r(auto(m))).toBeGreaterThanOrEqual(r(majorityVote(m)) - 1e-9);
});
