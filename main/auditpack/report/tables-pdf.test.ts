import { describe, expect, it } from 'vitest';
import { AuditPackIndex } from '../../../shared/domain/audit-pack.ts';
import { evaluateControlMap } from '../compliance/control-map.ts';
import { CONTROLS } from '../compliance/controls.ts';
import { CRAFTED_AT, fullDeriveInput } from '../compliance/testing/crafted-input.ts';
import { controlMapPdf, indexPdf } from './tables-pdf.ts';
import { extractPdfText } from './testing/pdf-text.ts';

const META = { org: 'acme', at: CRAFTED_AT, period: { from: '2025-11-28T12:00:00.000Z', to: CRAFTED_AT }, packSha256: 'c'.repeat(64) };

describe('controlMapPdf', () => {
  it('is byte-identical for the same rows and lists every control with its ids and status', async () => {
    const rows = evaluateControlMap(fullDeriveInput({ 'chaos.failed': 3 }));
    const a = await controlMapPdf(rows, META);
    expect(a.equals(await controlMapPdf(rows, META))).toBe(true);
    const t = extractPdfText(a);
    expect(t.creationDate).toBe('D:20261128120000Z');
    expect(t.text).toContain('Control map: acme');
    expect(t.text).toContain(`Pack SHA-256${'c'.repeat(64)}`);
    for (const c of CONTROLS) expect(t.text).toContain(`${c.controlId}${c.title}`);
    expect(t.text).toContain('3 fault-injection drills failed in the period.');
    expect(t.text).toContain(`Page 1 of ${t.pages}`);
  });
});

describe('indexPdf', () => {
  it('is byte-identical for the same index and lists every file with its hash prefix, and the facts', async () => {
    const input = fullDeriveInput({ 'audit.chainValid': true });
    const index = AuditPackIndex.parse({
      format: 'compliance-workbench/audit-pack',
      formatVersion: '1.0',
      org: 'acme',
      period: input.period,
      at: CRAFTED_AT,
      workbench: { version: '0.1.0', store: 'sqlite' },
      entries: input.entries,
      facts: input.facts,
    });
    const a = await indexPdf(index);
    expect(a.equals(await indexPdf(index))).toBe(true);
    const t = extractPdfText(a);
    expect(t.text).toContain('Audit pack index: acme');
    expect(t.text).toContain('Workbench version0.1.0 (sqlite)');
    for (const e of index.entries) expect(t.text).toContain(`${e.path}${e.sha256.slice(0, 16)}`);
    expect(t.text).toContain('audit.chainValidtrue');
  });
});
