import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { GENESIS_HASH } from '../../shared/domain/audit.ts';
import type { AuditEventInput } from '../../shared/domain/audit.ts';
import type { EvidenceItem } from '../../shared/domain/evidence.ts';
import { auditEventHash } from './audit-hash.ts';
import { DEMO_AUDIT_EVENTS, DEMO_EVIDENCE, seedDemoData } from './demo-seed.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import { openStore } from './open-store.ts';
import { SqlError } from './sql-client.ts';
import type { SqlClient } from './sql-client.ts';
import type { Store, StoreKind } from './store.ts';
import { STORE_KINDS, createStoreLocation, skipStoreKind } from './testing/store-targets.ts';
import type { TestStoreLocation } from './testing/store-targets.ts';

const T0 = '2026-11-28T12:00:00.000Z';
const T1 = '2026-11-28T12:05:00.000Z';
const T2 = '2026-11-28T12:10:00.000Z';

/** The head hash of the demo chain: pinned, so a change to the seed or the hashing shows. */
const DEMO_HEAD_HASH = 'f1b44da7990abf61a16a0539985730f8f35df6884e40df4c67537d4586f1b1b8';

async function rejection(p: Promise<unknown>): Promise<WorkbenchError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof WorkbenchError)) throw new Error(`expected a WorkbenchError, got ${String(e)}`);
  return e;
}

function open(loc: TestStoreLocation, extra: { migrations?: readonly Migration[]; now?: () => Date } = {}): Promise<Store> {
  return openStore({ dataDir: loc.dataDir, ...(loc.databaseUrl ? { databaseUrl: loc.databaseUrl } : {}), ...extra });
}

/** A fresh empty location and an open store on it, both gone when the test ends (pass or fail). */
async function freshStore(kind: StoreKind): Promise<{ store: Store; loc: TestStoreLocation }> {
  const loc = await createStoreLocation(kind);
  const closers: (() => Promise<void>)[] = [];
  onTestFinished(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await loc.cleanup();
  });
  const store = await open(loc);
  closers.push(() => store.close());
  return { store, loc };
}

function event(n: number, over: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    at: new Date(Date.parse(T0) + n * 1000).toISOString(),
    actorId: 'alice',
    action: 'evidence.read',
    resourceType: 'evidence',
    resourceId: `ev-${n}`,
    decision: 'allow',
    payload: { reason: `read ${n}`, policyIds: ['role.evidence.read'], epoch: 0 },
    ...over,
  };
}

const EVIDENCE: EvidenceItem = {
  id: 'ev-a1',
  title: 'Access review',
  kind: 'access-review',
  labels: { tenant: 'acme', region: 'us-west-2', sensitivity: 'confidential', purpose: 'audit' },
  sha256: 'ab'.repeat(32),
  createdAt: T0,
};

/** Every table's rows, raw, in a fixed order: what "identical on both stores" is checked against. */
async function dumpTables(sql: SqlClient) {
  return {
    actors: await sql.all('SELECT id, display_name, tenant, region, created_at FROM actors ORDER BY id'),
    actor_roles: await sql.all('SELECT actor_id, role, assigned_at FROM actor_roles ORDER BY actor_id, role'),
    consents: await sql.all('SELECT subject_id, purpose, status, updated_at FROM consents ORDER BY subject_id, purpose'),
    evidence: await sql.all('SELECT id, title, kind, tenant, region, sensitivity, purpose, sha256, created_at FROM evidence ORDER BY id'),
    audit_events: await sql.all(
      'SELECT seq, id, at, actor_id, action, resource_type, resource_id, decision, payload, prev_hash, hash, appeal_ticket_id FROM audit_events ORDER BY seq',
    ),
    ombuds_ticket: await sql.all(
      'SELECT id, state, priority, requester, assignee, denial_event_id, justification, sla_due, created_at, updated_at FROM ombuds_ticket ORDER BY id',
    ),
    settings: await sql.all('SELECT key, value FROM settings ORDER BY key'),
  };
}

// Later capabilities append migrations; the mechanics below hold whatever the registry's length.
const N = MIGRATIONS.length;
const ALL = MIGRATIONS.map((m) => m.version);
const HISTORY = MIGRATIONS.map((m) => ({ version: m.version, name: m.name }));

