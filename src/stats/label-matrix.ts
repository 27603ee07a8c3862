/**
 * LabelMatrix: the dense, typed form every label model works on (methods.md §1.1 notation:
 * items i, labelers j, classes k). Built from long-format rows; -1 marks "no label".
 */

/** One observation in long format. `null` label = the labeler abstained. */
export interface LabelRow {
  item: string;
  labeler: string;
  label: string | number | null;
}

export interface LabelMatrix {
  nItems: number;
  nLabelers: number;
  /** Number of classes. */
  k: number;
  /** Row-major nItems x nLabelers class indices; -1 = abstained or never asked. */
  labels: Int32Array;
  itemIds: string[];
  labelerIds: string[];
  /** Class index -> value: sorted distinct strings, or the integers min..max of an ordinal scale. */
  classValues: Array<string | number>;
  /** True when classes are consecutive integers, so index distance is scale distance. */
  ordinal: boolean;
  /** Repeated (item, labeler) rows: the first label is kept, later ones counted here. */
  duplicates: number;
  /** Items that appear in the input but carry no label at all (kept, posterior = prior). */
  unlabeledItems: string[];
}

export interface BuildOptions {
  /** Scale size for integer labels. With k, a scale starting at 1 (or 0) is 1..k (0..k-1). */
  k?: number;
  /** Extra values that must be classes (e.g. gold values absent from the labels). */
  extraValues?: Array<string | number>;
  /** Items to include even if no row mentions them (e.g. gold-only items). */
  extraItems?: string[];
}

const INT = /^-?\d+$/;

function isIntegerValue(v: string | number): boolean {
  return typeof v === "number" ? Number.isInteger(v) : INT.test(v.trim());
}

/** Decide the class values: an integer scale (ordinal) or sorted categorical strings. */
export function classValuesFor(
  values: Iterable<string | number>,
  k?: number,
): { classValues: Array<string | number>; ordinal: boolean } {
  const distinct = new Set<string | number>();
  for (const v of values) distinct.add(typeof v === "number" ? v : v.trim());
  const all = [...distinct];
  if (all.length > 0 && all.every(isIntegerValue)) {
    const nums = all.map(Number);
    let lo = Math.min(...nums);
    let hi = Math.max(...nums);
    if (k !== undefined) {
      // Anchor a K-point scale at its usual origin: 1..K, or 0..K-1 when a 0 is present.
      const start = lo === 0 ? 0 : lo >= 1 && hi <= k ? 1 : lo;
      if (hi - start + 1 > k) throw new RangeError(`labels span ${lo}..${hi}, more than --k ${k} levels`);
      lo = start;
      hi = start + k - 1;
    }
    const classValues: number[] = [];
    for (let v = lo; v <= hi; v++) classValues.push(v);
    return { classValues, ordinal: true };
  }
  if (all.length === 0 && k !== undefined) {
    return { classValues: Array.from({ length: k }, (_, i) => i + 1), ordinal: true };
  }
  const strs = [...new Set(all.map(String))].sort();
  if (k !== undefined && strs.length > k) throw new RangeError(`${strs.length} distinct labels, more than --k ${k}`);
  return { classValues: strs, ordinal: false };
}

/** Map a raw label to its class index under `classValues` (-1 when not a class). */
export function classIndexer(m: Pick<LabelMatrix, "classValues" | "ordinal">): (v: string | number) => number {
  if (m.ordinal) {
    const lo = m.classValues[0] as number;
    const k = m.classValues.length;
    return (v) => {
      const x = typeof v === "number" ? v : INT.test(v.trim()) ? Number(v) : Number.NaN;
      const idx = x - lo;
      return Number.isInteger(idx) && idx >= 0 && idx < k ? idx : -1;
    };
  }
  const map = new Map(m.classValues.map((v, i) => [String(v), i]));
  return (v) => map.get(typeof v === "number" ? String(v) : v.trim()) ?? -1;
}

