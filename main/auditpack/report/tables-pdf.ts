import type { AuditPackIndex, ControlMapRow } from '../../../shared/domain/audit-pack.ts';
import { controlMapTable, evidenceTable, factsTable, metaTable, pageFrame, renderPdf, statusSummary, type PackMeta } from './report-pdf.ts';

/** The view's "download as PDF" of the control map; same bytes for the same rows and meta. */
export async function controlMapPdf(rows: readonly ControlMapRow[], meta: PackMeta, options: { compress?: boolean } = {}): Promise<Buffer> {
  return renderPdf(
    {
      ...pageFrame(`Control map ${meta.org} · ${meta.at}`),
      pageOrientation: 'landscape',
      content: [{ text: `Control map: ${meta.org}`, style: 'h1' }, metaTable(meta), statusSummary(rows), controlMapTable(rows)],
    },
    { title: `Control map: ${meta.org}`, subject: `Controls and evidence status as of ${meta.at}`, at: meta.at, ...options },
  );
}

/** The view's "download as PDF" of index.json: the pack's identity, headline facts and every file. */
export async function indexPdf(index: AuditPackIndex, options: { compress?: boolean } = {}): Promise<Buffer> {
  const meta: PackMeta = { org: index.org, at: index.at, period: index.period, workbenchVersion: `${index.workbench.version} (${index.workbench.store})` };
  return renderPdf(
    {
      ...pageFrame(`Audit pack index ${index.org} · ${index.at}`),
      content: [
        { text: `Audit pack index: ${index.org}`, style: 'h1' },
        metaTable(meta),
        { text: `Format ${index.format} ${index.formatVersion}; ${index.entries.length} files.` },
        { text: 'Files', style: 'h2' },
        evidenceTable(index.entries, { perFile: true }),
        { text: 'Headline facts', style: 'h2' },
        factsTable(index.facts),
      ],
    },
    { title: `Audit pack index: ${index.org}`, subject: `index.json as of ${index.at}`, at: index.at, ...options },
  );
}
