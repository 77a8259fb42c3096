import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import type { AuditPackIndexEntry, ControlMapRow, ControlStatus } from '../../../shared/domain/audit-pack.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { ChartSeries, DeriveInput } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';
import { byteOrder, parseTime, statusCounts } from '../compliance/control-map.ts';

/**
 * PDFs of the audit pack (report.pdf, and the view's control map / index downloads) with
 * pdfmake 0.3. Bytes depend only on the input: the creation and modification dates are the
 * pack's reference time (pdfkit derives the file /ID from the info dictionary), fonts are the
 * Roboto files shipped inside pdfmake, and no URL or other local file may be read.
 */

/** pdfmake's document nodes are plain objects; only the shapes used here are written. */
export type PdfContent = string | number | PdfContent[] | { [key: string]: unknown };

export interface PdfDocument {
  content: PdfContent[];
  [key: string]: unknown;
}

interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

// Not named `require`: the bundler declares its own in the shared ESM chunk.
const requireCjs = createRequire(import.meta.url);
// pdfmake ships CommonJS without type declarations; the interface above is the part we use.
const pdfmake = requireCjs('pdfmake') as PdfMake;
const FONT_DIR = join(dirname(requireCjs.resolve('pdfmake/package.json')), 'fonts', 'Roboto');

export interface PdfInfo {
  title: string;
  subject: string;
  /** ISO time used as the creation and modification date. */
  at: string;
  /** Streams compressed (default); tests may switch it off. */
  compress?: boolean;
}

/** Render a document definition to PDF bytes that are the same for the same document and info. */
export async function renderPdf(doc: PdfDocument, info: PdfInfo): Promise<Buffer> {
  const when = new Date(parseTime(info.at, 'at'));
  pdfmake.setFonts({
    Roboto: {
      normal: join(FONT_DIR, 'Roboto-Regular.ttf'),
      bold: join(FONT_DIR, 'Roboto-Medium.ttf'),
      italics: join(FONT_DIR, 'Roboto-Italic.ttf'),
      bolditalics: join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
    },
  });
  pdfmake.setUrlAccessPolicy(() => false);
  const fontRoot = resolve(FONT_DIR) + sep;
  pdfmake.setLocalAccessPolicy((p) => resolve(p).startsWith(fontRoot));
  try {
    return await pdfmake
      .createPdf({
        pageSize: 'A4',
        pageMargins: [40, 50, 40, 50],
        defaultStyle: { font: 'Roboto', fontSize: 9 },
        styles: STYLES,
        ...doc,
        compress: info.compress ?? true,
        info: { title: info.title, subject: info.subject, creator: 'Compliance Workbench', producer: 'Compliance Workbench (pdfmake)', creationDate: when, modDate: when },
      })
      .getBuffer();
  } catch (e) {
    throw new WorkbenchError('INTERNAL', `rendering ${info.title} failed: ${(e as Error).message}`);
  }
}

const STYLES = {
  h1: { fontSize: 20, bold: true, margin: [0, 0, 0, 8] },
  h2: { fontSize: 14, bold: true, margin: [0, 14, 0, 6] },
  h3: { fontSize: 11, bold: true, margin: [0, 10, 0, 4] },
  th: { bold: true, fillColor: '#eeeeee' },
  small: { fontSize: 7.5 },
  muted: { color: '#555555' },
  mono: { fontSize: 7.5 },
};

const STATUS_COLOR: Record<ControlStatus, string> = { present: '#1b7f3b', missing: '#b3261e', stale: '#a15c00' };

/** Numbers as the same text on every machine (no locale). */
export function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Header and "page x of y" footer on every page. */
export function pageFrame(label: string): Pick<PdfDocument, 'header' | 'footer'> {
  return {
    header: { text: label, style: ['small', 'muted'], margin: [40, 20, 40, 0] },
    footer: (currentPage: number, pageCount: number) => ({ text: `Page ${currentPage} of ${pageCount}`, alignment: 'center', style: ['small', 'muted'], margin: [0, 15, 0, 0] }),
  };
}

export interface PackMeta {
  org: string;
  at: string;
  period?: { from: string; to: string };
  workbenchVersion?: string;
  packSha256?: string;
}

/** Key/value lines naming the pack. */
export function metaTable(meta: PackMeta): PdfContent {
  const rows: Array<[string, string]> = [['Organisation', meta.org]];
  if (meta.period) rows.push(['Period', `${meta.period.from} to ${meta.period.to} (to excluded)`]);
  rows.push(['Reference time', meta.at]);
  if (meta.workbenchVersion) rows.push(['Workbench version', meta.workbenchVersion]);
  if (meta.packSha256) rows.push(['Pack SHA-256', meta.packSha256]);
  return { table: { widths: [110, '*'], body: rows.map(([k, v]) => [{ text: k, bold: true }, v]) }, layout: 'noBorders', margin: [0, 0, 0, 6] };
}

