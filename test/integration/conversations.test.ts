/**
 * Multi-turn conversations in a JSONL dataset (`messages`, no `input`): a model candidate is
 * sent the whole conversation and continues it, a task receives it, and the critic sees it in
 * its own delimited block, rating either the last turn or the assistant's whole part.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskRow } from "../../src/candidates/types.js";
import { loadSuite } from "../../src/config/load.js";
import { parseRubric } from "../../src/config/rubric-yaml.js";
import { criticMessages, parseCriticPrompt } from "../../src/critic/prompt.js";
import { loadDataset } from "../../src/data/dataset.js";
import { runSuite } from "../../src/runner/run-suite.js";
import { useScratch } from "../helpers/scratch.js";

const scratch = useScratch();

const CONVERSATIONS = [
  {
    id: "c1",
    messages: [
      { role: "system", content: "You are the Larkspur support assistant." },
      { role: "user", content: "My notes stopped syncing." },
      { role: "assistant", content: "Sorry about that. Which device are you on?" },
      { role: "user", content: "An iPad, and it says offline." },
    ],
  },
  {
    id: "c2",
    messages: [
      { role: "user", content: "Can I export to PDF?" },
      { role: "assistant", content: "Yes. Do you want one note or a whole notebook?" },
      { role: "user", content: "The whole notebook, please." },
    ],
  },
];

let recorder: Server | null = null;
afterEach(() => new Promise<void>((r) => (recorder ? recorder.close(() => r()) : r())));

/** An OpenAI-compatible pass-through that keeps every request body it forwards to the simulator. */
async function recordingProxy(target: string, bodies: { model: string; messages: { role: string; content: string }[] }[]): Promise<string> {
  recorder = createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    bodies.push(JSON.parse(body));
    const upstream = await fetch(`${target}${req.url!.replace(/^\/v1/, "")}`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer k" }, body });
    res.writeHead(upstream.status, { "content-type": "application/json" }).end(await upstream.text());
  });
  await new Promise<void>((r) => recorder!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(recorder!.address() as AddressInfo).port}/v1`;
}

describe("conversations", () => {
  it("a model candidate continues the conversation, a task receives it, the critic sees it delimited", async () => {
    const sim = await scratch.sim({ seed: 6 });
    const dir = await scratch.workdir("critic-conv-");
    const file = join(dir, "conversations.jsonl");
    await writeFile(file, `${CONVERSATIONS.map((c) => JSON.stringify(c)).join("\n")}\n`);
    const bodies: { model: string; messages: { role: string; content: string }[] }[] = [];
    const baseURL = await recordingProxy(sim.openaiBaseURL, bodies);
    const seen: TaskRow[] = [];
    const suite = await loadSuite({}, dir, {}, {
      dataset: file,
      rubrics: [
        "helpfulness",
        { id: "whole-chat", title: "Whole conversation", question: "Is the assistant helpful across the whole conversation?", inputs: ["conversation", "output"], judge: "conversation", scale: { 1: "Unhelpful throughout.", 2: "Mostly unhelpful.", 3: "Mixed.", 4: "Mostly helpful.", 5: "Helpful at every turn." } },
      ],
      critics: ["openai:sim-critic-strong"],
      candidates: [
        { id: "model", model: "openai:sim-medium", system: "Be brief." },
        {
          id: "app",
          task: (row) => {
            seen.push(row);
            return `Following up on "${row.messages?.at(-1)?.content}": here is what to do next.`;
          },
        },
      ],
      providers: { openai: { baseURL } },
      cacheDir: join(dir, ".critic"),
    });
    const { result } = await runSuite(suite, { cwd: dir, write: false });

    // The model candidate was sent every turn, in order; the conversation's own system turn wins over the candidate's.
    const generation = bodies.find((b) => b.model === "sim-medium" && b.messages.some((m) => m.content === "An iPad, and it says offline."))!;
    expect(generation.messages).toEqual(CONVERSATIONS[0]!.messages);
    const second = bodies.find((b) => b.model === "sim-medium" && b.messages.some((m) => m.content === "The whole notebook, please."))!;
    expect(second.messages).toEqual([{ role: "system", content: "Be brief." }, ...CONVERSATIONS[1]!.messages]);

    // The task got the conversation, and the last user turn as its input.
    const c2 = seen.find((r) => r.id === "c2")!;
    expect(c2.messages).toEqual(CONVERSATIONS[1]!.messages);
    expect(c2.input).toBe("The whole notebook, please.");

    // Every critic prompt carries the conversation in its own block, each turn marked with the block's code.
    const criticPrompts = bodies.filter((b) => b.model === "sim-critic-strong").map((b) => b.messages.at(-1)!.content);
    expect(criticPrompts.length).toBe(2 * 2 * 2);
    for (const p of criticPrompts) {
      const code = /carrying the code ([0-9a-f]{12})/.exec(p)![1]!;
      expect(p).toContain(`<<<CONVERSATION ${code}>>>\n[turn 1 · `);
      expect(p).toContain(`<<<END CONVERSATION ${code}>>>`);
    }
    expect(criticPrompts.filter((p) => p.includes("Rate the assistant's part of the whole CONVERSATION"))).toHaveLength(4);
    expect(criticPrompts.filter((p) => p.includes("Rate the OUTPUT (the assistant's next reply in the CONVERSATION)"))).toHaveLength(4);
    expect(result.cells.filter((c) => c.n === 2)).toHaveLength(4);
    expect(result.rubrics.find((r) => r.id === "whole-chat")?.scale).toBe(5);
  });

  it("the critic prompt names the last user turn as the input when read back", () => {
    const rubric = parseRubric("id: h\ntitle: H\nquestion: Q\nscale:\n  1: a\n  2: b\n  3: c\n", "h.yaml");
    const conversation = CONVERSATIONS[0]!.messages as { role: "system" | "user" | "assistant"; content: string }[];
    const [, user] = criticMessages(rubric, { input: "An iPad, and it says offline.", output: "Try signing out.", conversation });
    const parsed = parseCriticPrompt(user!.content)!;
    expect(parsed.input).toBe("An iPad, and it says offline.");
    expect(parsed.output).toBe("Try signing out.");
    expect(parsed.scale).toBe(3);
    expect(user!.content).toContain("Reply with one whole number from 1 to 3 and nothing else.");
  });

  it("a turn that is not {role, content} names the line and the turn", async () => {
    const dir = await scratch.workdir("critic-conv-bad-");
    const file = join(dir, "bad.jsonl");
    await writeFile(file, `${JSON.stringify(CONVERSATIONS[0])}\n${JSON.stringify({ id: "x", messages: [{ role: "human", content: "hi" }] })}\n`);
    await expect(loadDataset(file, { requireOutput: false })).rejects.toThrow(`${file}:2: messages[0].role must be system, user or assistant`);
  });
});
