/**
 * `critic aggregate LABELS`: run a label model on labels that already exist and write
 * labels.csv, labelers.csv and summary.json (temp file + rename, so nothing is half-written).
 */
import { csvRows } from "../report/csv.js";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Table from "cli-table3";
import { readGold, readLabels } from "../data/labels.js";
import { ConfigError, InputError } from "../errors.js";
import { buildLabelMatrix, goldIndex, type LabelMatrix } from "../stats/label-matrix.js";
import { shuffledGoldItems } from "../stats/label-models/score-blend.js";
import { auto, type CandidateScore } from "../stats/label-models/auto.js";
import { type GoldScore, scoreAgainstGold } from "../stats/label-models/evaluate.js";
import { isLabelModelName, labelModels, methodNames } from "../stats/label-models/index.js";
import { bestLabeler, labelerGoldScore, selectLabeler } from "../stats/label-models/select-best.js";
import type { LabelModelFit } from "../stats/label-models/types.js";
import { type Command, str } from "./command.js";

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function labelsCsv(m: LabelMatrix, fit: LabelModelFit): string {
  const cols = m.classValues.map((v) => (m.ordinal ? `p_${v}` : String(v)));
  const rows: Array<Array<string | number>> = [["item", "label", "confidence", ...cols]];
  for (let i = 0; i < m.nItems; i++) {
    const row = fit.posterior.subarray(i * m.k, (i + 1) * m.k);
    const y = fit.labels[i];
    rows.push([m.itemIds[i], y < 0 ? "" : m.classValues[y], y < 0 ? "" : +row[y].toFixed(6), ...Array.from(row, (p) => +p.toFixed(6))]);
  }
  return csvRows(rows);
}

function labelersCsv(m: LabelMatrix, fit: LabelModelFit, gold: Int32Array | null): string {
  const rows: Array<Array<string | number>> = [["labeler", "n_labels", "accuracy", "bias", "spread", "gold_n", "gold_accuracy"]];
  const fmt = (v: number | null) => (v === null ? "" : +v.toFixed(6));
  fit.labelerQuality.forEach((q, j) => {
    let gn = 0;
    let hits = 0;
    if (gold) {
      for (let i = 0; i < m.nItems; i++) {
        const y = m.labels[i * m.nLabelers + j];
        if (y < 0 || gold[i] < 0) continue;
        gn++;
        if (y === gold[i]) hits++;
      }
    }
    rows.push([q.labeler, q.nLabels, fmt(q.accuracy), fmt(q.bias), fmt(q.spread), gold ? gn : "", gn ? fmt(hits / gn) : ""]);
  });
  return csvRows(rows);
}

/**
 * Accuracy against gold with the gold held out: k folds of the gold items, each scored by a fit
 * that had the other folds' gold clamped and never saw its own (scoring on clamped gold would
 * read 100 % on every gold item). Majority vote uses no gold, so it needs no folds.
 */
function crossValidatedGold(m: LabelMatrix, gold: Int32Array, fitWith: (g: Int32Array) => LabelModelFit, folds = 5, seed = 1): GoldScore {
  const items = shuffledGoldItems(gold, seed);
  const nFolds = Math.max(2, Math.min(folds, items.length));
  const posterior = new Float64Array(m.nItems * m.k);
  const labels = new Int32Array(m.nItems).fill(-1);
  for (let f = 0; f < nFolds; f++) {
    const train = Int32Array.from(gold);
    const held = items.filter((_, r) => r % nFolds === f);
    for (const i of held) train[i] = -1;
    const fit = fitWith(train);
    for (const i of held) {
      posterior.set(fit.posterior.subarray(i * m.k, (i + 1) * m.k), i * m.k);
      labels[i] = fit.labels[i];
    }
  }
  return scoreAgainstGold(m, { posterior, labels }, gold);
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").replace("T", "_").slice(0, 19);
}

