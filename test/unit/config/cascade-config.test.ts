import { describe, expect, it } from "vitest";
import { loadSuite } from "../../../src/config/load.js";
import type { SuiteConfigInput } from "../../../src/config/schema.js";
import { ConfigError } from "../../../src/errors.js";

// A cascade or a comparison that cannot work is a configuration error (exit 2) naming the field, before any call.

const env = { OPENAI_API_KEY: "k", ANTHROPIC_API_KEY: "k" };
const load = (config: Partial<SuiteConfigInput>) => loadSuite({}, process.cwd(), env, { dataset: "data.csv", rubrics: ["helpfulness"], critics: ["openai:gpt-4o-mini", "openai:gpt-4.1"], ...config } as SuiteConfigInput);
async function configError(config: Partial<SuiteConfigInput>): Promise<ConfigError> {
  const e = await load(config).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe("cascade configuration", () => {
  it("asks a threshold cascade's cheap critic for logprobs (the threshold reads them), and only that critic", async () => {
    const suite = await load({ cascade: { critics: ["openai:gpt-4o-mini", "openai:gpt-4.1"], threshold: 0.8, audit: 0.1 } });
    expect(suite.critics.map((c) => c.logprobs)).toEqual([true, false]);
    // With a band the levels decide: no logprobs are asked for.
    const banded = await load({ cascade: { critics: ["openai:gpt-4o-mini", "openai:gpt-4.1"], threshold: 0.6, band: [3, 5], audit: 0.1 } });
    expect(banded.critics.map((c) => c.logprobs)).toEqual([false, false]);
  });

  it("refuses a threshold cascade whose cheap critic has no logprobs: turned off, a family without them, or Anthropic", async () => {
    const off = await configError({ critics: [{ model: "openai:gpt-4o-mini", logprobs: false }, "openai:gpt-4.1"], cascade: { critics: ["openai:gpt-4o-mini", "openai:gpt-4.1"], threshold: 0.6, audit: 0.1 } });
    expect(off.field).toBe("cascade");
    expect(off.message).toMatch(/threshold needs the cheap critic's logprobs, but its logprobs are turned off \(logprobs: false\); give the cascade a band/);
    const reasoning = await configError({ critics: ["openai:gpt-5-mini", "openai:gpt-4.1"], cascade: { critics: ["openai:gpt-5-mini", "openai:gpt-4.1"], threshold: 0.6, audit: 0.1 } });
    expect(reasoning.message).toMatch(/its model family \(.+\) returns no logprobs/);
    const anthropic = await configError({ critics: ["anthropic:claude-3-5-haiku-latest", "openai:gpt-4.1"], cascade: { critics: ["anthropic:claude-3-5-haiku-latest", "openai:gpt-4.1"], threshold: 0.6, audit: 0.1 } });
    expect(anthropic.message).toMatch(/Anthropic's API returns no logprobs/);
  });

  it("does not send logprobs an Anthropic critic was asked for outside a cascade, and flags them for the report instead of dropping them silently", async () => {
    const suite = await load({ critics: [{ model: "anthropic:claude-3-5-haiku-latest", logprobs: true }, "openai:gpt-4.1"] });
    expect(suite.critics.map((c) => [c.logprobs, c.logprobsUnavailable ?? false])).toEqual([
      [false, true],
      [false, false],
    ]);
  });

  it("refuses a cascade of one critic twice, and a band whose levels are reversed", async () => {
    const twice = await configError({ cascade: { critics: ["openai:gpt-4o-mini", "openai:gpt-4o-mini"], threshold: 0.6, audit: 0.1 } });
    expect(twice.field).toBe("cascade.critics");
    expect(twice.message).toMatch(/names "openai:gpt-4o-mini" twice/);
    const reversed = await configError({ cascade: { critics: ["openai:gpt-4o-mini", "openai:gpt-4.1"], threshold: 0.6, band: [5, 3], audit: 0.1 } });
    expect(reversed.field).toBe("cascade.band");
    expect(reversed.message).toMatch(/\[5, 3\] is empty: give the lower level first, e.g. \[3, 5\]/);
  });

  it("takes a band in the rubrics' own levels: up to 10 on a 10-level rubric, refused past a 5-level one", async () => {
    const scale = (k: number) => Object.fromEntries(Array.from({ length: k }, (_, i) => [i + 1, `Level ${i + 1} of ${k}.`]));
    const rubric = (k: number) => ({ id: `r${k}`, title: `R${k}`, question: "How good is it?", scale: scale(k) });
    const cascade = { critics: ["openai:gpt-4o-mini", "openai:gpt-4.1"] as [string, string], threshold: 0.6, band: [8, 9] as [number, number], audit: 0.1 };
    expect((await load({ rubrics: [rubric(10)], cascade })).cascade?.band).toEqual([8, 9]);
    const past = await configError({ rubrics: [rubric(10), rubric(5)], cascade: { ...cascade, band: [5, 6] } });
    expect(past.field).toBe("cascade.band");
    expect(past.message).toMatch(/\[5, 6\] goes past rubric "r5", whose levels are 1..5/);
  });
});

describe("sequential comparison configuration", () => {
  const candidates = [
    { id: "v1", model: "openai:gpt-4o-mini" },
    { id: "v2", model: "openai:gpt-4.1-mini" },
  ];
  it("refuses a comparison of a candidate with itself, or of one the suite does not have", async () => {
    const self = await configError({ candidates, compare: { a: "v1", b: "v1", delta: 0.25, batchSize: 20, alpha: 0.05 } });
    expect(self.field).toBe("compare");
    expect(self.message).toMatch(/compares "v1" with itself/);
    const unknown = await configError({ candidates, compare: { a: "v2", b: "v3", delta: 0.25, batchSize: 20, alpha: 0.05 } });
    expect(unknown.field).toBe("compare.b");
    expect(unknown.message).toMatch(/unknown candidate "v3" \(candidates are v1, v2\)/);
  });
});
