import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { critic } from "../helpers/cli.js";
import { useScratch } from "../helpers/scratch.js";

// "Did last week's prompt change make things worse?": three runs of one suite, the third with a
// weaker model behind the same candidate id; `critic history` flags that change and no other.

const scratch = useScratch();

describe("critic history", () => {
  it("tabulates three runs, flags the change decided at 95% and draws a trend per rubric", async () => {
    const sim = await scratch.sim({ seed: 8 });
    const cwd = await scratch.workdir("critic-history-");
    const git = (...args: string[]) => execFileSync("git", args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" }, encoding: "utf8" }).trim();
    git("init", "-q");
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `q${i}`, input: `Customer question ${i}: how do I ${["reset", "pair", "clean", "return"][i % 4]} my purifier?` }));
    await writeFile(join(cwd, "data.jsonl"), `${rows.join("\n")}\n`);
    const config = (model: string) => ({
      dataset: "data.jsonl",
      rubrics: ["helpfulness", "politeness"],
      critics: ["openai:sim-critic-strong"],
      candidates: [{ id: "bot", model }],
      providers: { openai: { baseURL: sim.openaiBaseURL } },
    });
    const commits: string[] = [];
    for (const model of ["openai:sim-large", "openai:sim-large", "openai:sim-small"]) {
      await writeFile(join(cwd, "critic.config.json"), JSON.stringify(config(model)));
      git("add", "-A");
      git("commit", "-q", "--allow-empty", "-m", model);
      commits.push(git("rev-parse", "HEAD"));
      const r = await critic(["run", "--quiet"], { cwd });
      expect(r.code).toBe(0);
    }
    const h = await critic(["history", "--out", "hist"], { cwd });
    expect(h.stderr).toBe("");
    expect(h.code).toBe(0);
    const table = parse(await readFile(join(cwd, "hist/history.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(table).toHaveLength(3 * 2);
    expect(table.map((r) => r.git_commit)).toEqual([commits[0], commits[0], commits[1], commits[1], commits[2], commits[2]]);
    const helpfulness = table.filter((r) => r.rubric === "helpfulness");
    expect(helpfulness.map((r) => r.change_decided_95)).toEqual(["", "none", "down"]);
    expect(Number(helpfulness[2]!.change_ci95_hi)).toBeLessThan(0);
    expect(Number(helpfulness[2]!.mean)).toBeLessThan(Number(helpfulness[1]!.mean));
    for (const r of table) expect(Number(r.ci95_lo)).toBeLessThanOrEqual(Number(r.mean));
    expect(h.stdout).toMatch(/bot on helpfulness worse than/);
    const html = await readFile(join(cwd, "hist/report.html"), "utf8");
    expect(html.match(/<figure class="trend"/g)).toHaveLength(2);
    expect(html).toContain('data-rubric="politeness"');
  });
});
