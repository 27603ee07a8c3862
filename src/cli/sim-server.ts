import { startSimServer } from "../providers/sim/server.js";
import { ConfigError } from "../errors.js";
import { type Command, str } from "./command.js";

export const simServerCommand: Command = {
  name: "sim-server",
  summary: "serve the simulator: OpenAI- and Anthropic-compatible simulated critics and candidates",
  usage: "[--port N] [--seed N] [--latency-ms N] [--rate-429 P] [--rate-500 P]",
  flags: { port: { type: "string" }, seed: { type: "string" }, "latency-ms": { type: "string" }, "rate-429": { type: "string" }, "rate-500": { type: "string" }, "rate-garbage": { type: "string" } },
  flagHelp: { port: "port on 127.0.0.1 (default: a free one)", seed: "seed (default 7)", "latency-ms": "latency per call (default 0)", "rate-429": "fraction of first attempts answered 429 with retry-after", "rate-500": "fraction of first attempts answered 500", "rate-garbage": "fraction of replies that are not a score" },
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
    }).catch((e: NodeJS.ErrnoException) => {
      // An everyday mistake, not a bug: say what to do.
      if (e.code === "EADDRINUSE") throw new ConfigError(`port ${port} is already in use; give another --port, or leave --port out to get a free one`);
      if (e.code === "EACCES") throw new ConfigError(`port ${port} needs privileges this process does not have; give a port above 1023`);
      throw e;
    });
    io.stdout(`critic sim-server: listening on ${sim.url}\n  OpenAI base URL:    ${sim.openaiBaseURL}\n  Anthropic base URL: ${sim.anthropicBaseURL}\n  stats: GET ${sim.url}/__sim/stats\nCtrl-C to stop.`);
    await new Promise<void>((resolve) => io.signal.addEventListener("abort", () => resolve(), { once: true }));
    await sim.close();
    return 0;
  },
};
