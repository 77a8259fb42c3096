import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPackIndex, ControlMapRow } from '../../shared/domain/audit-pack.ts';
import { buildRecord, packFileName, readSidecars, sidecarName, writeSidecar } from './build-records.ts';

const index: AuditPackIndex = {
  format: 'compliance-workbench/audit-pack',
  formatVersion: '1.0',
  org: 'acme',
  period: { from: '2025-11-28T12:00:00.000Z', to: '2026-11-28T12:00:00.000Z' },
  at: '2026-11-28T12:00:00.000Z',
  workbench: { version: '0.1.0', store: 'sqlite' },
  entries: [
    { path: 'audit/audit-events.jsonl', section: 'audit', title: 'Audit events', mediaType: 'application/x-ndjson', size: 300, sha256: '11'.repeat(32) },
    { path: 'audit/chain-verification.json', section: 'audit', title: 'Chain', mediaType: 'application/json', size: 20, sha256: '22'.repeat(32) },
    { path: 'compliance/control-map.csv', section: 'compliance', title: 'Control map', mediaType: 'text/csv', size: 5, sha256: '33'.repeat(32) },
  ],
  facts: {},
};
const row = (controlId: string, status: ControlMapRow['status']): ControlMapRow => ({
  controlId,
  title: 't',
  kind: 'system-control',
  soc2: ['CC6.1'],
  iso27001: [],
  evidence: ['audit/audit-events.jsonl'],
  status,
  statusReason: status === 'present' ? '' : 'why',
});
const sha = 'ab'.repeat(32);
const built = { out: '/x', sha256: sha, bytes: 999, index, controlMap: [row('CW-AC-01', 'present'), row('CW-AC-02', 'stale'), row('CW-AC-03', 'present')], merkleRoot: 'cd'.repeat(32) };

describe('build records', () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'wb-build-records-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('derives id and file name from the pack’s SHA-256 and counts files and controls', () => {
    expect(packFileName('acme', '2026-11-28T12:00:00.000Z', sha)).toBe('audit-pack-acme-2026-11-28-abababababab.tgz');
    expect(buildRecord(built, { org: 'acme', createdAt: '2026-11-28T13:00:00.000Z', createdBy: 'alice', signerKeyId: 'ef'.repeat(32) })).toEqual({
      id: 'ap-abababababababab',
      org: 'acme',
      period: index.period,
      at: index.at,
      fileName: 'audit-pack-acme-2026-11-28-abababababab.tgz',
      sha256: sha,
      bytes: 999,
      merkleRoot: 'cd'.repeat(32),
      signerKeyId: 'ef'.repeat(32),
      createdAt: '2026-11-28T13:00:00.000Z',
      createdBy: 'alice',
      index: {
        files: 3,
        bytes: 325,
        sections: [
          { section: 'audit', files: 2, bytes: 320 },
          { section: 'compliance', files: 1, bytes: 5 },
        ],
      },
      controls: { total: 3, present: 2, missing: 0, stale: 1 },
    });
  });

  it('writes side-cars as canonical JSON, reads them newest first, and names one it cannot read', async () => {
    const older = buildRecord(built, { org: 'acme', createdAt: '2026-11-28T13:00:00.000Z', createdBy: 'alice', signerKeyId: 'ef'.repeat(32) });
    const newer = buildRecord({ ...built, sha256: 'ef'.repeat(32) }, { org: 'acme', createdAt: '2026-11-28T14:00:00.000Z', createdBy: 'admin', signerKeyId: 'ef'.repeat(32) });
    await writeSidecar(dir, { build: older, index, controlMap: built.controlMap });
    await writeSidecar(dir, { build: newer, index, controlMap: built.controlMap });
    expect(readFileSync(join(dir, sidecarName(older.fileName)), 'utf8')).toBe(canonicalize({ build: older, index, controlMap: built.controlMap }) + '\n');
    writeFileSync(join(dir, 'audit-pack-broken.build.json'), '{"build":');
    const { sidecars, problems } = await readSidecars(dir);
    expect(sidecars.map((s) => s.build.id)).toEqual([newer.id, older.id]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^audit-pack-broken\.build\.json: /);
    expect(await readSidecars(join(dir, 'absent'))).toEqual({ sidecars: [], problems: [] });
  });
});
