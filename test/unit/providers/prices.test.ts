import { describe, expect, it } from "vitest";
import { PRICES, priceFor } from "../../../src/providers/prices.js";

describe("prices", () => {
  it("dated snapshots, versioned names and route prefixes find their family's price", () => {
    expect(priceFor("gpt-4o-mini-2024-07-18")).toEqual(PRICES["gpt-4o-mini"]);
    expect(priceFor("o4-mini-2025-04-16")).toEqual(PRICES["o4-mini"]);
    expect(priceFor("claude-3-5-haiku-20241022")).toEqual(PRICES["claude-3-5-haiku-latest"]);
    expect(priceFor("claude-sonnet-4-5-20250929")).toEqual(PRICES["claude-sonnet-4-5"]);
    expect(priceFor("openai/gpt-4.1-mini")).toEqual(PRICES["gpt-4.1-mini"]);
    expect(priceFor("my-model-2025-01-01", { "my-model": { input: 1, output: 2 } })).toEqual({ input: 1, output: 2 });
  });

  it("a config price for the exact snapshot wins over the family's, and an unknown model has none", () => {
    expect(priceFor("gpt-4o-mini-2024-07-18", { "gpt-4o-mini-2024-07-18": { input: 9, output: 9 } })).toEqual({ input: 9, output: 9 });
    expect(priceFor("llama3.1:8b")).toBeNull();
    expect(priceFor("gpt-4o-mini-turbo")).toBeNull();
  });
});
