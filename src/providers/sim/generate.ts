import { draws, unit } from "./hash.js";
import type { SimModel } from "./models.js";

const STOP = new Set(
  "about above after again also been before being below between both could does doing down during each from further have having here into itself just more most once only other over same should some such than that their them then there these they this those through under until very what when where which while whom will with would your yours".split(
    " ",
  ),
);

const FILLER = ["the topic", "the question", "the context", "the details", "the main point", "the example"];

const TEMPLATES = [
  "The question is mainly about {a}.",
  "{A} is closely linked to {b}.",
  "A common view is that {a} shapes {b}.",
  "In practice, {a} matters more than {b}.",
  "One should also consider {a} when thinking about {b}.",
  "Put simply, {a} explains most of {b}.",
  "Evidence on {a} is mixed, but {b} is well established.",
  "It helps to separate {a} from {b}.",
  "Most sources agree that {a} affects {b}.",
  "There are exceptions where {a} does not apply to {b}.",
  "A short example: {a} first, then {b}.",
  "This is why {a} and {b} are often discussed together.",
  "Looking at {a} closely, {b} becomes easier to follow.",
  "Without {a}, {b} would be hard to explain.",
];

/** Content words of the input, in order of first appearance. */
function words(input: string): string[] {
  const seen = new Set<string>();
  for (const w of input.toLowerCase().match(/[a-z][a-z'-]{3,}/g) ?? []) {
    if (!STOP.has(w)) seen.add(w);
    if (seen.size >= 16) break;
  }
  return seen.size > 0 ? [...seen] : FILLER;
}

/**
 * What simulated model `m` writes for `input`: a few template sentences about the input's own
 * words, `verbosity` (+0 or 1) sentences long. Pure: the same (seed, model, input) always gives the
 * same text, which is how a critic prompt's OUTPUT is traced back to its hidden truth.
 */
export function generateOutput(seed: number | string, m: SimModel, input: string): string {
  const r = draws(seed, "gen", m.name, input);
  const ws = words(input);
  // A separate draw decides long answers, so models without `longShare` write exactly what they always wrote.
  const long = m.longShare ? unit(seed, "long", m.name, input) < m.longShare : false;
  const n = Math.max(1, Math.round(long ? (m.longVerbosity ?? 4 * m.verbosity) : m.verbosity) + (r() < 0.5 ? 0 : 1));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = ws[Math.floor(r() * ws.length)]!;
    const b = ws[Math.floor(r() * ws.length)]!;
    const t = TEMPLATES[Math.floor(r() * TEMPLATES.length)]!;
    out.push(
      t
        .replace("{A}", a.charAt(0).toUpperCase() + a.slice(1))
        .replace("{a}", a)
        .replace("{b}", b),
    );
  }
  return out.join(" ");
}
