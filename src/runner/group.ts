/**
 * Items grouped by key, each group in input order (Map.groupBy needs Node 21).
 *
 * @example
 * groupBy(judgments, (j) => j.rubric).get("politeness"); // that rubric's judgments
 */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
