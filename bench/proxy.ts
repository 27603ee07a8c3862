// Proxies: CPU per call of critic's client through a CONNECT proxy against the same calls direct.
// The simulator runs in its own process, the proxy in this one, the client (the OpenAI adapter
// with critic's fetch, as in the SDK-floor row) in a third, whose CPU alone is measured.
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startSimProcess } from "./child.js";
import { startConnectProxy } from "./connect-proxy.js";
import type { BenchRow } from "./row.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const CALLS = 3000;
const CONCURRENCY = 32;

async function cpuPerCall(baseURL: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await run(process.execPath, [join(HERE, "sdk-floor-child.js"), baseURL, String(CALLS), String(CONCURRENCY)], { env: { ...process.env, ...env }, encoding: "utf8" });
  const { cpuMs } = JSON.parse(stdout.trim().split("\n").pop()!) as { cpuMs: number };
  return (cpuMs * 1000) / CALLS;
}

export async function rows(): Promise<BenchRow[]> {
  const sim = await startSimProcess(0);
  const proxy = await startConnectProxy();
  try {
    const { openaiBaseURL } = sim;
    const noProxy = { HTTP_PROXY: "", HTTPS_PROXY: "", http_proxy: "", https_proxy: "", ALL_PROXY: "", all_proxy: "" };
    // Alternated, best of two each: the machine is shared, and the slower run is the noisier one.
    const direct: number[] = [];
    const proxied: number[] = [];
    for (let i = 0; i < 2; i++) {
      direct.push(await cpuPerCall(openaiBaseURL, noProxy));
      proxied.push(await cpuPerCall(openaiBaseURL, { ...noProxy, HTTP_PROXY: proxy.url, NO_PROXY: "" }));
    }
    const d = Math.min(...direct);
    const p = Math.min(...proxied);
    const tunnels = proxy.tunnels.length;
    return [
      { area: "proxy", metric: `client CPU per call direct, ${CALLS} calls at concurrency ${CONCURRENCY} (best of 2)`, value: `${d.toFixed(0)} us`, target: "", ok: null },
      { area: "proxy", metric: "client CPU per call through a CONNECT proxy (HTTP_PROXY, https-proxy-agent)", value: `${p.toFixed(0)} us (${(p / d).toFixed(2)}x direct)`, target: "<= 2x direct", ok: p <= 2 * d },
      { area: "proxy", metric: `CONNECT tunnels the proxy opened for ${2 * CALLS} proxied calls (keep-alive reuse)`, value: String(tunnels), target: `1..${2 * CONCURRENCY}`, ok: tunnels >= 1 && tunnels <= 2 * CONCURRENCY },
    ];
  } finally {
    await proxy.close();
    sim.close();
  }
}
