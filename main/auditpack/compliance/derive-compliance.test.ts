import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPackIndexEntry, ControlMapRow } from '../../../shared/domain/audit-pack.ts';
import { loadOrCreateWorkbenchKey } from '../../appeals/workbench-key.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../../policy/policy-workbench.ts';
import { createTempSqlite, type TempSqlite } from '../../store/testing/temp-sqlite.ts';
import { appealDecisionsCollector } from '../collectors/appeal-decisions.ts';
import { auditExportCollector } from '../collectors/audit-export.ts';
import { budgetsCollector } from '../collectors/budgets.ts';
import { chaosRunsCollector } from '../collectors/chaos-runs.ts';
import { policyBundleCollector } from '../collectors/policy-bundle.ts';
import { provenancePacksCollector } from '../collectors/provenance-packs.ts';
import { residencyReportCollector } from '../collectors/residency-report.ts';
import { sbomCollector } from '../collectors/sbom.ts';
import { simulationCollector } from '../collectors/simulation.ts';
import { sloEvidenceCollector } from '../collectors/slo-evidence.ts';
import { ensureDemoEvidencePack } from '../demo-evidence-pack.ts';
import type { ChartSeries, Collector, DeriveInput, PackFile } from '../pack-file.ts';
import { deriveReport } from '../report/derive-report.ts';
import { extractPdfText } from '../report/testing/pdf-text.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { controlMapCsv, evaluateControlMap, resolveEvidence } from './control-map.ts';
import { CONTROLS } from './controls.ts';
import { deriveCompliance } from './derive-compliance.ts';
import { CRAFTED_AT, fullDeriveInput } from './testing/crafted-input.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bytes = (f: PackFile) => {
  if (!Buffer.isBuffer(f.data)) throw new Error(`${f.path} is not in memory`);
  return f.data;
};

describe('deriveCompliance', () => {
  it('writes the control map as CSV and canonical JSON and the OSCAL results citing the JSON by hash', async () => {
    const input = fullDeriveInput({ 'chaos.failed': 1 });
    const files = await deriveCompliance(input);
    expect(files.map((f) => [f.path, f.section, f.mediaType, f.records, f.asOf])).toEqual([
      ['compliance/control-map.csv', 'compliance', 'text/csv', CONTROLS.length, CRAFTED_AT],
      ['compliance/control-map.json', 'compliance', 'application/json', CONTROLS.length, CRAFTED_AT],
      ['compliance/assessment-results.json', 'compliance', 'application/json', CONTROLS.length, CRAFTED_AT],
    ]);
    const rows = evaluateControlMap(input);
    expect(bytes(files[0]!).equals(controlMapCsv(rows))).toBe(true);
    expect(ControlMapRow.array().parse(JSON.parse(bytes(files[1]!).toString('utf8')))).toEqual(rows);
    const oscal = JSON.parse(bytes(files[2]!).toString('utf8')) as {
      'assessment-results': { 'import-ap': { href: string }; 'back-matter': { resources: Array<{ uuid: string; rlinks: Array<{ href: string; hashes: Array<{ value: string }> }> }> } };
    };
    const ar = oscal['assessment-results'];
    const plan = ar['back-matter'].resources.find((r) => `#${r.uuid}` === ar['import-ap'].href)!;
    expect(plan.rlinks[0]!.href).toBe('compliance/control-map.json');
    expect(plan.rlinks[0]!.hashes[0]!.value).toBe(sha256(bytes(files[1]!)));
    expect(bytes(files[2]!).toString('utf8').endsWith('}\n')).toBe(true);
  });

  it('gives byte-identical files for the same input', async () => {
    const [a, b] = [await deriveCompliance(fullDeriveInput()), await deriveCompliance(fullDeriveInput())];
    for (let i = 0; i < a.length; i++) expect(bytes(a[i]!).equals(bytes(b[i]!)), a[i]!.path).toBe(true);
  });
});

