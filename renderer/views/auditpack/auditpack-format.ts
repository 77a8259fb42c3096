import type { DownloadWhat } from '../../../shared/api/auditpack.ts';
import type { AuditPackIndexEntry, AuditPackSection } from '../../../shared/domain/audit-pack.ts';

/** What each section of a pack holds, in words. */
export const SECTION_TITLES: Record<AuditPackSection, string> = {
  policy: 'Policy sets and their history',
  simulation: 'Simulation reports',
  provenance: 'Provenance packs and verify reports',
  slo: 'SLO evidence',
  chaos: 'Chaos runs',
  budgets: 'Budgets and rate limits',
  audit: 'Audit events and chain verification',
  residency: 'Residency report',
  appeals: 'Appeal decisions',
  sbom: 'SBOM (CycloneDX)',
  compliance: 'Control map and OSCAL',
  report: 'Report (PDF)',
};

export const DOWNLOAD_LABELS: Record<DownloadWhat, string> = {
  pack: 'Pack (.tgz)',
  'index.json': 'Index JSON',
  'index.csv': 'Index CSV',
  'index.pdf': 'Index PDF',
  'control-map.json': 'Control map JSON',
  'control-map.csv': 'Control map CSV',
  'control-map.pdf': 'Control map PDF',
};

/** 1234567 → "1.2 MB" (decimal units, as file managers show them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Index entries grouped by section, sections in the order the index first lists them (it is sorted by path). */
export function groupBySection(entries: readonly AuditPackIndexEntry[]): Array<{ section: AuditPackSection; entries: AuditPackIndexEntry[]; bytes: number }> {
  const groups = new Map<AuditPackSection, AuditPackIndexEntry[]>();
  for (const e of entries) {
    const g = groups.get(e.section);
    if (g) g.push(e);
    else groups.set(e.section, [e]);
  }
  return [...groups].map(([section, list]) => ({ section, entries: list, bytes: list.reduce((n, e) => n + e.size, 0) }));
}

/** A progress line: "collect: residency (3 of 12)", a percentage for byte counts, or the label alone when the total is unknown. */
export function progressText(p: { label: string; done: number; total: number | null }): string {
  if (p.total === null || p.total === 0) return p.label;
  if (p.total > 1000) return `${p.label} (${Math.floor((p.done / p.total) * 100)}%)`;
  return `${p.label} (${p.done} of ${p.total})`;
}
