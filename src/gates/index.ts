export { gateRefProblem } from "./check.js";
export { describeOutcome, evaluateGates, fmtGateNum, gateName } from "./evaluate.js";
export { CompareGateSchema, GateSchema, MeanGateSchema } from "./schema.js";
export type { CompareGate, Gate, GateItem, GateOutcome, MeanGate } from "./types.js";