describe('the control map over a pack collected by the real collectors (demo store, SQLite)', () => {
  const AT = new Date('2026-11-28T12:00:00.000Z');
  const collectors: Collector[] = [
    policyBundleCollector,
    simulationCollector,
    provenancePacksCollector,
    sloEvidenceCollector,
    chaosRunsCollector,
    budgetsCollector,
    auditExportCollector,
    residencyReportCollector,
    appealDecisionsCollector,
    sbomCollector,
  ];
  let tmp: TempSqlite;
  let wb: PolicyWorkbench;
  let input: DeriveInput;

  beforeAll(async () => {
    tmp = createTempSqlite('wb-ap-compliance-');
    // The policy workbench installs the default policies over the demo seed, as the app does.
    wb = await openPolicyWorkbench({ dataDir: tmp.dataDir, now: () => new Date('2026-11-27T09:00:00.000Z') });
    await wb.call('residency.pinUnpinned', {}, 'admin');
    await wb.call('evidence.get', { id: 'ev-001' }, 'alice').catch(() => undefined);
    loadOrCreateWorkbenchKey(tmp.dataDir);
    await ensureDemoEvidencePack(tmp.dataDir, AT);
    const ctx = testCollectContext(wb.store, tmp.dataDir, { from: new Date('2025-11-28T12:00:00.000Z'), to: AT });
    const entries: AuditPackIndexEntry[] = [];
    const facts: DeriveInput['facts'] = {};
    const charts: ChartSeries[] = [];
    for (const c of collectors) {
      const got = await c.collect(ctx);
      Object.assign(facts, got.facts);
      charts.push(...(got.charts ?? []));
      for (const f of got.files) {
        const data = Buffer.isBuffer(f.data) ? f.data : await readFile(f.data.file);
        entries.push(
          AuditPackIndexEntry.parse({
            path: f.path,
            section: f.section,
            title: f.title,
            mediaType: f.mediaType,
            size: data.length,
            sha256: sha256(data),
            ...(f.records !== undefined ? { records: f.records } : {}),
            ...(f.asOf !== undefined ? { asOf: f.asOf } : {}),
          }),
        );
      }
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    input = { org: 'acme', period: { from: ctx.from.toISOString(), to: AT.toISOString() }, at: AT.toISOString(), workbenchVersion: '0.1.0', entries, facts, charts };
  }, 120_000);

  afterAll(async () => {
    await wb?.close();
    tmp?.remove();
  });

  it('resolves every evidence pointer of every control to files the collectors wrote', () => {
    for (const c of CONTROLS) for (const p of c.evidence) expect(resolveEvidence(p, input.entries).length, `${c.controlId} → ${p}`).toBeGreaterThan(0);
  });

  it('judges the demo store: evidence the demo never produced (drills, measurements, purges) is missing, the rest present', () => {
    const rows = evaluateControlMap(input);
    expect(() => ControlMapRow.array().parse(rows)).not.toThrow();
    const byId = Object.fromEntries(rows.map((r) => [r.controlId, [r.status, r.statusReason]]));
    const missing = (reason: string) => ['missing', reason];
    const present = ['present', ''];
    expect(byId).toEqual({
      'CW-AC-01': present,
      'CW-AC-02': missing('No propagation measurement is recorded in the period.'),
      'CW-AC-03': present,
      'CW-AP-01': present,
      'CW-AP-02': missing('No appeal was decided in the period, so there is no signed decision to verify.'),
      'CW-AU-01': present,
      'CW-AU-02': present,
      'CW-BC-01': missing('No fault-injection drill is recorded in the period.'),
      'CW-CG-01': missing('No namespace usage is recorded.'),
      'CW-CM-01': present,
      'CW-CM-02': present,
      'CW-OP-01': present,
      'CW-PV-01': present,
      'CW-RS-01': present,
      'CW-RS-02': present,
      'CW-RS-03': present,
      'CW-RS-04': present,
      'CW-SC-01': present,
      'CW-VR-01': missing('No redaction job is recorded, so no retention purge can be shown.'),
      'CW-VR-02': missing('No redaction job with receipts is recorded, so no erasure certificate can be shown.'),
    });
  });

  it('derives the compliance files and a report.pdf naming every control, the same bytes twice', async () => {
    const [a, b] = [await deriveCompliance(input), await deriveCompliance(input)];
    for (let i = 0; i < a.length; i++) expect(bytes(a[i]!).equals(bytes(b[i]!)), a[i]!.path).toBe(true);
    const [report] = await deriveReport(input);
    expect(report).toMatchObject({ path: 'report.pdf', section: 'report', mediaType: 'application/pdf', asOf: AT.toISOString() });
    expect(bytes(report!).equals(bytes((await deriveReport(input))[0]!))).toBe(true);
    const text = extractPdfText(bytes(report!)).text;
    for (const c of CONTROLS) expect(text).toContain(c.controlId);
    expect(text).toContain('Audit events per day (events)');
  }, 60_000);
});
