/**
 * critic as a user gets it: `npm pack` the package, install the tarball into a fresh project
 * beside vitest, typescript and @types/node (from the local npm cache where it can), then run
 * that project's `tsc --noEmit` (strict, library types checked) and `vitest run` on an eval
 * written the way a TypeScript team writes one: an inline suite, a function candidate and the
 * matchers. The matchers' types must reach the user's `expect`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): Promise<{ code: number; out: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS" && !k.startsWith("npm_")));
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...env, NO_COLOR: "1" }, timeout, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: stdout + stderr });
    });
  });
}

const version = async (pkg: string) => JSON.parse(await readFile(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version as string;

const EVAL = `import { expect, it } from "vitest";
import type { TaskRow } from "critic";
import { describeEval } from "critic/vitest";

async function app(row: TaskRow): Promise<string> {
  return "Thanks for asking. " + row.input + " Open Settings, then Account, and follow the steps there.";
}

describeEval("my app", {
  data: ["reset my password", "change my email address", "export my notes", "delete my account", "cancel my plan", "get an invoice", "turn on sync", "restore a deleted note", "share a notebook", "print a note", "change the theme", "add a tag"].map((what) => ({ input: "How do I " + what + "?" })),
  candidates: [{ id: "app", task: app }],
  rubrics: ["politeness"],
  simulate: true,
  gates: [{ type: "mean", candidate: "app", rubric: "politeness", atLeast: 1 }],
}, (ctx) => {
  it("has its matchers typed on expect", () => {
    expect(ctx.result).toScoreAtLeast("app", "politeness", 1);
    expect(ctx.result).not.toScoreAtLeast("app", "politeness", 7);
    const n: number = ctx.result.generations.length;
    expect(n).toBe(12);
  });
});
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "critic-pack-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("installs from its tarball into a new TypeScript project whose tsc and vitest both pass", { timeout: 600_000 }, async () => {
  // dist/ is built by `npm test` before vitest runs; --ignore-scripts keeps pack from building again.
  const pack = await run(NPM, ["pack", "--ignore-scripts", "--pack-destination", dir, "--json"], ROOT);
  expect(pack.code, pack.out).toBe(0);
  const tarball = join(dir, (JSON.parse(pack.out.slice(pack.out.indexOf("["))) as { filename: string }[])[0]!.filename);

  const project = join(dir, "app");
  await run("mkdir", ["-p", project], dir);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "my-app", private: true, type: "module" }));
  const deps = [tarball, `vitest@${await version("vitest")}`, `typescript@${await version("typescript")}`, `@types/node@${await version("@types/node")}`];
  const install = await run(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...deps], project);
  expect(install.code, install.out).toBe(0);

  await writeFile(join(project, "app.eval.ts"), EVAL);
  await writeFile(join(project, "vitest.config.mjs"), 'export default { test: { include: ["*.eval.ts"] } };\n');
  await writeFile(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"] }, include: ["*.ts"] }),
  );

  const tsc = await run(process.execPath, [join(project, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", project], project);
  expect(tsc.out).toBe("");
  expect(tsc.code).toBe(0);

  const vitest = await run(process.execPath, [join(project, "node_modules/vitest/vitest.mjs"), "run"], project);
  expect(vitest.code, vitest.out).toBe(0);
  expect(vitest.out).toMatch(/Tests\s+2 passed/);
  expect(vitest.out).toContain("critic · my app");
});
