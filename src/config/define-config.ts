import type { SuiteConfigInput } from "./schema.js";

/**
 * Identity helper that gives a `critic.config.ts` editor types.
 * @example
 * export default defineConfig({ dataset: "datasets/support.csv", rubrics: ["politeness"], critics: ["openai:gpt-4o-mini"] });
 */
export function defineConfig(config: SuiteConfigInput): SuiteConfigInput {
  return config;
}
