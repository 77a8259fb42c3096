import type { RowSet } from '../engine/engine.ts';

/** One row as a comparable key: values typed, so 1 and '1' differ. */
function rowKey(row: readonly unknown[]): string {
  return JSON.stringify(row.map((v) => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
}

function counts(rows: readonly (readonly unknown[])[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = rowKey(r);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/**
 * Whether two results hold the same rows as multisets (order aside: a different plan may
 * return ties or unordered rows in another order). With `kept`, the original is first
 * projected onto those output columns, which must be exactly the rewrite's columns.
 * Returns true, or what differs.
 */
export function sameRows(original: RowSet, rewritten: RowSet, kept?: readonly string[]): true | string {
  let before = original.rows;
  if (kept) {
    const wanted = kept.map((k) => k.toLowerCase());
    const got = rewritten.columns.map((c) => c.toLowerCase());
    if (wanted.join(',') !== got.join(',')) return `columns ${got.join(', ')} are not the kept columns ${wanted.join(', ')}`;
    const names = original.columns.map((c) => c.toLowerCase());
    const at = wanted.map((w) => names.indexOf(w));
    const missing = wanted.filter((_, i) => at[i] === -1);
    if (missing.length > 0) return `the original has no column ${missing.join(', ')}`;
    before = before.map((r) => at.map((i) => r[i]));
  } else if (original.columns.length !== rewritten.columns.length) {
    return `${original.columns.length} columns before, ${rewritten.columns.length} after`;
  }
  if (before.length !== rewritten.rows.length) return `${before.length} rows before, ${rewritten.rows.length} after`;
  const a = counts(before);
  const b = counts(rewritten.rows);
  for (const [k, n] of a) {
    if (b.get(k) !== n) return `row ${k} appears ${n} time(s) before and ${b.get(k) ?? 0} after`;
  }
  return true;
}
