import type { AuditPackBuild, BuildDetail, ControlMapResult } from '../../../shared/api/auditpack.ts';
import type { AuditPackIndex, ControlMapRow } from '../../../shared/domain/audit-pack.ts';

/** A small build for the audit pack and control map views' tests. */
export function sampleBuild(overrides: Partial<AuditPackBuild> = {}): AuditPackBuild {
  return {
    id: 'ap-abababababababab',
    org: 'acme',
    period: { from: '2025-11-28T12:00:00.000Z', to: '2026-11-28T12:00:00.000Z' },
    at: '2026-11-28T12:00:00.000Z',
    fileName: 'audit-pack-acme-2026-11-28-abababababab.tgz',
    sha256: 'ab'.repeat(32),
    bytes: 48_213,
    merkleRoot: 'cd'.repeat(32),
    signerKeyId: 'ef'.repeat(32),
    createdAt: '2026-11-28T12:00:05.000Z',
    createdBy: 'alice',
    index: {
      files: 3,
      bytes: 3_700,
      sections: [
        { section: 'audit', files: 2, bytes: 3_200 },
        { section: 'compliance', files: 1, bytes: 500 },
      ],
    },
    controls: { total: 3, present: 1, missing: 1, stale: 1 },
    ...overrides,
  };
}

export function sampleIndex(): AuditPackIndex {
  return {
    format: 'compliance-workbench/audit-pack',
    formatVersion: '1.0',
    org: 'acme',
    period: { from: '2025-11-28T12:00:00.000Z', to: '2026-11-28T12:00:00.000Z' },
    at: '2026-11-28T12:00:00.000Z',
    workbench: { version: '0.1.0', store: 'sqlite' },
    entries: [
      { path: 'audit/audit-events.jsonl', section: 'audit', title: 'Audit events', mediaType: 'application/x-ndjson', size: 3_000, sha256: '11'.repeat(32), records: 42 },
      { path: 'audit/chain-verification.json', section: 'audit', title: 'Audit chain verification', mediaType: 'application/json', size: 200, sha256: '22'.repeat(32) },
      { path: 'compliance/control-map.csv', section: 'compliance', title: 'Control map', mediaType: 'text/csv', size: 500, sha256: '33'.repeat(32), records: 3 },
    ],
    facts: { 'audit.chainValid': true },
  };
}

export function sampleDetail(): BuildDetail {
  return { build: sampleBuild(), index: sampleIndex() };
}

export function sampleRows(): ControlMapRow[] {
  return [
    {
      controlId: 'CW-AC-01',
      title: 'Every sensitive action is decided by policy and audited',
      kind: 'system-control',
      soc2: ['CC6.1', 'CC6.3'],
      iso27001: ['A.5.15', 'A.8.3'],
      evidence: ['audit/audit-events.jsonl', 'audit/chain-verification.json'],
      status: 'present',
      statusReason: '',
    },
    {
      controlId: 'CW-LG-02',
      title: 'Audit trail integrity is verified',
      kind: 'system-control',
      soc2: [],
      iso27001: ['A.8.15'],
      evidence: ['audit/chain-verification.json'],
      status: 'stale',
      statusReason: 'newest evidence 2026-01-02T00:00:00.000Z is older than 90 days before 2026-11-28T12:00:00.000Z',
    },
    {
      controlId: 'CW-RS-03',
      title: 'Chaos runs show nothing is lost',
      kind: 'system-control',
      soc2: ['A1.2'],
      iso27001: [],
      evidence: ['chaos/chaos-runs.json'],
      status: 'missing',
      statusReason: 'chaos/chaos-runs.json is not in the pack',
    },
  ];
}

export function sampleControlMap(): ControlMapResult {
  return { build: sampleBuild(), rows: sampleRows(), counts: { total: 3, present: 1, missing: 1, stale: 1 }, message: null };
}
