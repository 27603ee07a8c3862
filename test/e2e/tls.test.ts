import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { type Server, createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";
import { writeSupportCsv } from "../helpers/suite.js";

const scratch = useScratch();
const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasOpenssl) console.warn("tls: skipped, the openssl command is not installed (.ci/run installs it)");
let tls: Server | undefined;
afterEach(() => new Promise<void>((r) => (tls ? tls.close(() => r()) : r())));

/** TLS in front of an HTTP server, as a hosted API's front end would be; returns its https origin. */
async function tlsFront(upstream: string, key: Buffer, cert: Buffer): Promise<string> {
  tls = createServer({ key, cert }, (req, res) => {
    const up = request(new URL(req.url ?? "/", upstream), { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => tls!.listen(0, "127.0.0.1", r));
  return `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
}

describe.skipIf(!hasOpenssl)("critic over HTTPS, the way hosted APIs are reached", () => {
  it("judges through both SDKs over TLS, and stops with exit 2 saying how to trust a certificate it does not", async () => {
    const work = await scratch.workdir("critic-tls-");
    const keyFile = join(work, "key.pem");
    const certFile = join(work, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], { stdio: "ignore" });
    const sim = await scratch.sim({ seed: 5 });
    const origin = await tlsFront(sim.url, await readFile(keyFile), await readFile(certFile));
    await writeSupportCsv(work, 6);
    const args = (out: string) => ["run", "--dataset", "data.csv", "--rubric", "politeness", "--critic", "openai:sim-critic-strong", "--critic", "anthropic:sim-critic-lenient", "--base-url", `${origin}/v1`, "--no-cache", "--out", out];
    const env = { OPENAI_API_KEY: "k-openai", ANTHROPIC_API_KEY: "k-anthropic", ANTHROPIC_BASE_URL: origin };

    const trusted = await critic(args("out"), { cwd: work, env: { ...env, NODE_EXTRA_CA_CERTS: certFile } });
    expect(trusted.code, trusted.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(work, "out/summary.json"), "utf8")) as { judgments: number; failed: number; abstentions: number };
    expect(summary).toMatchObject({ judgments: 12, failed: 0 });

    const untrusted = await critic(args("out2"), { cwd: work, env });
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/the server's TLS certificate is not trusted \(openai: connection failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\); .*NODE_EXTRA_CA_CERTS/);
  });
});