/**
 * Build a LabelMatrix from long-format rows.
 * Duplicates: the first label a labeler gives an item is kept (methods.md §1.3 asks for a
 * documented decision; keep-first moves S_Rel MV/DS by about 0.2 pp) and the rest are counted.
 * @example buildLabelMatrix([{item:"a",labeler:"w1",label:3}], {k:7}).k // 7
 */
export function buildLabelMatrix(rows: readonly LabelRow[], opts: BuildOptions = {}): LabelMatrix {
  const itemIndex = new Map<string, number>();
  const labelerIndex = new Map<string, number>();
  const values: Array<string | number> = [...(opts.extraValues ?? [])];
  for (const r of rows) {
    if (!itemIndex.has(r.item)) itemIndex.set(r.item, itemIndex.size);
    if (r.label === null) continue;
    if (!labelerIndex.has(r.labeler)) labelerIndex.set(r.labeler, labelerIndex.size);
    values.push(r.label);
  }
  for (const it of opts.extraItems ?? []) if (!itemIndex.has(it)) itemIndex.set(it, itemIndex.size);
  const { classValues, ordinal } = classValuesFor(values, opts.k);
  const nItems = itemIndex.size;
  const nLabelers = labelerIndex.size;
  const labels = new Int32Array(nItems * nLabelers).fill(-1);
  const toIndex = classIndexer({ classValues, ordinal });
  let duplicates = 0;
  for (const r of rows) {
    if (r.label === null) continue;
    const cell = itemIndex.get(r.item)! * nLabelers + labelerIndex.get(r.labeler)!;
    if (labels[cell] >= 0) duplicates++;
    else labels[cell] = toIndex(r.label);
  }
  const m: LabelMatrix = {
    nItems,
    nLabelers,
    k: classValues.length,
    labels,
    itemIds: [...itemIndex.keys()],
    labelerIds: [...labelerIndex.keys()],
    classValues,
    ordinal,
    duplicates,
    unlabeledItems: [],
  };
  m.unlabeledItems = unlabeledItems(m);
  return m;
}

function unlabeledItems(m: LabelMatrix): string[] {
  const out: string[] = [];
  for (let i = 0; i < m.nItems; i++) {
    let any = false;
    for (let j = 0; j < m.nLabelers && !any; j++) any = m.labels[i * m.nLabelers + j] >= 0;
    if (!any) out.push(m.itemIds[i]);
  }
  return out;
}

/**
 * Wrap an existing dense label array (simulations, benchmarks). Classes are 1..k, ordinal.
 * @example fromDense(new Int32Array([0, 1, -1, 1]), 2, 2, 2).nItems // 2
 */
export function fromDense(labels: Int32Array, nItems: number, nLabelers: number, k: number): LabelMatrix {
  if (labels.length !== nItems * nLabelers) throw new RangeError("labels.length must be nItems * nLabelers");
  const m: LabelMatrix = {
    nItems,
    nLabelers,
    k,
    labels,
    itemIds: Array.from({ length: nItems }, (_, i) => String(i)),
    labelerIds: Array.from({ length: nLabelers }, (_, j) => String(j)),
    classValues: Array.from({ length: k }, (_, c) => c + 1),
    ordinal: true,
    duplicates: 0,
    unlabeledItems: [],
  };
  m.unlabeledItems = unlabeledItems(m);
  return m;
}

/** Map gold values per item id to a class-index array aligned with m.itemIds (-1 = no gold). */
export function goldIndex(m: LabelMatrix, gold: ReadonlyMap<string, string | number>): Int32Array {
  const toIndex = classIndexer(m);
  const out = new Int32Array(m.nItems).fill(-1);
  for (let i = 0; i < m.nItems; i++) {
    const g = gold.get(m.itemIds[i]);
    if (g !== undefined) out[i] = toIndex(g);
  }
  return out;
}
