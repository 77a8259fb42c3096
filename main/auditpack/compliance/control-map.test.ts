import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ControlMapRow } from '../../../shared/domain/audit-pack.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { PACK_PATHS } from '../pack-paths.ts';
import { CONTROL_MAP_CSV_HEADER, controlMapCsv, controlMapJson, evaluateControlMap } from './control-map.ts';
import { CONTROLS } from './controls.ts';
import { COLLECTED_PATHS, daysBefore, fullDeriveInput, PROVENANCE_DIRS, withEntry } from './testing/crafted-input.ts';

const DIRS = PROVENANCE_DIRS;
const fullInput = fullDeriveInput;
const replaceEntry = withEntry;

const statusOf = (rows: ReturnType<typeof evaluateControlMap>, id: string) => {
  const r = rows.find((x) => x.controlId === id);
  if (!r) throw new Error(`no row ${id}`);
  return [r.status, r.statusReason];
};

describe('controls catalogue', () => {
  it('points every control only at paths a collector writes (PACK_PATHS or the provenance folders)', () => {
    for (const c of CONTROLS) {
      for (const p of c.evidence) expect(COLLECTED_PATHS, `${c.controlId} → ${p}`).toContain(p);
      for (const p of c.records.flatMap((r) => r.paths)) expect(c.evidence, `${c.controlId} records rule ${p}`).toContain(p);
      for (const p of c.freshness?.from ?? []) expect(c.evidence, `${c.controlId} freshness ${p}`).toContain(p);
    }
  });

  it('resolves every pointer of every control in a pack where every collector wrote its files', () => {
    const rows = evaluateControlMap(fullInput());
    expect(rows.filter((r) => r.status !== 'present')).toEqual([]);
    for (const c of CONTROLS) {
      for (const p of c.evidence) {
        const hit = fullInput().entries.some((e) => e.path === p || (DIRS.includes(p) && e.path.startsWith(`${p}/`)));
        expect(hit, `${c.controlId} → ${p}`).toBe(true);
      }
    }
  });

  it('has 20–30 controls with unique ids, valid rows, SOC 2 and ISO ids, and a narrative section each', async () => {
    expect(CONTROLS.length).toBeGreaterThanOrEqual(20);
    expect(CONTROLS.length).toBeLessThanOrEqual(30);
    expect(new Set(CONTROLS.map((c) => c.controlId)).size).toBe(CONTROLS.length);
    const rows = evaluateControlMap(fullInput());
    for (const r of rows) {
      expect(() => ControlMapRow.parse(r)).not.toThrow();
      expect(r.soc2.length).toBeGreaterThan(0);
      expect(r.iso27001.length).toBeGreaterThan(0);
    }
    const narrative = await readFile(new URL('../../../docs/control-narrative.md', import.meta.url), 'utf8');
    for (const c of CONTROLS) {
      expect(narrative, c.controlId).toContain(`## ${c.controlId} `);
      for (const id of [...c.soc2, ...c.iso27001]) {
        const section = narrative.split(`## ${c.controlId} `)[1]!.split('\n## ')[0]!;
        expect(section, `${c.controlId} explains ${id}`).toContain(`**${id}**`);
      }
    }
  });
});

