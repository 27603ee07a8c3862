/** The simulator: a local OpenAI- and Anthropic-compatible server with simulated critics and candidates. */
export { startSimServer, type SimServer, type SimServerOptions } from "./server.js";
export { DEFAULT_SIM_MODELS, simModel, qualityOf, type SimModel, type SimModelSpec } from "./models.js";
export { trueLevel, truthFor, fallbackLevel, itemDifficulty, itemKey, type RatedText, type Truth } from "./truth.js";
export { generateOutput } from "./generate.js";
export { rate, isUnparseable, scoreTopLogprobs, type CriticRating } from "./critic.js";
export { decideFault, type FaultKind, type FaultOptions } from "./faults.js";
export { textKey } from "./hash.js";
export { SimWorld, type SimRequest, type SimReply, type SimChoice, type SimWorldOptions } from "./world.js";
export type { SimStats } from "./counters.js";
