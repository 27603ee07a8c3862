import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCrowd } from "../../../bench/label-models.js";
import { auto } from "../../../src/stats/label-models/auto.js";
import { scoreAgainstGold } from "../../../src/stats/label-models/evaluate.js";
import { dawidSkene, majorityVote } from "../../../src/stats/label-models/index.js";

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

describe.each(["ZenCrowd_in", "CF", "CF_amt"])("activecrowdtoolkit %s", (name) => {
  const path = `${D}/activecrowdtoolkit/${name}.csv`;
  it.skipIf(!existsSync(path))("auto without gold is not below majority vote (data absent: skipped)", async () => {
    const { m, gold } = await load(path);
    const mv = scoreAgainstGold(m, majorityVote(m), gold).accuracy!;
    const fit = auto(m);
    expect(scoreAgainstGold(m, fit, gold).accuracy!).toBeGreaterThanOrEqual(mv);
  });
});

// Known failure, kept visible: on ZenCrowd_all and _us the class-specific (two-coin) model
// predicts held-out labels far better (−0.44 vs −0.54 nats per label on _us, 16 SE) yet is
// 4.5 points less accurate than majority vote. Item difficulty violates conditional
// independence, and no likelihood criterion can see that without gold; with gold, auto's
// cross-validation on gold picks correctly. When this starts passing, make it a plain test.
describe.each(["ZenCrowd_all", "ZenCrowd_us"])("activecrowdtoolkit %s", (name) => {
  const path = `${D}/activecrowdtoolkit/${name}.csv`;
  it.skipIf(!existsSync(path)).fails("auto without gold falls below majority vote (known; data absent: skipped)", async () => {
    const { m, gold } = await load(path);
    const mv = scoreAgainstGold(m, majorityVote(m), gold).accuracy!;
    expect(scoreAgainstGold(m, auto(m), gold).accuracy!).toBeGreaterThanOrEqual(mv);
  });
  it.skipIf(!existsSync(path))("auto with 100 gold items is not below majority vote (data absent: skipped)", async () => {
    const { m, gold } = await load(path);
    const some = new Int32Array(gold.length).fill(-1);
    for (let i = 0, c = 0; i < gold.length && c < 100; i++) if (gold[i] >= 0 && i % 7 === 0) (some[i] = gold[i]), c++;
    const held = (i: number) => some[i] < 0;
    const mv = scoreAgainstGold(m, majorityVote(m), gold, held).accuracy!;
    expect(scoreAgainstGold(m, auto(m, { gold: some }), gold, held).accuracy!).toBeGreaterThanOrEqual(mv);
  });
});
