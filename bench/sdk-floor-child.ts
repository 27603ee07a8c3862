// The floor under the harness: the same critic prompts through the OpenAI adapter alone
// (official SDK, same fetch, same concurrency), with no cache, journal, parsing or statistics.
import { resolveRubric } from "../src/config/rubric.js";
import { criticMessages } from "../src/critic/prompt.js";
import { openaiProvider } from "../src/providers/openai.js";

const [baseURL, nArg, cArg] = process.argv.slice(2);
const n = Number(nArg ?? 5000);
const concurrency = Number(cArg ?? 64);
const rubric = await resolveRubric("helpfulness", []);
const provider = openaiProvider({ baseURL, apiKey: "bench", timeoutMs: 60_000 });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let next = 0;
const worker = async () => {
  while (next < n) {
    const i = next++;
    const messages = criticMessages(rubric, { input: `Question number ${i} about the product?`, output: `Answer ${i}: here is what you can do, step by step, in ${(i % 5) + 2} steps.` });
    await provider.complete({ model: "sim-critic-strong", messages, temperature: 0, maxTokens: 16 });
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS })}\n`);
