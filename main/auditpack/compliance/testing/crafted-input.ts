import { createHash } from 'node:crypto';
import { AuditPackIndexEntry, type AuditPackSection } from '../../../../shared/domain/audit-pack.ts';
import type { DeriveInput } from '../../pack-file.ts';
import { PACK_PATHS } from '../../pack-paths.ts';

/** Test inputs for the compliance and report derivers: a pack as the collectors would leave it. */

export const CRAFTED_AT = '2026-11-28T12:00:00.000Z';

export const daysBefore = (d: number, at = CRAFTED_AT) => new Date(Date.parse(at) - d * 86_400_000).toISOString();

/** Paths a collector writes (derived files, index.json and report.pdf come after the control map is judged). */
export const COLLECTED_PATHS: readonly string[] = Object.entries(PACK_PATHS)
  .filter(([key]) => !['index', 'report', 'controlMapCsv', 'controlMapJson', 'oscalAssessmentResults'].includes(key))
  .map(([, path]) => path);

export const PROVENANCE_DIRS: readonly string[] = [PACK_PATHS.provenancePacksDir, PACK_PATHS.provenanceVerifyReportsDir];

export function craftedEntry(path: string, over: Partial<AuditPackIndexEntry> = {}): AuditPackIndexEntry {
  return AuditPackIndexEntry.parse({
    path,
    section: path.split('/')[0] as AuditPackSection,
    title: `Evidence ${path}`,
    mediaType: path.endsWith('.csv') ? 'text/csv' : 'application/json',
    size: 10 + path.length,
    sha256: createHash('sha256').update(path).digest('hex'),
    records: 3,
    asOf: CRAFTED_AT,
    ...over,
  });
}

/** Every collector wrote its files (one provenance pack "demo"), each holding records and dated at the reference time. */
export function fullDeriveInput(facts: DeriveInput['facts'] = {}, charts: DeriveInput['charts'] = []): DeriveInput {
  const paths = COLLECTED_PATHS.flatMap((p) =>
    p === PACK_PATHS.provenancePacksDir ? [`${p}/demo/evidence.csv`, `${p}/demo/manifest.json`] : p === PACK_PATHS.provenanceVerifyReportsDir ? [`${p}/demo.json`] : [p],
  );
  return {
    org: 'acme',
    period: { from: '2025-11-28T12:00:00.000Z', to: CRAFTED_AT },
    at: CRAFTED_AT,
    workbenchVersion: '0.1.0',
    entries: [...paths].sort().map((p) => craftedEntry(p)),
    facts,
    charts,
  };
}

/** The input with one entry replaced (`over`) or removed (null). */
export function withEntry(input: DeriveInput, path: string, over: Partial<AuditPackIndexEntry> | null): DeriveInput {
  return { ...input, entries: input.entries.flatMap((e) => (e.path !== path ? [e] : over === null ? [] : [craftedEntry(path, over)])) };
}