export const aggregateCommand: Command = {
  name: "aggregate",
  summary: "Combine existing labels (crowd workers, critics run elsewhere) with a label model.",
  usage: `LABELS [--k K] [--method ${methodNames.join("|")}] [--gold FILE] [--out DIR] [--seed N] [--continuous round|error]`,
  allowPositionals: true,
  flags: {
    k: { type: "string" },
    method: { type: "string" },
    gold: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    continuous: { type: "string" },
  },
  flagHelp: {
    k: "number of levels of an integer scale (default: inferred from the labels)",
    method: `label model: ${methodNames.join(", ")} (default auto)`,
    gold: "separate gold file item,gold (a gold column in LABELS also works)",
    out: "output directory (default reports/aggregate-<timestamp>)",
    seed: "seed for auto's cross-validation folds (default 1)",
    continuous: "labels with decimals: round (default; nearest level, halves to even) or error",
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new ConfigError("expected exactly one LABELS file");
    const file = resolve(io.cwd, positionals[0]);
    const method = str(values, "method") ?? "auto";
    if (method !== "auto" && !isLabelModelName(method)) throw new ConfigError(`unknown method "${method}" (use ${methodNames.join(", ")})`, { field: "--method" });
    const kFlag = str(values, "k");
    const k = kFlag === undefined ? undefined : Number(kFlag);
    if (k !== undefined && !(Number.isInteger(k) && k >= 2)) throw new ConfigError(`--k must be an integer ≥ 2, got "${kFlag}"`, { field: "--k" });
    const seed = Number(str(values, "seed") ?? 1);
    const continuous = str(values, "continuous") ?? "round";
    if (continuous !== "round" && continuous !== "error") throw new ConfigError(`--continuous must be round or error, got "${continuous}"`, { field: "--continuous" });
    const table = await readLabels(file, { k, continuous });
    const goldFile = str(values, "gold");
    const goldMap = goldFile ? await readGold(resolve(io.cwd, goldFile), { k }) : table.gold;
    let m: LabelMatrix;
    try {
      m = buildLabelMatrix(table.rows, { k, extraValues: [...goldMap.values()], extraItems: [...goldMap.keys()] });
    } catch (e) {
      if (e instanceof RangeError) throw new InputError({ file }, e.message);
      throw e;
    }
    const gold = goldMap.size ? goldIndex(m, goldMap) : null;
    const fit = method === "auto" ? auto(m, { gold: gold ?? undefined, seed }) : labelModels[method](m, { gold: gold ?? undefined });
    // The model behind the fit, refitted per fold for the honest gold score (auto's pick is
    // taken as given; its own cross-validation, in `candidates`, scored every candidate).
    const refit = (g: Int32Array): LabelModelFit => {
      if (method !== "auto") return labelModels[method](m, { gold: g });
      const name = "picked" in fit ? String(fit.picked) : fit.method;
      if (name.startsWith("select:")) {
        const j = bestLabeler(m, g);
        const mv0 = labelModels.mv(m, { gold: g });
        return j < 0 ? mv0 : selectLabeler(m, j, mv0);
      }
      if (name.startsWith("blend")) return labelModels.blend(m, { gold: g });
      return isLabelModelName(name) ? labelModels[name](m, { gold: g }) : fit;
    };
    const mv = labelModels.mv(m);
    const best = gold ? bestLabeler(m, gold) : -1;
    const score = (f: LabelModelFit): GoldScore | null => (gold ? scoreAgainstGold(m, f, gold) : null);
    const outDir = resolve(io.cwd, str(values, "out") ?? join("reports", `aggregate-${timestamp()}`));
    mkdirSync(outDir, { recursive: true });
    const summary = {
      version: 1,
      labelsFile: file,
      methodAsked: method,
      methodUsed: fit.method,
      why: "reason" in fit ? fit.reason : `${fit.method} was asked for.`,
      candidates: ("candidates" in fit ? fit.candidates : null) as CandidateScore[] | null,
      nItems: m.nItems,
      nLabelers: m.nLabelers,
      nLabels: table.rows.filter((r) => r.label !== null).length - m.duplicates,
      k: m.k,
      classValues: m.classValues,
      ordinal: m.ordinal,
      itemsWithoutLabels: m.unlabeledItems,
      duplicatesDropped: m.duplicates,
      duplicatePolicy: "first label kept",
      continuousLabels: { rounded: table.rounded ?? 0, rule: "nearest integer level, halves to even (3.5 -> 4, 2.5 -> 2)" },
      iterations: fit.iterations,
      converged: fit.converged,
      logLikelihood: fit.logLikelihood.at(-1) ?? null,
      gold: gold
        ? {
            nItems: gold.filter((g) => g >= 0).length,
            /** 5-fold: each gold item scored by a fit that did not see its gold. */
            evaluation: "cross-validated: each gold item is scored by a fit with that item's gold held out (5 folds)",
            model: crossValidatedGold(m, gold, refit, 5, seed),
            majorityVote: score(mv),
            bestSingleLabeler: best < 0 ? null : { labeler: m.labelerIds[best], ownItems: labelerGoldScore(m, best, gold), ...score(selectLabeler(m, best, mv)) },
          }
        : null,
    };
    writeAtomic(join(outDir, "labels.csv"), labelsCsv(m, fit));
    writeAtomic(join(outDir, "labelers.csv"), labelersCsv(m, fit, gold));
    writeAtomic(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    // No colour codes: this table is read in terminals and in pipes and CI logs alike.
    const t = new Table({ head: ["", "value"], style: { head: [], border: [] } });
    t.push(["method", `${fit.method} (asked: ${method})`], ["items / labelers / labels", `${m.nItems} / ${m.nLabelers} / ${summary.nLabels}`]);
    t.push(["items without labels", String(m.unlabeledItems.length)], ["duplicates dropped", String(m.duplicates)]);
    if (table.rounded) t.push(["continuous labels binned", `${table.rounded} (nearest level, halves to even)`]);
    t.push(["iterations", `${fit.iterations}${fit.converged ? "" : " (not converged)"}`]);
    const fmt = (s: Partial<GoldScore> | null | undefined) => (s?.accuracy == null ? "n/a" : s.accuracy.toFixed(4));
    if (summary.gold) {
      t.push(["gold accuracy: model (cross-validated)", fmt(summary.gold.model)], ["gold accuracy: majority vote", fmt(summary.gold.majorityVote)]);
      t.push(["gold accuracy: best labeler", fmt(summary.gold.bestSingleLabeler)]);
    }
    for (const c of summary.candidates ?? []) {
      const what = c.criterion === "cv-loglik" ? "held-out log-lik per label" : c.criterion;
      t.push([`candidate ${c.method}`, `${c.score === null ? "n/a" : c.score.toFixed(4)} ${what}${c.seOfDifference ? ` (gap SE ${c.seOfDifference.toFixed(4)})` : ""}`]);
    }
    io.stdout(`${t.toString()}\n${summary.why}\nwrote ${outDir}/{labels.csv,labelers.csv,summary.json}`);
    return 0;
  },
};
