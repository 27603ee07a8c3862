import { startSimServer } from "../providers/sim/server.js";
import { ConfigError } from "../errors.js";
import { type Command, str } from "./command.js";

export const simServerCommand: Command = {
  name: "sim-server",
  summary: "serve the simulator: OpenAI- and Anthropic-compatible simulated critics and candidates",
  usage: "[--port N] [--seed N] [--latency-ms N] [--rate-429 P] [--rate-500 P] [--rate-529 P] [--strict]",
  flags: { port: { type: "string" }, seed: { type: "string" }, "latency-ms": { type: "string" }, "rate-429": { type: "string" }, "rate-500": { type: "string" }, "rate-529": { type: "string" }, "rate-garbage": { type: "string" }, strict: { type: "boolean" } },
  flagHelp: {
    port: "port on 127.0.0.1 (default: a free one)",
    seed: "seed (default 7)",
    "latency-ms": "latency per call (default 0)",
    "rate-429": "fraction of first attempts answered 429 with retry-after",
    "rate-500": "fraction of first attempts answered 500",
    "rate-529": "fraction of attempts answered overloaded (Anthropic's 529 overloaded_error; 503 on the OpenAI routes)",
    "rate-garbage": "fraction of replies that are not a score",
    strict: "every model answers as OpenAI's reasoning models do (400 for max_tokens, temperature, logprobs), not only those named like one",
  },
  async run({ values }, io) {
    const n = (name: string, d: number) => {
      const v = Number(str(values, name) ?? d);
      if (!Number.isFinite(v) || v < 0) throw new ConfigError(`--${name} must be a non-negative number, got "${str(values, name)}"`);
      return v;
    };
    const port = n("port", 0);
    const sim = await startSimServer({
      port,
      seed: n("seed", 7),
      latencyMs: n("latency-ms", 0),
      rate429: n("rate-429", 0),
      rate500: n("rate-500", 0),
      rateGarbage: n("rate-garbage", 0),
      rateOverloaded: n("rate-529", 0),
      strict: values.strict === true,
    }).catch((e: NodeJS.ErrnoException) => {
      // An everyday mistake, not a bug: say what to do.
      if (e.code === "EADDRINUSE") throw new ConfigError(`port ${port} is already in use; give another --port, or leave --port out to get a free one`);
      if (e.code === "EACCES") throw new ConfigError(`port ${port} needs privileges this process does not have; give a port above 1023`);
      throw e;
    });
    io.stdout(
      [
        `critic sim-server: listening on ${sim.url}`,
        `  OpenAI base URL:    ${sim.openaiBaseURL}`,
        `  Anthropic base URL: ${sim.anthropicBaseURL}`,
        `  Azure OpenAI:       endpoint ${sim.url} (any deployment name, any api-version)`,
        `  stats: GET ${sim.url}/__sim/stats`,
        `  models: ${sim.world.models.map((m) => m.name).join(", ")}`,
        "  any other name is served too: as a good critic (accuracy 0.8) and mid-quality candidate;",
        "  names like gpt-5*, o1*, o3*, o4* answer as strict reasoning models (400 for max_tokens, a temperature, logprobs; hidden reasoning tokens)",
        "Ctrl-C to stop.",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => io.signal.addEventListener("abort", () => resolve(), { once: true }));
    await sim.close();
    return 0;
  },
};
