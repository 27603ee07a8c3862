/**
 * Pairwise verdicts as input (`critic compare --labels FILE`): one row per verdict, from a human
 * or an LLM judge, with `item`, `a`, `b`, `verdict` and optionally `rubric` and `judge`.
 * CSV/TSV (csv-parse) or JSONL. A verdict is A, B or tie (any case), or the name of one of the
 * two candidates; an empty verdict (or JSON null) is a missing one, a refusal, which the caller
 * counts as a tie or leaves out. Any other value stops the read at its file, line and field.
 */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { InputError } from "../errors.js";
import type { VerdictRow } from "../stats/pairwise.js";

export interface PairwiseLabel extends VerdictRow {
  rubric: string | null;
  judge: string | null;
  /** Physical line in the file, for messages. */
  line: number;
}

export interface PairwiseLabelTable {
  file: string;
  rows: PairwiseLabel[];
  /** Candidates in order of first appearance. */
  candidates: string[];
  /** Rubric ids in order of first appearance (empty when the file has no rubric column). */
  rubrics: string[];
}

const text = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const RowSchema = z.object({
  item: text.pipe(z.string().min(1, "is empty")),
  a: text.pipe(z.string().min(1, "is empty")),
  b: text.pipe(z.string().min(1, "is empty")),
  verdict: z.union([text, z.null()]).optional(),
  rubric: z.union([text, z.null()]).optional(),
  judge: z.union([text, z.null()]).optional(),
});

/** "a" | "b" | "tie" for a recognised verdict, null for a missing one, undefined for anything else. */
function verdictOf(raw: string | null | undefined, a: string, b: string): VerdictRow["verdict"] | undefined {
  if (raw === null || raw === undefined || raw === "") return null;
  const v = raw.toLowerCase();
  if (v === "a" || raw === a) return "a";
  if (v === "b" || raw === b) return "b";
  if (v === "tie" || v === "draw") return "tie";
  return undefined;
}

/** Records of a CSV/TSV or JSONL file, with the line each ends on. */
function recordsOf(file: string, body: string): { record: unknown; line: number }[] {
  if (/\.jsonl?$/i.test(file)) {
    const out: { record: unknown; line: number }[] = [];
    body.split(/\r?\n/).forEach((l, i) => {
      if (!l.trim()) return;
      try {
        out.push({ record: JSON.parse(l), line: i + 1 });
      } catch (e) {
        throw new InputError({ file, line: i + 1 }, `not valid JSON: ${(e as Error).message}`);
      }
    });
    return out;
  }
  try {
    const rows = parse(body, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), delimiter: /\.(tsv|tab)$/i.test(file) ? "\t" : ",", info: true, skip_empty_lines: true, bom: true, trim: true }) as { record: Record<string, string>; info: { lines: number } }[];
    return rows.map((r) => ({ record: r.record, line: r.info.lines }));
  } catch (e) {
    throw new InputError({ file, line: (e as { lines?: number }).lines }, (e as Error).message);
  }
}

/**
 * Read a pairwise verdict file.
 *
 * @example
 * const t = await readPairwiseLabels("verdicts.csv"); // item,a,b,verdict\nq1,v1,v2,A
 * itemWinsFromVerdicts(t.rows, t.candidates, { missing: "tie" });
 */
export async function readPairwiseLabels(file: string): Promise<PairwiseLabelTable> {
  let body: string;
  try {
    body = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError({ file }, `cannot read: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message}`);
  }
  const records = recordsOf(file, body);
  if (!records.length) throw new InputError({ file }, "no verdict rows (expected columns item, a, b, verdict)");
  const rows: PairwiseLabel[] = [];
  const candidates: string[] = [];
  const rubrics: string[] = [];
  const add = (list: string[], x: string) => {
    if (!list.includes(x)) list.push(x);
  };
  for (const { record, line } of records) {
    if (typeof record !== "object" || record === null || Array.isArray(record)) throw new InputError({ file, line }, "expected an object with item, a, b and verdict");
    const parsed = RowSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? "");
      const missingField = (record as Record<string, unknown>)[field] === undefined;
      throw new InputError({ file, line, field }, missingField ? `is missing (each row needs item, a, b and verdict)` : issue.message);
    }
    const r = parsed.data;
    if (r.a === r.b) throw new InputError({ file, line, field: "b" }, `"${r.b}" is the same candidate as a: a verdict compares two different candidates`);
    if (!("verdict" in (record as object))) throw new InputError({ file, line, field: "verdict" }, "is missing (each row needs item, a, b and verdict)");
    const verdict = verdictOf(r.verdict, r.a, r.b);
    if (verdict === undefined) throw new InputError({ file, line, field: "verdict" }, `"${r.verdict}" is not A, B, tie, ${r.a} or ${r.b} (leave it empty for a missing verdict)`);
    add(candidates, r.a);
    add(candidates, r.b);
    if (r.rubric) add(rubrics, r.rubric);
    rows.push({ item: r.item, a: r.a, b: r.b, verdict, rubric: r.rubric || null, judge: r.judge || null, line });
  }
  return { file, rows, candidates, rubrics };
}
