/**
 * critic's public API. Everything not exported here is internal and may change.
 *
 * @example
 * import { defineConfig, loadSuite, runSuite } from "critic";
 * const suite = await loadSuite({}, process.cwd(), process.env, defineConfig({ dataset: "d.csv", rubrics: ["politeness"], critics: ["openai:gpt-4o-mini"] }));
 * const { result } = await runSuite(suite, { cwd: process.cwd() });
 */

// Configuring and running a suite
export { defineConfig } from "./config/define-config.js";
export type { SuiteConfigInput, CriticSpec, CandidateSpec, CascadeSpec, CompareSpec, Price } from "./config/schema.js";
export { loadSuite, type Suite, type SuiteFlags } from "./config/load.js";
export { loadRubricFile, type Rubric } from "./config/rubric.js";
export { parseRubric } from "./config/rubric-yaml.js";
export { loadDataset, readDataset, type Dataset, type DatasetRow } from "./data/dataset.js";
export { runSuite, type RunSuiteOptions, type SuiteRun } from "./runner/run-suite.js";
export type { RunEvent } from "./runner/events.js";
export { CriticError, InputError, ConfigError, ProviderError } from "./errors.js";
// The user's own system as a candidate
export type { TaskFn, TaskRow, TaskContext, TaskResult, ConversationMessage } from "./candidates/types.js";
export type { RubricObject, TaskCandidateSpec, HttpCandidateSpec, ModelCandidateSpec } from "./config/schema.js";

// The result and its reports
export type { RunResult, Judgment, ScoreRow, CellSummary, PairwiseResult, RankingEntry, CalibrationRow, CascadeSummary, SequentialSummary, CostBreakdown } from "./run-result.js";
export { writeReports, type ReportFormat } from "./report/write.js";
export { renderMarkdown } from "./report/markdown.js";
export { renderHtml } from "./report/html.js";
export { renderSummaryJson } from "./report/json.js";

// Quality gates
export { evaluateGates } from "./gates/evaluate.js";
export type { CompareGate, Gate, GateItem, GateOutcome, MeanGate } from "./gates/types.js";

// Statistics (pure)
export { buildLabelMatrix, type LabelMatrix, type LabelRow } from "./stats/label-matrix.js";
export { labelModels, type LabelModel, type LabelModelFit } from "./stats/label-models/index.js";
export { auto as autoLabelModel } from "./stats/label-models/auto.js";
export { bradleyTerryWithIntervals } from "./stats/bootstrap.js";
export { winRateMatrix } from "./stats/pairwise.js";
export { decide, itemWinsFromVerdicts, winRatesFromItemWins, type Decision, type MissingRule, type VerdictRow } from "./stats/pairwise.js";
export { holm } from "./stats/holm.js";
export { readPairwiseLabels, type PairwiseLabel } from "./data/pairwise-labels.js";
export { calibrate } from "./stats/calibration.js";
export { cohenKappa, krippendorffAlpha, spearman, kendallTauB } from "./stats/agreement.js";
export { meanCi, pairedDiff } from "./stats/intervals.js";
export { ppiMean, ppiPairedDifference } from "./stats/ppi.js";
export { createSequentialComparison } from "./sampling/sequential-plan.js";
export { createRng, type Rng } from "./stats/rng.js";

// Production triage: find what fails in a log, judge a budgeted sample, estimate honestly
export { defineTriageConfig, type TriageConfigInput, type SignalSpec } from "./triage/config.js";
export { loadTriage, planTriage, runTriage, type Triage, type TriageFlags, type TriageRun, type TriageRunOptions } from "./triage/run-triage.js";
export type { TriageResult } from "./triage/result.js";
export { writeTriageReports } from "./triage/report/write.js";
export { fitSignalModel, badProbability, type SignalModelFit } from "./triage/signal-model.js";
export { targetInclusion, paretoSample } from "./triage/design.js";
export { hajekRatio, wilson } from "./triage/estimate.js";

// The simulator, for tests and demos of your own
export { startSimServer, type SimServer, type SimServerOptions } from "./providers/sim/server.js";
export { DEFAULT_SIM_MODELS, simModel, type SimModel } from "./providers/sim/models.js";
