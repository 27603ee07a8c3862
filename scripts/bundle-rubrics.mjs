// Parse the bundled rubrics once, at build time, into dist/bundled-rubrics.json ([text, document]
// pairs), so a run that uses only bundled rubrics does not load the YAML parser (src/config/rubric.ts).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";

const dir = new URL("../rubrics/", import.meta.url);
const entries = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => {
    const text = readFileSync(new URL(f, dir), "utf8");
    return [text, parse(text)];
  });
writeFileSync(new URL("../dist/bundled-rubrics.json", import.meta.url), JSON.stringify(entries));
