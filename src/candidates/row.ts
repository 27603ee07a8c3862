import type { DatasetRow } from "../data/dataset.js";
import type { TaskRow } from "./types.js";

/** A dataset row as the user's code sees it: every column by name, the conversation as a list. */
export function taskRow(row: DatasetRow): TaskRow {
  return { ...row.meta, id: row.id, input: row.input, reference: row.reference, ...(row.messages ? { messages: row.messages } : {}) };
}
