import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { EvidenceItem } from '../../shared/domain/evidence.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../policy/policy-workbench.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import { getPin, pinResource } from './pins.ts';
import { inReadScope } from './residency-guard.ts';

const AT = '2026-11-28T12:00:00.000Z';
const err = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as WorkbenchError;
const item = (id: string, region: string): EvidenceItem => ({
  id,
  title: 'Vendor SOC report',
  kind: 'vendor-assessment',
  labels: { tenant: 'acme', region, sensitivity: 'internal', purpose: 'compliance' },
  sha256: null,
  createdAt: AT,
});

describe('ResidencyGuard', () => {
  let dir: TempSqlite;
  let wb: PolicyWorkbench;
  const actor = async (id: string): Promise<Actor> => (await wb.store.getActor(id))!;

  beforeEach(async () => {
    dir = createTempSqlite('wb-residency-guard-');
    wb = await openPolicyWorkbench({ dataDir: dir.dataDir, now: () => new Date(AT) });
  });
  afterEach(async () => {
    await wb.close();
    dir.remove();
  });

  it('ingests evidence and pins its tenant and region in the same transaction', async () => {
    const r = await wb.services.residencyGuard.ingestEvidence(await actor('sam'), item('ev-100', 'us-west-2'));
    expect(r.pin).toEqual({ resourceType: 'evidence', resourceId: 'ev-100', tenant: 'acme', region: 'us-west-2', source: 'ingest', pinnedBy: 'sam', pinnedAt: AT });
    expect(await getPin(wb.store.sql, 'evidence', 'ev-100')).toEqual(r.pin);
    expect((await wb.store.getAuditEvent(r.decisionId))?.action).toBe('evidence.create');
  });

  it('stores nothing when the pin cannot be written, and nothing when ingest is denied', async () => {
    // A stale pin for the same id in another region makes the pin step fail after the insert.
    await wb.store.sql.transaction((tx) =>
      pinResource(tx, { resourceType: 'evidence', resourceId: 'ev-101', tenant: 'acme', region: 'eu-central-1', source: 'manual', pinnedBy: 'admin', pinnedAt: AT }),
    );
    const e = await err(wb.services.residencyGuard.ingestEvidence(await actor('sam'), item('ev-101', 'us-west-2')));
    expect([e.code, e.message]).toEqual(['CONFLICT', 'evidence ev-101 is pinned to acme/eu-central-1; a pin never moves (asked: acme/us-west-2)']);
    expect(await wb.store.getEvidence('ev-101')).toBeUndefined();
    const denied = await err(wb.services.residencyGuard.ingestEvidence(await actor('gil'), item('ev-102', 'us-west-2')));
    expect(denied.details).toMatchObject({ policyIds: ['role.evidence.create'] });
    expect(await wb.store.getEvidence('ev-102')).toBeUndefined();
  });

  it('refuses a pin without one concrete tenant and region, and re-pinning in place is a no-op', async () => {
    const pin = { resourceType: 'vector-shard', resourceId: 'shard-1', tenant: 'acme', region: '*', source: 'ingest' as const, pinnedBy: 'sam', pinnedAt: AT };
    expect((await err(pinResource(wb.store.sql, pin))).message).toBe('residency pin for vector-shard shard-1: a pin needs one concrete tenant and region');
    const ok = await pinResource(wb.store.sql, { ...pin, region: 'us-west-2' });
    expect(await pinResource(wb.store.sql, { ...pin, region: 'us-west-2', pinnedBy: 'other' })).toEqual(ok);
  });

  it('guards reads of other capabilities\' pinned objects by the pin, and lists the regions a query may read', async () => {
    const sam = await actor('sam');
    await wb.store.transaction((tx) => wb.services.residencyGuard.pinAtIngest(tx, { type: 'vector-shard', id: 'shard-eu', tenant: 'acme', region: 'eu-central-1' }, sam));
    const shard = { type: 'vector-shard', id: 'shard-eu', labels: { tenant: 'acme', region: 'eu-central-1' } };
    expect((await err(wb.services.residencyGuard.guardRead(sam, 'vectors.read', shard))).details).toMatchObject({ policyIds: ['residency.cross-region'] });
    expect(await wb.services.residencyGuard.readableRegions(sam, 'acme', 'vectors.read')).toEqual(['us-west-2']);
    await wb.call(
      'residency.grantException',
      { tenant: 'acme', fromRegion: 'eu-central-1', toRegion: 'us-west-2', actions: ['vectors.read'], validFrom: AT, validUntil: '2026-12-01T00:00:00.000Z', justification: 'retention review of EU shards' },
      'admin',
    );
    expect(await wb.services.residencyGuard.readableRegions(sam, 'acme', 'vectors.read')).toEqual(['eu-central-1', 'us-west-2']);
    expect(await wb.services.residencyGuard.readableRegions(sam, 'acme', 'evidence.read')).toEqual(['us-west-2']);
    const scope = await wb.services.residencyGuard.readScope(sam, 'vectors.read');
    expect(scope).toEqual([
      { tenant: '*', region: 'us-west-2' },
      { tenant: 'acme', region: 'eu-central-1' },
    ]);
    expect([
      inReadScope(scope, { tenant: 'globex', region: 'us-west-2' }),
      inReadScope(scope, { tenant: 'acme', region: 'eu-central-1' }),
      inReadScope(scope, { tenant: 'globex', region: 'eu-central-1' }),
    ]).toEqual([true, true, false]);
    const allowed = await wb.services.residencyGuard.guardRead(sam, 'vectors.read', shard);
    expect(allowed.residency).toMatchObject({ pinned: true, crossing: true, exceptionId: 'rx-000001' });
    expect((await err(wb.services.residencyGuard.readableRegions(sam, 'acme', 'nope.read'))).code).toBe('BAD_INPUT');
  });
});

