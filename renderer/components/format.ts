/**
 * `2026-11-20T09:07:00.000Z` → `2026-11-20 09:07:00 UTC`. The workbench keeps UTC
 * everywhere; showing it as UTC (not the viewer's zone) keeps screens and reports comparable.
 */
export function formatUtc(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** First 12 hex digits, enough to tell digests apart on screen; the full digest goes in a tooltip. */
export function shortHash(hex: string | null): string {
  return hex ? hex.slice(0, 12) + '…' : '—';
}

/** Distinct non-empty values, sorted, for filter menus. */
export function distinctSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].filter(Boolean).sort();
}

/**
 * Shortens long text in the middle, keeping the start and the (more telling) end:
 * `/home/me/.config/Compliance Workbench/workbench.sqlite` → `/home/me/…/workbench.sqlite`.
 */
export function middleEllipsis(text: string, max: number): string {
  if (max < 5) throw new RangeError(`max must be at least 5, got ${max}`);
  if (text.length <= max) return text;
  const tail = Math.ceil((max - 1) * 0.65);
  const head = max - 1 - tail;
  return text.slice(0, head) + '…' + text.slice(text.length - tail);
}
