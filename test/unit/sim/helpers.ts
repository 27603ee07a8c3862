import type { Rubric } from "../../../src/config/rubric.js";
import { criticMessages } from "../../../src/critic/prompt.js";
import type { SimRequest } from "../../../src/providers/sim/world.js";

export const RUBRIC: Rubric = {
  id: "accuracy",
  title: "Accuracy",
  question: "Is every claim in the output correct?",
  inputs: ["input", "output"],
  levels: ["wrong", "mostly wrong", "several errors", "some errors", "minor errors", "one slip", "all correct"],
  file: "test",
};

export const inputs = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `Question ${i}: how does ${["rainfall", "pricing", "memory", "sleep"][i % 4]} affect ${["crops", "demand", "learning", "mood"][i % 3]} in case ${i}?`);

/** A critic request for (rubric, input, output), as the harness sends it. */
export function criticRequest(model: string, input: string, output: string, rubric: Rubric = RUBRIC, topLogprobs: number | null = null): SimRequest {
  const [system, user] = criticMessages(rubric, { input, output });
  return { model, system: system!.content, turns: [{ role: "user", text: user!.content }], maxTokens: 5, topLogprobs, n: 1 };
}
