/** Small helpers for reading untyped wire bodies in the simulator. */
export type Json = Record<string, unknown>;

export const isObj = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);

/** Text of a message `content` in either API: a string, or an array of `{type: "text", text}` parts. */
export function contentText(c: unknown): string {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  let s = "";
  for (const b of c) if (isObj(b) && b.type === "text" && typeof b.text === "string") s += b.text;
  return s;
}
