import type { Hint, HintPayload, UsageReport } from '../../../shared/api/costguard.ts';

/** A piece of the query text, with the hints that point at it. */
export interface Segment {
  text: string;
  hints: Hint[];
}

/**
 * Where a hint's fragment sits in the query as the user wrote it. The analyzer prints
 * fragments canonically (quoted identifiers, upper-case keywords), so the match ignores
 * double quotes, case and runs of whitespace. Returns [start, end) in `sql`, or undefined.
 */
export function locateFragment(sql: string, fragment: string): [number, number] | undefined {
  const norm: string[] = [];
  const at: number[] = [];
  let lastSpace = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === '"') continue;
    if (/\s/.test(c)) {
      if (lastSpace) continue;
      lastSpace = true;
      norm.push(' ');
    } else {
      lastSpace = false;
      norm.push(c.toLowerCase());
    }
    at.push(i);
  }
  const needle = fragment.replaceAll('"', '').replace(/\s+/g, ' ').trim().toLowerCase();
  if (needle === '') return undefined;
  const hay = norm.join('');
  const found = hay.indexOf(needle);
  if (found === -1) return undefined;
  let start = at[found]!;
  let end = at[found + needle.length - 1]! + 1;
  // Keep the quotes around a quoted identifier at either edge inside the mark.
  if (sql[start - 1] === '"') start--;
  if (sql[end] === '"') end++;
  return [start, end];
}

/** The query cut into segments, each hint attached where its fragment is (or to the whole query). */
export function segmentsOf(sql: string, hints: readonly Hint[]): { segments: Segment[]; unplaced: Hint[] } {
  const marks: Array<{ start: number; end: number; hint: Hint }> = [];
  const unplaced: Hint[] = [];
  for (const h of hints) {
    const range = h.fragment ? locateFragment(sql, h.fragment) : undefined;
    if (range) marks.push({ start: range[0], end: range[1], hint: h });
    else unplaced.push(h);
  }
  const cuts = [...new Set([0, sql.length, ...marks.flatMap((m) => [m.start, m.end])])].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    if (a === b) continue;
    segments.push({ text: sql.slice(a, b), hints: marks.filter((m) => m.start <= a && m.end >= b).map((m) => m.hint) });
  }
  return { segments, unplaced };
}

/** "6000 → 14.05 (−99.8%)" */
export function costChange(payload: HintPayload): string | undefined {
  if (!payload.rewrite) return undefined;
  const before = payload.estimatedCost;
  const after = payload.rewrite.estimatedCost;
  const pct = before > 0 ? ((after - before) / before) * 100 : 0;
  return `${formatCost(before)} → ${formatCost(after)} (${pct <= 0 ? '−' : '+'}${Math.abs(pct).toFixed(1)}%)`;
}

export function formatCost(n: number): string {
  if (n >= 1e9) return n.toExponential(2);
  return n >= 100 ? Math.round(n).toLocaleString('en') : String(Math.round(n * 100) / 100);
}

export const COST_MODEL_LABEL: Record<HintPayload['costModel'], string> = {
  'sqlite-plan-model': 'SQLite plan model',
  'postgres-planner': 'PostgreSQL planner cost',
  'cypher-pattern': 'Cypher pattern score',
};

/** One row per minute: allowed and limited calls per namespace (`<ns> allowed`, `<ns> limited`). */
export function usageChartData(report: UsageReport): { rows: Array<Record<string, string | number>>; namespaces: string[] } {
  const namespaces = [...new Set(report.minutes.map((m) => m.namespace))].sort();
  const byMinute = new Map<string, Record<string, string | number>>();
  for (const m of report.minutes) {
    const row = byMinute.get(m.minute) ?? { minute: m.minute.slice(11, 16) };
    row[`${m.namespace} allowed`] = m.allowed;
    row[`${m.namespace} limited`] = m.limited;
    byMinute.set(m.minute, row);
  }
  const rows = [...byMinute.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
  for (const r of rows) for (const ns of namespaces) for (const k of [`${ns} allowed`, `${ns} limited`]) r[k] ??= 0;
  return { rows, namespaces };
}
