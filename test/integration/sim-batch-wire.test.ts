import Anthropic from "@anthropic-ai/sdk";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";

// The simulator's batch endpoints as the SDKs see them: statuses, counts, files and results.

const chat = (content: string) => ({ model: "sim-critic-strong", messages: [{ role: "user" as const, content }], max_tokens: 4 });

describe("simulator batch endpoints with the official SDKs", () => {
  let sim: SimServer;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    sim = await startSimServer({ seed: 3, perModelLatency: false, batchPolls: 1, serveUnknownModels: false });
    openai = new OpenAI({ baseURL: sim.openaiBaseURL, apiKey: "sim", maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: sim.anthropicBaseURL, apiKey: "sim", maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it("openai: validating -> in_progress -> completed, with an output file of chat completions and an error file", async () => {
    const lines = [
      { custom_id: "a", method: "POST", url: "/v1/chat/completions", body: chat("Hello there") },
      { custom_id: "b", method: "POST", url: "/v1/chat/completions", body: { ...chat("Hi"), model: "nope" } },
    ];
    const file = await openai.files.create({ file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join("\n")), "in.jsonl"), purpose: "batch" });
    expect([file.object, file.purpose, file.status]).toEqual(["file", "batch", "processed"]);
    const created = await openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    expect([created.status, created.request_counts]).toEqual(["validating", { total: 2, completed: 0, failed: 0 }]);
    expect((await openai.batches.retrieve(created.id)).status).toBe("in_progress");
    const done = await openai.batches.retrieve(created.id);
    expect([done.status, done.request_counts]).toEqual(["completed", { total: 2, completed: 1, failed: 1 }]);
    const out = (await (await openai.files.content(done.output_file_id!)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ custom_id: "a", response: { status_code: 200, body: { object: "chat.completion", model: "sim-critic-strong" } }, error: null });
    const live = await openai.chat.completions.create(chat("Hello there"));
    expect(out[0].response.body.choices[0].message.content).toBe(live.choices[0]!.message.content);
    const err = JSON.parse(await (await openai.files.content(done.error_file_id!)).text());
    expect(err).toMatchObject({ custom_id: "b", response: { status_code: 404, body: { error: { code: "model_not_found" } } } });
  });

  it("openai: a file with a malformed line fails the batch with the line number", async () => {
    const file = await openai.files.create({ file: await toFile(Buffer.from('{"custom_id":"x"}\n'), "bad.jsonl"), purpose: "batch" });
    const b = await openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    expect(b.status).toBe("failed");
    expect(b.errors?.data?.[0]).toMatchObject({ code: "invalid_request", line: 1 });
  });

  it("anthropic: in_progress -> ended with an absolute results_url; results stream as JSONL", async () => {
    const created = await anthropic.messages.batches.create({
      requests: [
        { custom_id: "ok", params: chat("Good morning") },
        { custom_id: "bad", params: { ...chat("x"), model: "nope" } },
      ],
    });
    expect([created.processing_status, created.results_url, created.request_counts.processing]).toEqual(["in_progress", null, 2]);
    await expect(anthropic.messages.batches.results(created.id)).rejects.toThrow(/results_url/);
    const ended = await anthropic.messages.batches.retrieve(created.id);
    expect(ended.processing_status).toBe("ended");
    expect(ended.results_url).toBe(`${sim.url}/v1/messages/batches/${created.id}/results`);
    expect(ended.request_counts).toMatchObject({ succeeded: 1, errored: 1, processing: 0 });
    const results = new Map<string, Anthropic.Messages.Batches.MessageBatchResult>();
    for await (const r of await anthropic.messages.batches.results(created.id)) results.set(r.custom_id, r.result);
    const ok = results.get("ok")!;
    const live = await anthropic.messages.create(chat("Good morning"));
    expect(ok.type === "succeeded" && ok.message.content).toEqual(live.content);
    expect(results.get("bad")).toMatchObject({ type: "errored", error: { type: "error", error: { type: "not_found_error" } } });
  });

  it("anthropic: a malformed custom_id is refused at creation", async () => {
    await expect(anthropic.messages.batches.create({ requests: [{ custom_id: "has space", params: chat("x") }] })).rejects.toMatchObject({ status: 400 });
  });
});
