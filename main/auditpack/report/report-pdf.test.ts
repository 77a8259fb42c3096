import { describe, expect, it } from 'vitest';
import type { ChartSeries } from '../pack-file.ts';
import { evaluateControlMap } from '../compliance/control-map.ts';
import { CONTROLS } from '../compliance/controls.ts';
import { CRAFTED_AT, fullDeriveInput, withEntry } from '../compliance/testing/crafted-input.ts';
import { barChart, formatBytes, reportPdf, summariseEntries } from './report-pdf.ts';
import { extractPdfText } from './testing/pdf-text.ts';

const CHARTS: ChartSeries[] = [
  { id: 'slo.appealsSlaWeekly', title: 'Appeals decided within SLA', unit: '%', points: Array.from({ length: 12 }, (_, i) => ({ label: `2026-W${36 + i}`, value: 80 + i * 1.5 })) },
  { id: 'audit.eventsPerDay', title: 'Audit events per day', unit: 'events', points: Array.from({ length: 90 }, (_, i) => ({ label: `day-${i}`, value: (i * 7) % 13 })) },
];
const input = () => fullDeriveInput({ 'audit.chainValid': true, 'chaos.failed': 1, 'policy.setSha256': 'f'.repeat(64) }, CHARTS);

describe('reportPdf', () => {
  it('renders byte-identical PDFs for the same input, with /ID, CreationDate and ModDate fixed by the reference time', async () => {
    const i = input();
    const rows = evaluateControlMap(i);
    const [a, b] = [await reportPdf(i, rows), await reportPdf(input(), evaluateControlMap(input()))];
    expect(a.subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
    expect(a.equals(b)).toBe(true);
    const t = extractPdfText(a);
    expect(t.creationDate).toBe('D:20261128120000Z');
    expect(t.modDate).toBe('D:20261128120000Z');
    expect(t.id).toMatch(/^[0-9a-f]{32}$/);
    // A different reference time gives different dates and a different /ID.
    const later = { ...i, at: '2026-11-29T12:00:00.000Z' };
    const c = extractPdfText(await reportPdf(later, evaluateControlMap(later)));
    expect(c.creationDate).toBe('D:20261129120000Z');
    expect(c.id).not.toBe(t.id);
  });

  it('holds the summary, every control id with its status, the charts, evidence pointers and page numbers as text', async () => {
    const i = withEntry(input(), 'sbom/workbench.cdx.json', null);
    const t = extractPdfText(await reportPdf(i, evaluateControlMap(i)));
    expect(t.text).toContain('Audit pack report: acme');
    expect(t.text).toContain(`Reference time${CRAFTED_AT}`);
    expect(t.text).toContain(`${CONTROLS.length} controls: ${CONTROLS.length - 2} present, 2 missing, 0 stale.`);
    for (const c of CONTROLS) expect(t.text, c.controlId).toContain(c.controlId);
    expect(t.text).toContain('CW-BC-01Fault-injection drills show nothing is lost when a process or connection dies1 fault-injection drill failed in the period.chaos/chaos-runs.jsonA1.2, A1.3A.5.30, A.5.29missing');
    expect(t.text).toContain('Evidence not in the pack: sbom/workbench.cdx.json.');
    expect(t.text).toContain('policy.setSha256' + 'f'.repeat(64));
    expect(t.text).toContain('Appeals decided within SLA (%)');
    expect(t.text).toContain('2026-W36: 80   2026-W37: 81.50');
    expect(t.text).toContain('Audit events per day (events)');
    expect(t.text).toContain('90 points, mean 6 events');
    const chain = i.entries.find((e) => e.path === 'audit/chain-verification.json')!;
    expect(t.text).toContain(`audit/chain-verification.json${chain.sha256.slice(0, 16)}${chain.size} B3${CRAFTED_AT}`);
    expect(t.text).toContain('provenance/packs/demo/2 files');
    expect(t.text).toContain(`Page 1 of ${t.pages}`);
    expect(t.text).toContain(`Page ${t.pages} of ${t.pages}`);
  });

  it('refuses a reference time that is not an ISO time', async () => {
    const i = { ...input(), at: 'now' };
    await expect(reportPdf(i, [])).rejects.toThrow('at: not an ISO time: "now"');
  });
});

describe('report building blocks', () => {
  it('summarises files inside provenance pack folders per pack and lists every other file', () => {
    const rows = summariseEntries(input().entries);
    expect(rows.filter((r) => r.path.startsWith('provenance/'))).toEqual([
      { path: 'provenance/packs/demo/', sha: '2 files', size: input().entries.filter((e) => e.path.startsWith('provenance/packs/demo/')).reduce((s, e) => s + e.size, 0), records: '', asOf: '' },
      expect.objectContaining({ path: 'provenance/summary.json', records: '3' }),
      expect.objectContaining({ path: 'provenance/verify-reports/demo.json' }),
    ]);
    expect(summariseEntries(input().entries, { perFile: true }).map((r) => r.path)).toEqual(input().entries.map((e) => e.path));
  });

  it('draws a bar per point scaled to the largest value, and says so when a series is empty', () => {
    const chart = barChart({ id: 'x', title: 'T', unit: 'ms', points: [{ label: 'a', value: 1 }, { label: 'b', value: 4 }] }) as { stack: Array<{ canvas?: Array<Record<string, number | string>> }> };
    const rects = chart.stack.find((s) => s.canvas)!.canvas!.filter((s) => s.type === 'rect');
    expect(rects.map((r) => [r.h, r.y])).toEqual([
      [27.5, 82.5],
      [110, 0],
    ]);
    expect(barChart({ id: 'x', title: 'T', unit: 'ms', points: [] })).toEqual({ stack: [{ text: 'T (ms)', style: 'h3' }, { text: 'No data points in the period.', italics: true }], unbreakable: true });
  });

  it('formats sizes without locale', () => {
    expect([formatBytes(10), formatBytes(2048), formatBytes(5 * 1024 * 1024), formatBytes(3 * 1024 ** 3)]).toEqual(['10 B', '2.0 KiB', '5.0 MiB', '3.00 GiB']);
  });
});