export function statusSummary(rows: readonly ControlMapRow[]): PdfContent {
  const c = statusCounts(rows);
  return {
    text: [
      `${rows.length} controls: `,
      { text: `${c.present} present`, color: STATUS_COLOR.present, bold: true },
      ', ',
      { text: `${c.missing} missing`, color: STATUS_COLOR.missing, bold: true },
      ', ',
      { text: `${c.stale} stale`, color: STATUS_COLOR.stale, bold: true },
      '.',
    ],
    margin: [0, 4, 0, 4],
  };
}

/** The control map: id, title (with the reason when not present), SOC 2 ids, ISO ids, status. */
export function controlMapTable(rows: readonly ControlMapRow[]): PdfContent {
  const body: PdfContent[] = [
    [
      { text: 'Control', style: 'th' },
      { text: 'Title', style: 'th' },
      { text: 'SOC 2', style: 'th' },
      { text: 'ISO 27001', style: 'th' },
      { text: 'Status', style: 'th' },
    ],
  ];
  for (const r of rows) {
    body.push([
      { text: r.controlId, bold: true },
      { stack: [r.title, ...(r.statusReason ? [{ text: r.statusReason, italics: true, style: ['small', 'muted'] }] : []), { text: r.evidence.join(', '), style: ['mono', 'muted'] }] },
      r.soc2.join(', '),
      r.iso27001.join(', '),
      { text: r.status, color: STATUS_COLOR[r.status], bold: true },
    ]);
  }
  return { table: { headerRows: 1, widths: [48, '*', 52, 56, 42], body, dontBreakRows: true }, layout: 'lightHorizontalLines' };
}

/** Files inside provenance/packs/<name>/ are summarised per pack: the pack's own manifest lists each, as does index.json. */
export function summariseEntries(
  entries: readonly AuditPackIndexEntry[],
  options: { perFile?: boolean } = {},
): Array<{ path: string; sha: string; size: number; records: string; asOf: string }> {
  const out: Array<{ path: string; sha: string; size: number; records: string; asOf: string }> = [];
  const packs = new Map<string, { files: number; size: number }>();
  const prefix = `${PACK_PATHS.provenancePacksDir}/`;
  for (const e of [...entries].sort((a, b) => byteOrder(a.path, b.path))) {
    const rest = e.path.startsWith(prefix) ? e.path.slice(prefix.length) : null;
    if (!options.perFile && rest !== null && rest.includes('/')) {
      const folder = `${prefix}${rest.slice(0, rest.indexOf('/'))}/`;
      const p = packs.get(folder) ?? { files: 0, size: 0 };
      if (p.files === 0) out.push({ path: folder, sha: '', size: 0, records: '', asOf: '' });
      packs.set(folder, { files: p.files + 1, size: p.size + e.size });
      continue;
    }
    out.push({ path: e.path, sha: e.sha256.slice(0, 16), size: e.size, records: e.records === undefined ? '' : String(e.records), asOf: e.asOf ?? '' });
  }
  for (const row of out) {
    const p = packs.get(row.path);
    if (p) Object.assign(row, { sha: `${p.files} files`, size: p.size });
  }
  return out;
}

/** Path, SHA-256 prefix, size, records and date of each file (provenance pack folders summarised unless perFile). */
export function evidenceTable(entries: readonly AuditPackIndexEntry[], options: { perFile?: boolean } = {}): PdfContent {
  const body: PdfContent[] = [
    ['Path', 'SHA-256 (prefix)', 'Size', 'Records', 'As of'].map((t) => ({ text: t, style: 'th' })),
    ...summariseEntries(entries, options).map((r) => [
      { text: r.path, style: 'mono' },
      { text: r.sha, style: 'mono' },
      { text: formatBytes(r.size), alignment: 'right' },
      { text: r.records, alignment: 'right' },
      { text: r.asOf, style: 'small' },
    ]),
  ];
  return { table: { headerRows: 1, widths: ['*', 78, 48, 36, 86], body }, layout: 'lightHorizontalLines', fontSize: 8 };
}

const CHART_W = 515;
const CHART_H = 110;
const AXIS_X = 0;