describe('residency.grantException input rules', () => {
  let dir: TempSqlite;
  let wb: PolicyWorkbench;
  beforeEach(async () => {
    dir = createTempSqlite('wb-residency-rules-');
    wb = await openPolicyWorkbench({ dataDir: dir.dataDir, now: () => new Date(AT) });
  });
  afterEach(async () => {
    await wb.close();
    dir.remove();
  });

  const base = { tenant: 'acme', fromRegion: 'us-west-2', toRegion: 'eu-central-1', validFrom: AT, validUntil: '2026-11-29T12:00:00.000Z', justification: 'legal hold review in the EU' };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['same region', { toRegion: 'us-west-2' }, 'toRegion: must differ from fromRegion (an exception is for a move between regions)'],
    ['window reversed', { validUntil: '2026-11-27T12:00:00.000Z' }, 'validUntil: must be after validFrom'],
    ['too long', { validUntil: '2027-03-01T12:00:00.000Z' }, 'validUntil: an exception may last at most 90 days'],
    ['already past', { validFrom: '2026-11-01T00:00:00.000Z', validUntil: '2026-11-02T00:00:00.000Z' }, 'validUntil: 2026-11-02T00:00:00.000Z is already past'],
    ['unknown action', { actions: ['evidence.delete'] }, 'actions: unknown "evidence.delete" (name actions from the action table, or data-read / data-export)'],
    ['short justification', { justification: 'because' }, 'residency.grantException input: justification: say why, in at least 10 characters'],
  ];
  it.each(cases)('refuses %s', async (_what, change, message) => {
    const e = await err(wb.call('residency.grantException', { ...base, ...change }, 'admin'));
    expect([e.code, e.message]).toEqual(['BAD_INPUT', message]);
    expect(await wb.store.sql.get('SELECT COUNT(*) AS n FROM residency_exceptions')).toEqual({ n: 0 });
  });

  it('revoking twice is a conflict, an unknown id not found', async () => {
    const x = (await wb.call('residency.grantException', base, 'admin')) as { id: string };
    const revoked = await wb.call('residency.revokeException', { id: x.id }, 'admin');
    expect(revoked).toMatchObject({ id: 'rx-000001', revokedAt: AT, revokedBy: 'admin' });
    expect((await err(wb.call('residency.revokeException', { id: x.id }, 'admin'))).message).toBe(`rx-000001 was already revoked at ${AT} by admin`);
    expect((await err(wb.call('residency.revokeException', { id: 'rx-999999' }, 'admin'))).code).toBe('NOT_FOUND');
  });
});
