export type { RunResult } from "./run-result.js";