describe('evaluateControlMap', () => {
  it('sorts rows by control id and copies ids and evidence from the catalogue', () => {
    const rows = evaluateControlMap(fullInput());
    expect(rows.map((r) => r.controlId)).toEqual(CONTROLS.map((c) => c.controlId).sort());
    expect(rows.find((r) => r.controlId === 'CW-AU-02')).toEqual({
      controlId: 'CW-AU-02',
      title: 'The audit chain is re-verified from genesis for every pack',
      kind: 'system-control',
      soc2: ['CC7.2', 'CC4.1'],
      iso27001: ['A.8.15', 'A.8.16'],
      evidence: ['audit/chain-verification.json', 'audit/audit-events.jsonl'],
      status: 'present',
      statusReason: '',
    });
  });

  it('says missing, naming the files, when a pointer does not resolve', () => {
    let input = replaceEntry(fullInput(), PACK_PATHS.chaosRuns, null);
    input = replaceEntry(input, PACK_PATHS.sloRedaction, null);
    const rows = evaluateControlMap(input);
    expect(statusOf(rows, 'CW-BC-01')).toEqual(['missing', 'Evidence not in the pack: chaos/chaos-runs.json.']);
    expect(statusOf(rows, 'CW-OP-01')).toEqual(['missing', 'Evidence not in the pack: slo/redaction-throughput.json.']);
    expect(rows.filter((r) => r.status !== 'present').map((r) => r.controlId)).toEqual(['CW-BC-01', 'CW-OP-01', 'CW-VR-01', 'CW-VR-02']);
  });

  it('says missing when no provenance pack file exists under the folders', () => {
    const input = fullInput();
    input.entries = input.entries.filter((e) => !e.path.startsWith('provenance/packs/'));
    expect(statusOf(evaluateControlMap(input), 'CW-PV-01')).toEqual(['missing', 'Evidence not in the pack: provenance/packs.']);
  });

  it('says missing when a file that must hold records holds none, and ignores files that do not count records', () => {
    let rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.chaosRuns, { records: 0 }));
    expect(statusOf(rows, 'CW-BC-01')).toEqual(['missing', 'No fault-injection drill is recorded in the period.']);
    rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.chaosRuns, { records: undefined }));
    expect(statusOf(rows, 'CW-BC-01')).toEqual(['present', '']);
    // A rule over several files sums them: one file with records is enough.
    let input = replaceEntry(fullInput(), PACK_PATHS.sloAppeals, { records: 0 });
    input = replaceEntry(input, PACK_PATHS.sloPropagation, { records: 0 });
    expect(statusOf(evaluateControlMap(input), 'CW-OP-01')).toEqual(['present', '']);
    input = replaceEntry(input, PACK_PATHS.sloRedaction, { records: 0 });
    expect(statusOf(evaluateControlMap(input), 'CW-OP-01')).toEqual(['missing', 'No service-level evidence is recorded: no appeal ticket, propagation measurement or redaction job.']);
    rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.provenanceSummary, { records: 0 }));
    expect(statusOf(rows, 'CW-PV-01')).toEqual(['missing', 'No provenance pack is included, so no verification can be shown.']);
  });

  it('says missing when a fact reports a failed check, with the fact details in the reason', () => {
    const rows = evaluateControlMap(
      fullInput({
        'audit.chainValid': false,
        'audit.firstBrokenSeq': 17,
        'audit.brokenReason': 'hash mismatch at seq 17',
        'residency.reconciled': false,
        'residency.statement': 'not reconciled: every stored row is pinned to a region and tenant',
        'residency.failedChecks': 'inventory.pinned violations.none-allowed',
        'residency.unpinned': 0,
        'residency.violationsAllowed': 0,
        'chaos.failed': 2,
        'provenance.allVerified': false,
        'provenance.packs': 4,
        'provenance.notVerified': 1,
        'policy.policies': 0,
      }),
    );
    expect(statusOf(rows, 'CW-AU-02')).toEqual(['missing', 'The audit chain does not verify from event 17: hash mismatch at seq 17.']);
    expect(statusOf(rows, 'CW-AU-01')).toEqual(['present', '']);
    expect(statusOf(rows, 'CW-RS-04')).toEqual(['missing', 'The residency report does not reconcile: not reconciled: every stored row is pinned to a region and tenant.']);
    expect(statusOf(rows, 'CW-RS-01')).toEqual(['missing', "The residency report's inventory check failed (inventory.pinned)."]);
    expect(statusOf(rows, 'CW-RS-02')).toEqual(['missing', "The residency report's attempted-violations check failed (violations.none-allowed)."]);
    expect(statusOf(rows, 'CW-RS-03')).toEqual(['present', '']);
    expect(statusOf(rows, 'CW-BC-01')).toEqual(['missing', '2 fault-injection drills failed in the period.']);
    expect(statusOf(rows, 'CW-PV-01')).toEqual(['missing', '1 of 4 provenance packs did not verify.']);
    expect(statusOf(rows, 'CW-AC-01')).toEqual(['missing', 'No policy is in force at the reference time, so every sensitive action would be denied.']);
  });

  it('judges from the files alone when facts are absent or of another type, and never throws on them', () => {
    const rows = evaluateControlMap(fullInput({ 'audit.chainValid': null, 'chaos.failed': 'unknown', 'residency.failedChecks': 7 }));
    expect(rows.every((r) => r.status === 'present')).toBe(true);
    expect(statusOf(evaluateControlMap(fullInput({ 'audit.chainValid': true, 'chaos.failed': 0 })), 'CW-AU-02')).toEqual(['present', '']);
    expect(statusOf(evaluateControlMap(fullInput({ 'audit.chainValid': false })), 'CW-AU-02')).toEqual(['missing', 'The audit chain does not verify.']);
  });

  it('says stale when the newest dated evidence is older than the freshness window, and present on the boundary', () => {
    let rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.chaosRuns, { asOf: daysBefore(91) }));
    expect(statusOf(rows, 'CW-BC-01')).toEqual([
      'stale',
      `The newest evidence is from ${daysBefore(91)}, 91 days before the reference time; this control expects evidence from the last 90 days.`,
    ]);
    rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.chaosRuns, { asOf: daysBefore(90) }));
    expect(statusOf(rows, 'CW-BC-01')).toEqual(['present', '']);
    rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.sloPropagation, { asOf: daysBefore(45) }));
    expect(statusOf(rows, 'CW-AC-02')).toEqual([
      'stale',
      `The newest evidence is from ${daysBefore(45)}, 45 days before the reference time; this control expects evidence from the last 30 days.`,
    ]);
    // CW-OP-01 is dated by all three SLO files: one fresh file keeps it present.
    expect(statusOf(rows, 'CW-OP-01')).toEqual(['present', '']);
    rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.chaosRuns, { asOf: undefined }));
    expect(statusOf(rows, 'CW-BC-01')).toEqual(['present', '']);
  });

  it('prefers missing over stale: an empty old file is missing', () => {
    const rows = evaluateControlMap(replaceEntry(fullInput(), PACK_PATHS.chaosRuns, { records: 0, asOf: daysBefore(200) }));
    expect(statusOf(rows, 'CW-BC-01')).toEqual(['missing', 'No fault-injection drill is recorded in the period.']);
  });

  it('refuses a reference time that is not an ISO time with BAD_INPUT naming it', () => {
    const input = { ...fullInput(), at: 'yesterday' };
    expect(() => evaluateControlMap(input)).toThrow(WorkbenchError);
    expect(() => evaluateControlMap(input)).toThrow('at: not an ISO time: "yesterday"');
  });
});

