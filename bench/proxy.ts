// Proxies: CPU per call of critic's client through a CONNECT proxy against the same calls direct.
// The simulator runs in its own process, the proxy in this one, the client (the OpenAI adapter
// with critic's fetch, as in the SDK-floor row) in a third, whose CPU alone is measured.
import { execFile, spawn } from "node:child_process";
import { type Socket, connect, createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BenchRow } from "./row.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const CALLS = 3000;
const CONCURRENCY = 32;

/** A tunnelling-only proxy, as company proxies are for HTTPS; counts the tunnels it opens. */
async function connectProxy(): Promise<{ url: string; tunnels: () => number; close: () => void }> {
  let tunnels = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      const target = head.subarray(0, end).toString("latin1").split(" ")[1] ?? "";
      const i = target.lastIndexOf(":");
      tunnels++;
      const upstream = connect(Number(target.slice(i + 1)), target.slice(0, i), () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        client.pipe(upstream).pipe(client);
      });
      open.add(upstream);
      upstream.on("error", () => client.destroy());
    };
    client.on("data", onData);
    client.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels: () => tunnels,
    close: () => {
      for (const s of open) s.destroy();
      server.close();
    },
  };
}

async function cpuPerCall(baseURL: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await run(process.execPath, [join(HERE, "sdk-floor-child.js"), baseURL, String(CALLS), String(CONCURRENCY)], { env: { ...process.env, ...env }, encoding: "utf8" });
  const { cpuMs } = JSON.parse(stdout.trim().split("\n").pop()!) as { cpuMs: number };
  return (cpuMs * 1000) / CALLS;
}

export async function rows(): Promise<BenchRow[]> {
  const sim = spawn(process.execPath, [join(HERE, "sim-child.js"), "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const proxy = await connectProxy();
  try {
    const line = await new Promise<string>((resolve) => sim.stdout!.once("data", (d: Buffer) => resolve(d.toString().split("\n")[0]!)));
    const { openaiBaseURL } = JSON.parse(line) as { openaiBaseURL: string };
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
    const tunnels = proxy.tunnels();
    return [
      { area: "proxy", metric: `client CPU per call direct, ${CALLS} calls at concurrency ${CONCURRENCY} (best of 2)`, value: `${d.toFixed(0)} us`, target: "", ok: null },
      { area: "proxy", metric: "client CPU per call through a CONNECT proxy (HTTP_PROXY, https-proxy-agent)", value: `${p.toFixed(0)} us (${(p / d).toFixed(2)}x direct)`, target: "<= 2x direct", ok: p <= 2 * d },
      { area: "proxy", metric: `CONNECT tunnels the proxy opened for ${2 * CALLS} proxied calls (keep-alive reuse)`, value: String(tunnels), target: `1..${2 * CONCURRENCY}`, ok: tunnels >= 1 && tunnels <= 2 * CONCURRENCY },
    ];
  } finally {
    proxy.close();
    sim.kill("SIGTERM");
  }
}
