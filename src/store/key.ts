import { createHash } from "node:crypto";
import type { CompletionRequest } from "../providers/provider.js";

/**
 * Content address of a model call: provider kind, model, parameters and prompt. The base URL
 * is left out on purpose, so a suite replays from its cache against any server of the same model.
 */
export function requestKey(provider: string, req: CompletionRequest): string {
  const parts: unknown[] = [provider, req.model, req.temperature, req.maxTokens, req.topLogprobs ?? 0, req.messages.map((m) => [m.role, m.content])];
  // Fields that change the answer; appended only when set, so existing caches keep their keys.
  if (req.reasoningEffort || req.extraBody) parts.push({ reasoningEffort: req.reasoningEffort ?? null, extraBody: req.extraBody ?? null });
  const canonical = JSON.stringify(parts);
  return createHash("sha256").update(canonical).digest("hex");
}
