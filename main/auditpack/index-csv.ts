import type { AuditPackIndex } from '../../shared/domain/audit-pack.ts';
import { csvText } from '../csv.ts';

export const INDEX_CSV_HEADER = ['path', 'section', 'title', 'media_type', 'size', 'sha256', 'records', 'as_of'] as const;

/** index.json's entries as CSV (RFC 4180, CRLF), one row per file in index order; same index → same bytes. */
export function indexCsv(index: AuditPackIndex): string {
  const rows = index.entries.map((e) => [e.path, e.section, e.title, e.mediaType, String(e.size), e.sha256, e.records === undefined ? '' : String(e.records), e.asOf ?? '']);
  return csvText([INDEX_CSV_HEADER, ...rows]);
}