describe('control map files', () => {
  const rows = [
    {
      controlId: 'CW-AU-02',
      title: 'Chain, "re-verified"',
      kind: 'system-control' as const,
      soc2: ['CC7.2', 'CC4.1'],
      iso27001: ['A.8.15'],
      evidence: ['audit/chain-verification.json', 'audit/audit-events.jsonl'],
      status: 'missing' as const,
      statusReason: 'The audit chain does not verify from event 17:\nhash mismatch.',
    },
    {
      controlId: 'CW-SC-01',
      title: 'SBOM',
      kind: 'system-control' as const,
      soc2: ['CC9.2'],
      iso27001: ['A.5.21', 'A.5.9'],
      evidence: ['sbom/workbench.cdx.json'],
      status: 'present' as const,
      statusReason: '',
    },
  ];

  it('writes RFC 4180 CSV with the fixed header, CRLF line ends, quoting and ";"-joined lists', () => {
    expect(CONTROL_MAP_CSV_HEADER.join(',')).toBe('control_id,title,kind,soc2,iso27001,evidence,status,status_reason');
    expect(controlMapCsv(rows).toString('utf8')).toBe(
      'control_id,title,kind,soc2,iso27001,evidence,status,status_reason\r\n' +
        'CW-AU-02,"Chain, ""re-verified""",system-control,CC7.2;CC4.1,A.8.15,audit/chain-verification.json;audit/audit-events.jsonl,missing,"The audit chain does not verify from event 17:\nhash mismatch."\r\n' +
        'CW-SC-01,SBOM,system-control,CC9.2,A.5.21;A.5.9,sbom/workbench.cdx.json,present,\r\n',
    );
  });

  it('writes canonical JSON that parses back to the rows', () => {
    const text = controlMapJson(rows).toString('utf8');
    expect(text.endsWith('}]\n')).toBe(true);
    expect(text.startsWith('[{"controlId":"CW-AU-02","evidence":["audit/chain-verification.json","audit/audit-events.jsonl"],"iso27001":["A.8.15"],"kind":"system-control"')).toBe(true);
    expect(ControlMapRow.array().parse(JSON.parse(text))).toEqual(rows);
  });

  it('gives byte-identical files for the same input', () => {
    const a = evaluateControlMap(fullInput({ 'chaos.failed': 1 }));
    const b = evaluateControlMap(fullInput({ 'chaos.failed': 1 }));
    expect(controlMapCsv(a).equals(controlMapCsv(b))).toBe(true);
    expect(controlMapJson(a).equals(controlMapJson(b))).toBe(true);
  });
});