/** A vector bar chart of one series (pdfmake canvas), with its scale, first and last labels, and the values when few. */
export function barChart(series: ChartSeries): PdfContent {
  const title = { text: `${series.title} (${series.unit})`, style: 'h3' };
  const points = series.points.filter((p) => Number.isFinite(p.value));
  if (points.length === 0) return { stack: [title, { text: 'No data points in the period.', italics: true }], unbreakable: true };
  const max = Math.max(...points.map((p) => p.value), 0);
  const min = Math.min(...points.map((p) => p.value), 0);
  const span = max - min || 1;
  const slot = CHART_W / points.length;
  const barW = Math.max(slot * 0.7, 0.5);
  const zeroY = CHART_H * (max / span);
  const shapes: PdfContent[] = points.map((p, i) => {
    const h = (Math.abs(p.value) / span) * CHART_H;
    return { type: 'rect', x: AXIS_X + i * slot + (slot - barW) / 2, y: p.value >= 0 ? zeroY - h : zeroY, w: barW, h: Math.max(h, 0), color: '#3a6ea5' };
  });
  shapes.push({ type: 'line', x1: AXIS_X, y1: zeroY, x2: CHART_W, y2: zeroY, lineWidth: 0.5, lineColor: '#333333' });
  shapes.push({ type: 'line', x1: AXIS_X, y1: 0, x2: AXIS_X, y2: CHART_H, lineWidth: 0.5, lineColor: '#333333' });
  const mean = points.reduce((s, p) => s + p.value, 0) / points.length;
  const parts: PdfContent[] = [
    title,
    { text: `max ${formatNumber(max)}${min < 0 ? `, min ${formatNumber(min)}` : ''} ${series.unit}`, style: ['small', 'muted'] },
    { canvas: shapes },
    {
      columns: [
        { text: points[0]!.label, style: ['small', 'muted'] },
        { text: `${points.length} points, mean ${formatNumber(mean)} ${series.unit}`, alignment: 'center', style: ['small', 'muted'] },
        { text: points[points.length - 1]!.label, alignment: 'right', style: ['small', 'muted'] },
      ],
      margin: [0, 2, 0, 0],
    },
  ];
  if (points.length <= 24) {
    parts.push({
      text: points.map((p) => `${p.label}: ${formatNumber(p.value)}`).join('   '),
      style: ['small'],
      margin: [0, 3, 0, 0],
    });
  }
  return { stack: parts, unbreakable: true, margin: [0, 0, 0, 8] };
}

/** Headline facts, by key. */
export function factsTable(facts: DeriveInput['facts']): PdfContent {
  const keys = Object.keys(facts).sort(byteOrder);
  if (keys.length === 0) return { text: 'No headline facts were collected.', italics: true };
  return {
    table: {
      headerRows: 1,
      widths: [170, '*'],
      body: [
        [
          { text: 'Fact', style: 'th' },
          { text: 'Value', style: 'th' },
        ],
        ...keys.map((k) => {
          const v = facts[k];
          return [{ text: k, style: 'mono' }, { text: v === null || v === undefined ? '—' : typeof v === 'number' ? formatNumber(v) : String(v), style: 'small' }];
        }),
      ],
    },
    layout: 'lightHorizontalLines',
  };
}

/** The document of report.pdf: summary, control map, SLO and other charts, evidence pointers. */
export function reportDocument(input: DeriveInput, rows: readonly ControlMapRow[]): PdfDocument {
  const totalBytes = input.entries.reduce((s, e) => s + e.size, 0);
  const charts = [...input.charts].sort((a, b) => byteOrder(a.id, b.id));
  const slo = charts.filter((c) => c.id.startsWith('slo.'));
  const other = charts.filter((c) => !c.id.startsWith('slo.'));
  return {
    ...pageFrame(`Audit pack ${input.org} · ${input.at}`),
    content: [
      { text: `Audit pack report: ${input.org}`, style: 'h1' },
      metaTable({ org: input.org, at: input.at, period: input.period, workbenchVersion: input.workbenchVersion }),
      { text: 'Summary', style: 'h2' },
      statusSummary(rows),
      { text: `${input.entries.length} files (${formatBytes(totalBytes)}) in the pack before this report. Every file, with its SHA-256, is listed in index.json and signed through manifest.json.` },
      { text: 'Headline facts', style: 'h3' },
      factsTable(input.facts),
      { text: 'Control map', style: 'h2', pageBreak: 'before' },
      { text: 'Each workbench control with the SOC 2 and ISO/IEC 27001:2022 Annex A ids it supports (ids only), its evidence in the pack and its status as of the reference time. docs/control-narrative.md explains each mapping.', margin: [0, 0, 0, 6] },
      controlMapTable(rows),
      { text: 'Service levels', style: 'h2', pageBreak: 'before' },
      ...(slo.length ? slo.map(barChart) : [{ text: 'No service-level series were collected.', italics: true }]),
      ...(other.length ? [{ text: 'Other series', style: 'h2' }, ...other.map(barChart)] : []),
      { text: 'Evidence pointers', style: 'h2', pageBreak: 'before' },
      { text: 'Files inside provenance pack folders are summarised per pack; index.json lists each with its hash.', margin: [0, 0, 0, 6] },
      evidenceTable(input.entries),
    ],
  };
}

/** report.pdf for the pack. */
export async function reportPdf(input: DeriveInput, rows: readonly ControlMapRow[], options: { compress?: boolean } = {}): Promise<Buffer> {
  return renderPdf(reportDocument(input, rows), {
    title: `Audit pack report: ${input.org}`,
    subject: `Period ${input.period.from} to ${input.period.to}, as of ${input.at}`,
    at: input.at,
    ...options,
  });
}
