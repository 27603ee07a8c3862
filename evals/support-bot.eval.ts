/**
 * Evaluating your own function, inline: the rows, the system under test, a rubric of the team's
 * own and the gates all sit in this file. The "bot" answers from a small in-memory help centre;
 * a plain model candidate runs beside it on the same rows, so the comparison is paired by item.
 * `npm test` runs it against the built-in simulator; in your own project import from "critic/vitest".
 */
import { expect, it } from "vitest";
import type { TaskRow } from "../src/index.js";
import { describeEval } from "../src/vitest/index.js";

const HELP_CENTRE: Record<string, string> = {
  refund: "Refunds go back to the original payment method within 5 to 10 business days.",
  cancel: "Cancel under Account > Subscriptions > Cancel; it takes effect at the end of the billing period.",
  invoice: "Invoices are under Account > Orders > Download invoice (PDF); add a VAT number before downloading.",
  password: "Reset your password from the sign-in screen: Forgot password, then follow the emailed link.",
};

/** Retrieve the closest help article by keyword, then answer from it. */
async function supportBot(row: TaskRow): Promise<string> {
  const topic = Object.keys(HELP_CENTRE).find((k) => row.input.toLowerCase().includes(k)) ?? "password";
  return `Thanks for getting in touch, and sorry for the trouble. ${HELP_CENTRE[topic]} If anything is still unclear, just reply to this message and we will help.`;
}

const data = [
  { id: "q1", input: "I was charged twice this month, can I get a refund?", context: HELP_CENTRE.refund },
  { id: "q2", input: "How do I cancel my subscription?", context: HELP_CENTRE.cancel },
  { id: "q3", input: "Where do I find an invoice for my company?", context: HELP_CENTRE.invoice },
  { id: "q4", input: "I forgot my password and cannot sign in.", context: HELP_CENTRE.password },
  { id: "q5", input: "My refund has not arrived after a week.", context: HELP_CENTRE.refund },
  { id: "q6", input: "Can I cancel and get the rest of the month back?", context: HELP_CENTRE.cancel },
  { id: "q7", input: "The invoice is missing our VAT number.", context: HELP_CENTRE.invoice },
  { id: "q8", input: "The password reset email never came.", context: HELP_CENTRE.password },
  { id: "q9", input: "Is a refund possible for an annual plan?", context: HELP_CENTRE.refund },
  { id: "q10", input: "I want to cancel before the trial ends.", context: HELP_CENTRE.cancel },
  { id: "q11", input: "Can I get an invoice for last year?", context: HELP_CENTRE.invoice },
  { id: "q12", input: "How do I change my password?", context: HELP_CENTRE.password },
];

describeEval(
  "support bot (simulated)",
  {
    data,
    candidates: [
      { id: "app", task: supportBot },
      { id: "baseline", model: "openai:sim-small", system: "You are a support agent." },
    ],
    rubrics: [
      "politeness",
      {
        id: "grounded",
        title: "Grounded in the help centre",
        question: "Does the reply say only what the retrieved help article supports?",
        inputs: ["input", "context"],
        scale: { 1: "Contradicts the article.", 2: "Mostly unsupported.", 3: "Partly supported, partly invented.", 4: "Supported, with one unsupported claim.", 5: "Entirely supported by the article." },
      },
    ],
    simulate: true,
    gates: [{ type: "mean", candidate: "app", rubric: "politeness", atLeast: 3 }],
  },
  (ctx) => {
    ctx.gate.mean("app", "grounded").atLeast(2);

    it("pairs the function and the model candidate by item", () => {
      const pair = ctx.result.pairwise.find((p) => p.rubric === "politeness");
      expect(pair?.n).toBe(data.length);
      expect(ctx.result.rubrics.find((r) => r.id === "grounded")?.scale).toBe(5);
    });
  },
);
