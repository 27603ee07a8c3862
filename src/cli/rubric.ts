import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { MAX_LEVELS, MIN_LEVELS, loadRubricFile, resolveRubric } from "../config/rubric.js";
import { criticMessages } from "../critic/prompt.js";
import { ConfigError } from "../errors.js";
import type { Command } from "./command.js";

/** A rubric to fill in: seven levels, each a described anchor, with what makes a good one. */
export function rubricTemplate(id: string): string {
  return `# A critic rubric. Check it with: critic rubric check ${id}.yaml
# Use it with: critic run --rubric ${id}   (from a project with rubrics/${id}.yaml, or give the path)
id: ${id}
title: ${id.replace(/[-_]/g, " ").replace(/^\w/, (c) => c.toUpperCase())}
# One question the critic answers about the output. Say what counts and what does not.
question: >-
  Does the output ...? Judge only ...; ignore ....
# Texts the critic sees: input, output, reference, conversation, or any column of your dataset
# (context for retrieved documents, for instance). A column the dataset lacks stops the run (exit 2).
inputs: [input, output]
# For a conversation (a messages column): last-turn rates the final reply, conversation the whole exchange.
judge: last-turn
# Describe every level, worst (1) to best (7), as something a reader can check in the text:
# a count, a condition, a kind of mistake. Each level must differ from its neighbours.
# Seven levels is the default and the recommendation; ${MIN_LEVELS} to ${MAX_LEVELS} are accepted where a team already has a scale.
scale:
  7: >-
    TODO best: what an output must do, all of it, to deserve the top level.
  6: >-
    TODO: as 7, except for exactly one minor lapse (say which kind).
  5: >-
    TODO: minor lapses only, two or more, or one harmless addition.
  4: >-
    TODO acceptable: the main point is right, one substantive problem.
  3: >-
    TODO: two or more substantive problems.
  2: >-
    TODO: the main point is wrong, some details still right.
  1: >-
    TODO worst: nothing of substance is right, or it is about something else.
`;
}

const SAMPLE = { input: "<the dataset's input>", output: "<the output being rated>", reference: "<the reference answer>" };

export const rubricCommand: Command = {
  name: "rubric",
  summary: "check a rubric and print it as the critic sees it, or write a template for a new one",
  usage: "check FILE|ID | new ID [--out FILE]",
  allowPositionals: true,
  flags: { out: { type: "string" } },
  flagHelp: { out: "where `new` writes the template (default ID.yaml)" },
  async run({ values, positionals }, io) {
    const [action, arg, ...rest] = positionals;
    if (!arg || rest.length || (action !== "check" && action !== "new")) throw new ConfigError("usage: critic rubric check FILE|ID, or critic rubric new ID");
    if (action === "new") {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(arg)) throw new ConfigError(`"${arg}" is not a rubric id: use lower-case letters, digits, - or _`);
      const file = resolve(io.cwd, (values.out as string | undefined) ?? `${arg}.yaml`);
      if (existsSync(file)) throw new ConfigError(`${relative(io.cwd, file)} already exists; not overwriting it`);
      await writeFile(file, rubricTemplate(arg));
      io.stdout(`Wrote ${relative(io.cwd, file) || file}: fill in the question and the seven levels, then run: critic rubric check ${relative(io.cwd, file)}`);
      return 0;
    }
    const rubric = /\.ya?ml$/i.test(arg) || arg.includes("/") ? await loadRubricFile(resolve(io.cwd, arg)) : await resolveRubric(arg, [resolve(io.cwd, "rubrics")]);
    const k = rubric.levels.length;
    const placeholders = rubric.levels.filter((l) => l.includes("TODO"));
    io.stdout(`${rubric.file}: valid rubric "${rubric.id}" with ${k} levels${k === 7 ? "" : " (7 is the recommendation)"}, inputs ${rubric.inputs.join(", ")}${rubric.judge === "conversation" ? ", judging the whole conversation" : ""}.`);
    if (placeholders.length || rubric.question.includes("...")) io.stdout(`Note: ${placeholders.length} level descriptions still say TODO${rubric.question.includes("...") ? " and the question still has ..." : ""}: replace the template text.`);
    const columns = Object.fromEntries(rubric.inputs.filter((c) => !["input", "output", "reference", "conversation"].includes(c)).map((c) => [c, `<the dataset's ${c} column>`]));
    const [system, user] = criticMessages(rubric, { ...SAMPLE, columns });
    io.stdout("\nAs the critic sees it (system, then user message):\n");
    io.stdout(system!.content);
    io.stdout("");
    io.stdout(user!.content);
    return 0;
  },
};
