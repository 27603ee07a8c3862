import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { critic } from "../helpers/cli.js";
import { type ConnectProxy, startConnectProxy } from "../../bench/connect-proxy.js";
import { useScratch } from "../helpers/scratch.js";
import { writeSupportCsv } from "../helpers/suite.js";

describe("HTTPS_PROXY and NO_PROXY", () => {
  const scratch = useScratch();
  let proxy: ConnectProxy | null = null;
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
  });

  it("every call of both SDKs goes through the proxy's CONNECT tunnels, unless NO_PROXY names the host", async () => {
    proxy = await startConnectProxy();
    const sim = await scratch.sim({ seed: 3 });
    const cwd = await scratch.workdir();
    await writeSupportCsv(cwd, 6);
    const host = new URL(sim.url).host;
    const args = ["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--critic", "anthropic:sim-critic-lenient", "--base-url", sim.openaiBaseURL, "--no-cache", "--quiet"];
    const env = { ANTHROPIC_BASE_URL: sim.anthropicBaseURL, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: "" };
    const r = await critic([...args, "--out", "rep1"], { cwd, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(join(cwd, "rep1/summary.json"), "utf8"))).toMatchObject({ judgments: 12, failed: 0 });
    expect(sim.stats().total).toBe(12);
    // Keep-alive tunnels: at least one, never more than one per call.
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(proxy.tunnels.length).toBeLessThanOrEqual(12);
    expect(new Set(proxy.tunnels)).toEqual(new Set([host]));

    const before = proxy.tunnels.length;
    const direct = await critic([...args, "--out", "rep2"], { cwd, env: { ...env, NO_PROXY: "127.0.0.1" } });
    expect(direct.code).toBe(0);
    expect(sim.stats().total).toBe(24);
    expect(proxy.tunnels.length).toBe(before);
  });

  it("a proxy that is not there is an unreachable server: exit 2 saying so, not thousands of retries", async () => {
    const sim = await scratch.sim({ seed: 3 });
    const cwd = await scratch.workdir();
    await writeSupportCsv(cwd, 4);
    const r = await critic(["run", "--dataset", "data.csv", "--rubric", "helpfulness", "--critic", "openai:sim-critic-strong", "--base-url", sim.openaiBaseURL, "--quiet", "--max-retries", "1"], { cwd, env: { HTTP_PROXY: "http://127.0.0.1:9" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach the server.*ECONNREFUSED/);
    expect(sim.stats().total).toBe(0);
  });
});
