/** One line of the `npm run bench` table. */
export interface BenchRow {
  area: string;
  metric: string;
  value: string;
  target: string;
  /** true = meets target, false = misses it, null = no target (informational). */
  ok: boolean | null;
}