describe.each(STORE_KINDS)('Store conformance on %s', (kind) => {
  describe.skipIf(skipStoreKind(kind))(`${kind} store`, () => {
    // ---- migrations ----------------------------------------------------------------------

    it(`[${kind}] applies every migration on first open, records it, and a reopen applies nothing`, async () => {
      const { store, loc } = await freshStore(kind);
      expect(store.migration).toEqual({ from: 0, to: N, applied: ALL, backupPath: null });
      expect(store.location).toEqual(
        kind === 'sqlite' ? { kind, display: loc.name } : { kind, display: `127.0.0.1:5432/${loc.name}` },
      );
      expect(await store.sql.all('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual(HISTORY);
      await store.close();
      const again = await open(loc);
      onTestFinished(() => again.close());
      expect(again.migration).toEqual({ from: N, to: N, applied: [], backupPath: null });
      expect(await again.sql.all('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual(HISTORY);
    });

    it(`[${kind}] refuses a store migrated by a newer build, or by a different history`, async () => {
      const { store, loc } = await freshStore(kind);
      await store.close();
      const v2: Migration = { version: N + 1, name: 'later_feature', sqlite: 'CREATE TABLE later (id TEXT)', postgres: 'CREATE TABLE later (id TEXT)' };
      const newer = await open(loc, { migrations: [...MIGRATIONS, v2] });
      expect(newer.migration).toEqual({ from: N, to: N + 1, applied: [N + 1], backupPath: newer.migration.backupPath });
      await newer.close();
      const err = await rejection(open(loc));
      expect([err.code, err.message]).toEqual([
        'UNAVAILABLE',
        `store schema is v${N + 1}, newer than this build knows (v${N}); open it with a newer Compliance Workbench`,
      ]);
      const other = await rejection(open(loc, { migrations: [...MIGRATIONS, { ...v2, name: 'something_else' }] }));
      expect(other.message).toBe(`store migration v${N + 1} is "later_feature" but this build's v${N + 1} is "something_else"`);
    });

    it(`[${kind}] runs pending migrations in one transaction: a failing one changes nothing`, async () => {
      const { store, loc } = await freshStore(kind);
      await store.close();
      const good: Migration = { version: N + 1, name: 'good', sqlite: 'CREATE TABLE half (id TEXT)', postgres: 'CREATE TABLE half (id TEXT)' };
      const bad: Migration = { version: N + 2, name: 'bad', sqlite: 'SELECT * FROM no_such_table', postgres: 'SELECT * FROM no_such_table' };
      const err = await rejection(open(loc, { migrations: [...MIGRATIONS, good, bad] }));
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toMatch(new RegExp(`^migration v${N + 2} \\(bad\\) failed on ${kind}, nothing was changed: .*no_such_table`));
      const after = await open(loc);
      onTestFinished(() => after.close());
      expect(after.migration).toEqual({ from: N, to: N, applied: [], backupPath: null });
      const half =
        kind === 'sqlite'
          ? await after.sql.get("SELECT name FROM sqlite_master WHERE name = 'half'")
          : await after.sql.get("SELECT 1 AS present WHERE to_regclass('half') IS NOT NULL");
      expect(half).toBeUndefined();
    });

    it(`[${kind}] two connections opening one new store at once migrate it exactly once`, async () => {
      const loc = await createStoreLocation(kind);
      onTestFinished(() => loc.cleanup());
      const both = await Promise.all([open(loc), open(loc)]);
      onTestFinished(async () => {
        for (const s of both) await s.close();
      });
      expect(both.map((s) => s.migration.applied).sort((a, b) => b.length - a.length)).toEqual([ALL, []]);
      expect(both.map((s) => s.migration.to)).toEqual([N, N]);
      expect(await both[0]!.sql.all('SELECT version FROM schema_migrations ORDER BY version')).toEqual(ALL.map((version) => ({ version })));
    });

    // ---- actors, roles, consents ---------------------------------------------------------

    it(`[${kind}] upserts actors: roles become exactly the given set, created_at stays`, async () => {
      const { store } = await freshStore(kind);
      expect(await store.isEmpty()).toBe(true);
      const created = await store.upsertActor({ id: 'alice', displayName: 'Alice', tenant: 'acme', region: 'us-west-2', roles: ['auditor', 'admin', 'auditor'] }, T0);
      expect(created).toEqual({ id: 'alice', displayName: 'Alice', tenant: 'acme', region: 'us-west-2', roles: ['admin', 'auditor'], createdAt: T0 });
      expect(await store.isEmpty()).toBe(false);
      const updated = await store.upsertActor({ id: 'alice', displayName: 'Alice A.', tenant: 'globex', region: 'eu-central-1', roles: ['ombuds', 'auditor'] }, T1);
      expect(updated).toEqual({ id: 'alice', displayName: 'Alice A.', tenant: 'globex', region: 'eu-central-1', roles: ['auditor', 'ombuds'], createdAt: T0 });
      // The role it kept keeps its original assignment time.
      expect(await store.sql.all('SELECT role, assigned_at FROM actor_roles ORDER BY role')).toEqual([
        { role: 'auditor', assigned_at: T0 },
        { role: 'ombuds', assigned_at: T1 },
      ]);
      await store.upsertActor({ id: 'bob', displayName: 'Bob', tenant: 'acme', region: 'us-west-2' }, T2);
      expect(await store.getActor('bob')).toEqual({ id: 'bob', displayName: 'Bob', tenant: 'acme', region: 'us-west-2', roles: [], createdAt: T2 });
      expect(await store.getActor('nobody')).toBeUndefined();
      expect((await store.listActors()).map((a) => [a.id, a.roles])).toEqual([
        ['alice', ['auditor', 'ombuds']],
        ['bob', []],
      ]);
    });

    it(`[${kind}] assigns and removes roles, idempotently, and only for known actors`, async () => {
      const { store } = await freshStore(kind);
      await store.upsertActor({ id: 'bob', displayName: 'Bob', tenant: 'acme', region: 'us-west-2', roles: ['analyst'] }, T0);
      await store.assignRole('bob', 'data_steward', T1);
      await store.assignRole('bob', 'data_steward', T2);
      expect((await store.getActor('bob'))?.roles).toEqual(['analyst', 'data_steward']);
      expect(await store.sql.get("SELECT assigned_at FROM actor_roles WHERE role = 'data_steward'")).toEqual({ assigned_at: T1 });
      await store.removeRole('bob', 'analyst');
      await store.removeRole('bob', 'analyst');
      expect((await store.getActor('bob'))?.roles).toEqual(['data_steward']);
      const missing = await rejection(store.assignRole('ghost', 'admin', T0));
      expect([missing.code, missing.message]).toEqual(['NOT_FOUND', 'actor ghost does not exist']);
      expect((await rejection(store.removeRole('ghost', 'admin'))).code).toBe('NOT_FOUND');
    });

    it(`[${kind}] rejects bad actor input with BAD_INPUT naming the field`, async () => {
      const { store } = await freshStore(kind);
      const badId = await rejection(store.upsertActor({ id: 'Alice Smith', displayName: 'A', tenant: 'acme', region: 'r' }, T0));
      expect([badId.code, badId.message]).toEqual(['BAD_INPUT', 'upsertActor: id: lower-case id of letters, digits, . _ -']);
      const badRole = await rejection(store.upsertActor({ id: 'a', displayName: 'A', tenant: 'acme', region: 'r', roles: [''] }, T0));
      expect(badRole.message).toMatch(/^upsertActor: roles\.0: /);
      const badTime = await rejection(store.upsertActor({ id: 'a', displayName: 'A', tenant: 'acme', region: 'r' }, '2026-11-28 12:00'));
      expect(badTime.message).toMatch(/^upsertActor\.at: \(root\): /);
      expect(await store.isEmpty()).toBe(true);
    });

    it(`[${kind}] sets consents (one per subject and purpose) and lists them in order`, async () => {
      const { store } = await freshStore(kind);
      await store.setConsent({ subjectId: 's2', purpose: 'analytics', status: 'granted', updatedAt: T0 });
      await store.setConsent({ subjectId: 's1', purpose: 'marketing', status: 'granted', updatedAt: T0 });
      await store.setConsent({ subjectId: 's1', purpose: 'analytics', status: 'granted', updatedAt: T0 });
      expect(await store.setConsent({ subjectId: 's1', purpose: 'marketing', status: 'revoked', updatedAt: T1 })).toEqual({
        subjectId: 's1',
        purpose: 'marketing',
        status: 'revoked',
        updatedAt: T1,
      });
      expect(await store.listConsents()).toEqual([
        { subjectId: 's1', purpose: 'analytics', status: 'granted', updatedAt: T0 },
        { subjectId: 's1', purpose: 'marketing', status: 'revoked', updatedAt: T1 },
        { subjectId: 's2', purpose: 'analytics', status: 'granted', updatedAt: T0 },
      ]);
      expect(await store.listConsents('s2')).toEqual([{ subjectId: 's2', purpose: 'analytics', status: 'granted', updatedAt: T0 }]);
      expect(await store.listConsents('nobody')).toEqual([]);
      const bad = await rejection(store.setConsent({ subjectId: 's1', purpose: 'x', status: 'maybe' as 'granted', updatedAt: T0 }));
      expect(bad.message).toMatch(/^setConsent: status: /);
    });

    // ---- evidence ------------------------------------------------------------------------

    it(`[${kind}] inserts, gets and pages evidence by tenant, region and id`, async () => {
      const { store } = await freshStore(kind);
      expect(await store.insertEvidence(EVIDENCE)).toEqual(EVIDENCE);
      const items: EvidenceItem[] = [
        { ...EVIDENCE, id: 'ev-b2', sha256: null, labels: { ...EVIDENCE.labels, region: 'eu-central-1' } },
        { ...EVIDENCE, id: 'ev-c3', labels: { ...EVIDENCE.labels, tenant: 'globex', sensitivity: 'public' } },
        { ...EVIDENCE, id: 'ev-d4', createdAt: T1 },
      ];
      for (const item of items) await store.insertEvidence(item);
      expect(await store.getEvidence('ev-b2')).toEqual(items[0]);
      expect(await store.getEvidence('ev-zz')).toBeUndefined();
      expect((await store.listEvidence({})).map((e) => e.id)).toEqual(['ev-a1', 'ev-b2', 'ev-c3', 'ev-d4']);
      expect((await store.listEvidence({ tenant: 'acme' })).map((e) => e.id)).toEqual(['ev-a1', 'ev-b2', 'ev-d4']);
      expect((await store.listEvidence({ tenant: 'acme', region: 'us-west-2' })).map((e) => e.id)).toEqual(['ev-a1', 'ev-d4']);
      expect((await store.listEvidence({ limit: 2 })).map((e) => e.id)).toEqual(['ev-a1', 'ev-b2']);
      expect((await store.listEvidence({ limit: 2, afterId: 'ev-b2' })).map((e) => e.id)).toEqual(['ev-c3', 'ev-d4']);
      expect(await store.listEvidence({ tenant: 'initech' })).toEqual([]);
    });

    it(`[${kind}] refuses duplicate and mislabelled evidence`, async () => {
      const { store } = await freshStore(kind);
      await store.insertEvidence(EVIDENCE);
      const dup = await rejection(store.insertEvidence({ ...EVIDENCE, title: 'Other' }));
      expect([dup.code, dup.message]).toEqual(['CONFLICT', 'evidence ev-a1: already exists']);
      const label = await rejection(
        store.insertEvidence({ ...EVIDENCE, id: 'ev-x', labels: { ...EVIDENCE.labels, sensitivity: 'secret' as 'public' } }),
      );
      expect([label.code, label.message.startsWith('insertEvidence: labels.sensitivity: ')]).toEqual(['BAD_INPUT', true]);
      const limit = await rejection(store.listEvidence({ limit: 0 }));
      expect(limit.message).toMatch(/^listEvidence: limit: /);
      expect((await store.getEvidence('ev-a1'))?.title).toBe('Access review');
    });

    // ---- audit trail ---------------------------------------------------------------------

    it(`[${kind}] appends a hash chain: seq, deterministic id, genesis prevHash, canonical hash`, async () => {
      const { store } = await freshStore(kind);
      const first = await store.appendAuditEvent(event(1, { payload: { z: [1, { y: 'é' }], a: null, skip: undefined } }));
      const fields = {
        seq: 1,
        at: '2026-11-28T12:00:01.000Z',
        actorId: 'alice',
        action: 'evidence.read',
        resourceType: 'evidence',
        resourceId: 'ev-1',
        decision: 'allow' as const,
        payload: { a: null, z: [1, { y: 'é' }] },
        prevHash: GENESIS_HASH,
      };
      expect(first).toEqual({ ...fields, id: 'ae-000001', hash: auditEventHash(fields), appealTicketId: null });
      // The payload is stored as its canonical JSON text.
      expect(await store.sql.get('SELECT payload FROM audit_events WHERE seq = 1')).toEqual({ payload: '{"a":null,"z":[1,{"y":"é"}]}' });
      const second = await store.appendAuditEvent(event(2, { decision: 'deny', actorId: 'gil' }));
      const third = await store.appendAuditEvent(event(3, { decision: 'info' }));
      expect([second.seq, second.id, second.prevHash, third.seq, third.id, third.prevHash]).toEqual([
        2,
        'ae-000002',
        first.hash,
        3,
        'ae-000003',
        second.hash,
      ]);
      expect(await store.getAuditEvent('ae-000002')).toEqual(second);
      expect(await store.getAuditEvent('ae-000099')).toBeUndefined();
      expect(await store.listAuditEvents({})).toEqual([first, second, third]);
      expect(await store.listAuditEvents({ afterSeq: 1, limit: 1 })).toEqual([second]);
      expect(await store.listAuditEvents({ afterSeq: 3 })).toEqual([]);
      expect(await store.verifyAuditChain()).toEqual({ ok: true, checked: 3, firstBrokenSeq: null, reason: null });
    });

    it(`[${kind}] verifies an empty chain and rejects bad audit input`, async () => {
      const { store } = await freshStore(kind);
      expect(await store.verifyAuditChain()).toEqual({ ok: true, checked: 0, firstBrokenSeq: null, reason: null });
      const decision = await rejection(store.appendAuditEvent(event(1, { decision: 'maybe' as 'allow' })));
      expect(decision.message).toMatch(/^appendAuditEvent: decision: /);
      const payload = await rejection(store.appendAuditEvent(event(1, { payload: { n: Number.NaN } })));
      expect([payload.code, payload.message]).toEqual(['BAD_INPUT', 'appendAuditEvent.payload: not storable as JSON (NaN is not allowed)']);
      expect(await store.listAuditEvents({})).toEqual([]);
    });

    it(`[${kind}] verify names the event whose stored payload was edited`, async () => {
      const { store } = await freshStore(kind);
      for (let n = 1; n <= 4; n += 1) await store.appendAuditEvent(event(n));
      await store.sql.run('UPDATE audit_events SET payload = ? WHERE seq = ?', ['{"reason":"nothing to see"}', 3]);
      expect(await store.verifyAuditChain()).toEqual({
        ok: false,
        checked: 2,
        firstBrokenSeq: 3,
        reason: 'event seq 3 content does not match its hash (altered after it was written)',
      });
    });

    it(`[${kind}] verify names the missing seq when an event was deleted`, async () => {
      const { store } = await freshStore(kind);
      for (let n = 1; n <= 4; n += 1) await store.appendAuditEvent(event(n));
      await store.sql.run('DELETE FROM audit_events WHERE seq = ?', [2]);
      expect(await store.verifyAuditChain()).toEqual({
        ok: false,
        checked: 1,
        firstBrokenSeq: 2,
        reason: 'event seq 2 is missing (the next stored event is seq 3)',
      });
    });

    it(`[${kind}] verify names the event with a wrong prevHash, and a re-hashed forgery breaks the next link`, async () => {
      const { store } = await freshStore(kind);
      for (let n = 1; n <= 4; n += 1) await store.appendAuditEvent(event(n));
      await store.sql.run('UPDATE audit_events SET prev_hash = ? WHERE seq = ?', ['e'.repeat(64), 3]);
      expect(await store.verifyAuditChain()).toEqual({
        ok: false,
        checked: 2,
        firstBrokenSeq: 3,
        reason: 'event seq 3 prevHash does not match the hash of event seq 2',
      });
      const [, two] = await store.listAuditEvents({});
      const forged = { ...two!, at: '2026-01-01T00:00:00.000Z' };
      await store.sql.run('UPDATE audit_events SET at = ?, hash = ? WHERE seq = ?', [forged.at, auditEventHash(forged), 2]);
      expect(await store.verifyAuditChain()).toMatchObject({ ok: false, checked: 2, firstBrokenSeq: 3 });
    });

    it(`[${kind}] concurrent appends from two connections still form one chain`, async () => {
      const { store, loc } = await freshStore(kind);
      const second = await open(loc);
      onTestFinished(() => second.close());
      const writes = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? store : second).appendAuditEvent(event(i + 1)));
      const appended = await Promise.all(writes);
      expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(appended.map((e) => e.prevHash)).size).toBe(40);
      expect(await second.verifyAuditChain()).toEqual({ ok: true, checked: 40, firstBrokenSeq: null, reason: null });
    });

    // ---- tickets and appeals -------------------------------------------------------------

    it(`[${kind}] inserts, lists and updates ombuds tickets`, async () => {
      const { store } = await freshStore(kind);
      const denial = await store.appendAuditEvent(event(1, { decision: 'deny', actorId: 'arun' }));
      const t1 = await store.insertTicket({
        id: 'ot-1',
        state: 'new',
        priority: 'normal',
        requester: 'arun',
        assignee: null,
        denialEventId: denial.id,
        justification: 'need it',
        slaDue: T2,
        at: T0,
      });
      expect(t1).toEqual({
        id: 'ot-1',
        state: 'new',
        priority: 'normal',
        requester: 'arun',
        assignee: null,
        denialEventId: 'ae-000001',
        justification: 'need it',
        slaDue: T2,
        createdAt: T0,
        updatedAt: T0,
      });
      await store.insertTicket({ ...t1, id: 'ot-2', requester: 'gil', denialEventId: null, slaDue: null, at: T1 });
      await store.insertTicket({ ...t1, id: 'ot-0', state: 'decided', at: T1 });
      expect(await store.getTicket('ot-2')).toMatchObject({ id: 'ot-2', denialEventId: null, slaDue: null, createdAt: T1 });
      expect(await store.getTicket('ot-9')).toBeUndefined();
      expect((await store.listTickets({})).map((t) => t.id)).toEqual(['ot-1', 'ot-0', 'ot-2']);
      expect((await store.listTickets({ state: 'new' })).map((t) => t.id)).toEqual(['ot-1', 'ot-2']);
      expect((await store.listTickets({ requester: 'arun', limit: 1 })).map((t) => t.id)).toEqual(['ot-1']);
      const updated = await store.updateTicket('ot-1', { state: 'triage', assignee: 'olga', priority: 'high' }, T2);
      expect(updated).toEqual({ ...t1, state: 'triage', assignee: 'olga', priority: 'high', updatedAt: T2 });
      expect(await store.updateTicket('ot-1', { slaDue: null }, T2)).toEqual({ ...updated, slaDue: null });
      const missing = await rejection(store.updateTicket('ot-9', { state: 'decided' }, T2));
      expect([missing.code, missing.message]).toEqual(['NOT_FOUND', 'ticket ot-9 does not exist']);
      const dup = await rejection(store.insertTicket({ ...t1, at: T0 }));
      expect([dup.code, dup.message]).toEqual(['CONFLICT', 'ticket ot-1: already exists']);
      const noDenial = await rejection(store.insertTicket({ ...t1, id: 'ot-3', denialEventId: 'ae-000404', at: T0 }));
      expect([noDenial.code, noDenial.message]).toEqual(['NOT_FOUND', 'insertTicket.denialEventId: audit event ae-000404 does not exist']);
      const extra = await rejection(store.updateTicket('ot-1', { requester: 'x' } as object, T2));
      expect(extra.code).toBe('BAD_INPUT');
    });

    it(`[${kind}] rejects a bad ticket state in the API and in the database CHECK`, async () => {
      const { store } = await freshStore(kind);
      const base = { id: 'ot-1', priority: 'low', requester: 'a', assignee: null, denialEventId: null, justification: '', slaDue: null, at: T0 } as const;
      const api = await rejection(store.insertTicket({ ...base, state: 'closed' as 'new' }));
      expect([api.code, api.message.startsWith('insertTicket: state: ')]).toEqual(['BAD_INPUT', true]);
      const raw = await store.sql
        .run(
          'INSERT INTO ombuds_ticket (id, state, priority, requester, justification, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          ['ot-raw', 'closed', 'low', 'a', '', T0, T0],
        )
        .catch((e: unknown) => e);
      expect(raw).toBeInstanceOf(SqlError);
      expect([(raw as SqlError).kind, (raw as SqlError).message]).toEqual(['check', expect.stringContaining('ombuds_ticket_state_check')]);
      await store.insertTicket({ ...base, state: 'pending_info' });
      const update = await rejection(store.updateTicket('ot-1', { state: 'reopened' as 'new' }, T1));
      expect(update.message).toMatch(/^updateTicket\.patch: state: /);
      expect(await store.listTickets({})).toMatchObject([{ id: 'ot-1', state: 'pending_info' }]);
    });

    it(`[${kind}] links a denial to its appeal ticket, once`, async () => {
      const { store } = await freshStore(kind);
      const denial = await store.appendAuditEvent(event(1, { decision: 'deny' }));
      const ticket = { id: 'ot-1', state: 'new', priority: 'normal', requester: 'a', assignee: null, denialEventId: denial.id, justification: 'j', slaDue: null, at: T0 } as const;
      await store.insertTicket(ticket);
      await store.insertTicket({ ...ticket, id: 'ot-2' });
      await store.setAuditAppealTicket(denial.id, 'ot-1');
      await store.setAuditAppealTicket(denial.id, 'ot-1');
      expect(await store.getAuditEvent(denial.id)).toEqual({ ...denial, appealTicketId: 'ot-1' });
      const relink = await rejection(store.setAuditAppealTicket(denial.id, 'ot-2'));
      expect([relink.code, relink.message]).toEqual(['CONFLICT', 'audit event ae-000001 is already appealed by ticket ot-1']);
      expect((await rejection(store.setAuditAppealTicket('ae-000404', 'ot-1'))).message).toBe('audit event ae-000404 does not exist');
      expect((await rejection(store.setAuditAppealTicket(denial.id, 'ot-404'))).message).toBe('ticket ot-404 does not exist');
      // The link is outside the hash: the chain still verifies.
      expect(await store.verifyAuditChain()).toEqual({ ok: true, checked: 1, firstBrokenSeq: null, reason: null });
    });

    // ---- settings, transactions ----------------------------------------------------------

    it(`[${kind}] round-trips JSON settings exactly`, async () => {
      const { store } = await freshStore(kind);
      const values: [string, unknown][] = [
        ['object', { b: [1, 2.5, 'x', null, true], a: { nested: 'é\n"' } }],
        ['number', 12345678901234],
        ['string', 'plain'],
        ['false', false],
        ['null', null],
        ['array', []],
      ];
      for (const [key, value] of values) await store.setSetting(key, value);
      for (const [key, value] of values) expect(await store.getSetting(key)).toEqual(value);
      await store.setSetting('number', 7);
      expect(await store.getSetting('number')).toBe(7);
      expect(await store.getSetting('absent')).toBeUndefined();
      const undef = await rejection(store.setSetting('x', undefined));
      expect([undef.code, undef.message]).toEqual(['BAD_INPUT', 'setSetting("x"): not storable as JSON (value has no JSON representation)']);
      expect((await rejection(store.setSetting('x', { n: Number.POSITIVE_INFINITY }))).code).toBe('BAD_INPUT');
    });

    it(`[${kind}] store.transaction commits together or not at all`, async () => {
      const { store } = await freshStore(kind);
      await expect(
        store.transaction(async (tx) => {
          await tx.upsertActor({ id: 'a', displayName: 'A', tenant: 't', region: 'r' }, T0);
          await tx.appendAuditEvent(event(1));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect([await store.isEmpty(), await store.listAuditEvents({})]).toEqual([true, []]);
      const inside = await store
        .transaction(async () => store.isEmpty())
        .catch((e: unknown) => e);
      expect((inside as SqlError).kind).toBe('misuse');
      await store.transaction(async (tx) => {
        await tx.upsertActor({ id: 'a', displayName: 'A', tenant: 't', region: 'r' }, T0);
        await tx.appendAuditEvent(event(1));
      });
      expect(await store.isEmpty()).toBe(false);
      expect(await store.verifyAuditChain()).toMatchObject({ ok: true, checked: 1 });
    });

    // ---- demo seed -----------------------------------------------------------------------

    it(`[${kind}] seeds the demo data once, into an empty store only`, async () => {
      const { store } = await freshStore(kind);
      expect(await seedDemoData(store)).toEqual({ seeded: true, actors: 7, consents: 7, evidence: 20, auditEvents: 12, tickets: 2 });
      expect(await seedDemoData(store)).toEqual({ seeded: false, actors: 0, consents: 0, evidence: 0, auditEvents: 0, tickets: 0 });
      expect(await store.isEmpty()).toBe(false);
      expect(await store.verifyAuditChain()).toEqual({ ok: true, checked: 12, firstBrokenSeq: null, reason: null });
      const events = await store.listAuditEvents({ limit: 1000 });
      expect(events.at(-1)?.hash).toBe(DEMO_HEAD_HASH);
      expect(events.filter((e) => e.decision === 'deny').map((e) => [e.id, e.appealTicketId])).toEqual([
        ['ae-000003', 'ot-0001'],
        ['ae-000005', 'ot-0002'],
        ['ae-000008', null],
        ['ae-000012', null],
      ]);
      expect(await store.listTickets({})).toMatchObject([
        { id: 'ot-0001', state: 'triage', assignee: 'olga', denialEventId: 'ae-000003', updatedAt: '2026-11-20T11:30:00.000Z' },
        { id: 'ot-0002', state: 'new', assignee: null, denialEventId: 'ae-000005' },
      ]);
      expect(await store.listEvidence({ limit: 1000 })).toEqual(DEMO_EVIDENCE);
      expect(new Set(DEMO_EVIDENCE.map((e) => `${e.labels.tenant}/${e.labels.region}`))).toEqual(
        new Set(['acme/us-west-2', 'acme/eu-central-1', 'globex/us-west-2', 'globex/eu-central-1']),
      );
      expect(events.map(({ seq, at, actorId, action, resourceType, resourceId, decision, payload }) => ({ seq, at, actorId, action, resourceType, resourceId, decision, payload }))).toEqual(
        DEMO_AUDIT_EVENTS.map((e, i) => ({ seq: i + 1, ...e })),
      );
      expect((await store.listActors()).map((a) => `${a.id}:${a.roles.join('+')}`)).toEqual([
        'admin:admin',
        'alice:auditor',
        'arun:analyst',
        'gil:analyst',
        'greta:data_steward',
        'olga:ombuds',
        'sam:data_steward',
      ]);
    });
  });
});

describe.skipIf(skipStoreKind('postgres'))('Store conformance across sqlite and postgres', () => {
  const stores: Partial<Record<StoreKind, Store>> = {};
  const locations: TestStoreLocation[] = [];

  beforeAll(async () => {
    for (const kind of STORE_KINDS) {
      const loc = await createStoreLocation(kind);
      locations.push(loc);
      stores[kind] = await open(loc);
    }
  });
  afterAll(async () => {
    for (const store of Object.values(stores)) await store?.close().catch(() => {});
    for (const loc of locations) await loc.cleanup();
  });

  it('[sqlite+postgres] the demo seed gives identical rows and identical audit hashes on both stores', async () => {
    for (const kind of STORE_KINDS) await seedDemoData(stores[kind]!);
    const [sqlite, postgres] = [await dumpTables(stores.sqlite!.sql), await dumpTables(stores.postgres!.sql)];
    expect(postgres).toEqual(sqlite);
    expect(sqlite.audit_events).toHaveLength(12);
    expect((sqlite.audit_events.at(-1) as { hash: string }).hash).toBe(DEMO_HEAD_HASH);
    expect(sqlite.actors[0]).toEqual({ id: 'admin', display_name: 'Avery Admin', tenant: 'acme', region: 'us-west-2', created_at: '2026-11-01T09:00:00.000Z' });
  });
});
