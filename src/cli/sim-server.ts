import { startSimServer } from "../providers/sim/server.js";
import { type Command, str } from "./command.js";

export const simServerCommand: Command = {
  name: "sim-server",
  summary: "serve the simulator: OpenAI- and Anthropic-compatible simulated critics and candidates",
  usage: "[--port N] [--seed N] [--latency-ms N] [--rate-429 P] [--rate-500 P]",
  flags: { port: { type: "string" }, seed: { type: "string" }, "latency-ms": { type: "string" }, "rate-429": { type: "string" }, "rate-500": { type: "string" }, "rate-garbage": { type: "string" } },
  flagHelp: { port: "port on 127.0.0.1 (default: a free one)", seed: "seed (default 7)", "latency-ms": "latency per call (default 0)", "rate-429": "fraction of first attempts answered 429 with retry-after", "rate-500": "fraction of first attempts answered 500", "rate-garbage": "fraction of replies that are not a score" },
  async run({ values }, io) {
    const n = (name: string, d: number) => Number(str(values, name) ?? d);
    const sim = await startSimServer({
      port: n("port", 0),
      seed: n("seed", 7),
      latencyMs: n("latency-ms", 0),
      rate429: n("rate-429", 0),
      rate500: n("rate-500", 0),
      rateGarbage: n("rate-garbage", 0),
    });
    io.stdout(`critic sim-server: listening on ${sim.url}\n  OpenAI base URL:    ${sim.openaiBaseURL}\n  Anthropic base URL: ${sim.anthropicBaseURL}\n  stats: GET ${sim.url}/__sim/stats\nCtrl-C to stop.`);
    await new Promise<void>((resolve) => io.signal.addEventListener("abort", () => resolve(), { once: true }));
    await sim.close();
    return 0;
  },
};
