import type { JournalHeader, SessionRecord } from "../../src/store/journal.js";

/** A version-2 run log header for store tests that do not run a suite. */
export function testHeader(run: string, startedAt = "2026-01-01T00:00:00.000Z"): JournalHeader {
  const versions = { critic: "test", node: process.versions.node, openai: "test", anthropic: "test" };
  return { type: "run", version: 2, run, startedAt, versions, simulated: true, suite: {}, dataset: { file: "data.csv", goldRubrics: [], candidates: [] }, sampleNote: null };
}

export const testSession: SessionRecord = { at: "2026-01-01T01:00:00.000Z", versions: { critic: "test", node: "test", openai: "test", anthropic: "test" }, budget: {} };
