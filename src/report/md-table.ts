/** Escape untrusted text for one Markdown table cell or inline position. */
export function md(s: string): string {
  return s
    .replace(/[\r\n\t\f\v\u2028\u2029]+/g, " ")
    .replace(/[\\`*_[\]<>|~&#]/g, (c) => `\\${c}`)
    .trim();
}

export function table(head: string[], rows: string[][], align?: ("l" | "r")[]): string {
  const sep = head.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  return [head, sep, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

