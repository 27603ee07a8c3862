// Runs the simulator in its own process so the harness's CPU and memory are measured alone.
import { startSimServer } from "../src/providers/sim/server.js";

const latencyMs = Number(process.argv[2] ?? 50);
const sim = await startSimServer({ seed: 3, latencyMs, perModelLatency: false });
process.stdout.write(`${JSON.stringify({ url: sim.url, openaiBaseURL: sim.openaiBaseURL })}\n`);
process.on("SIGTERM", () => void sim.close().then(() => process.exit(0)));
