import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPackBuild, BuildList, ControlMapResult, DownloadFile, EntryView } from '../../shared/api/auditpack.ts';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import type { EventPayload } from '../../shared/api/events.ts';
import type { AuditPackIndex } from '../../shared/domain/audit-pack.ts';
import { loadOrCreateWorkbenchKey } from '../appeals/workbench-key.ts';
import { resolveConfig } from '../config.ts';
import { createWorkbench, type Workbench } from '../workbench.ts';
import { AUDIT_PACKS_DIR, sidecarName } from './build-records.ts';
import { CONTROL_MAP_CSV_HEADER } from './compliance/control-map.ts';
import { INDEX_CSV_HEADER } from './index-csv.ts';
import { readPackEntries } from './pack-entries.ts';

/**
 * The auditpack namespace over a real workbench (temp SQLite store, demo data, the real
 * builder, collectors and derivers), called through the dispatcher as the transports do.
 * The clock stands an hour after the pack's reference time and moves only when a test
 * moves it.
 */
const AT = '2026-11-28T12:00:00.000Z';
const NOW = new Date('2026-11-28T13:00:00.000Z');
let clock = NOW;
const tick = () => (clock = new Date(clock.getTime() + 60_000));

let dataDir: string;
let wb: Workbench;
const progress: Array<EventPayload<'progress'>> = [];

const call = <T,>(method: string, input: unknown, actorId = 'alice') =>
  wb.dispatch(`auditpack.${method}`, { input, session: { actorId } }, { transport: 'in-process' }) as Promise<T>;
const fail = async (p: Promise<unknown>) => (await p.then(() => undefined).catch((e: unknown) => e)) as WorkbenchError;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let first: AuditPackBuild;
let index: AuditPackIndex;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-auditpack-'));
  wb = await createWorkbench(resolveConfig({}, { dataDir, seedDemoData: true, now: () => clock }));
  wb.bus.subscribe((e) => {
    if (e.topic === 'progress' && e.payload.jobId.startsWith('t-')) progress.push(e.payload);
  });
  first = await call<AuditPackBuild>('build', { org: 'acme', at: AT, progressId: 't-1' });
  index = (await call<{ index: AuditPackIndex }>('get', { buildId: first.id })).index;
}, 240_000);

afterAll(async () => {
  await wb?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('auditpack.build', () => {
  it('writes the pack and its side-car into <dataDir>/audit-packs and returns its record', () => {
    const dir = join(dataDir, AUDIT_PACKS_DIR);
    const bytes = readFileSync(join(dir, first.fileName));
    expect(first).toMatchObject({
      id: `ap-${sha256(bytes).slice(0, 16)}`,
      org: 'acme',
      at: AT,
      period: { from: '2025-11-28T12:00:00.000Z', to: AT },
      fileName: `audit-pack-acme-2026-11-28-${sha256(bytes).slice(0, 12)}.tgz`,
      sha256: sha256(bytes),
      bytes: bytes.length,
      signerKeyId: loadOrCreateWorkbenchKey(dataDir).keyId,
      createdAt: NOW.toISOString(),
      createdBy: 'alice',
    });
    expect(readdirSync(dir).sort()).toEqual([first.fileName, sidecarName(first.fileName)].sort());
    expect(first.index.files).toBe(index.entries.length);
    expect(first.index.bytes).toBe(index.entries.reduce((n, e) => n + e.size, 0));
    expect(first.index.sections.reduce((n, s) => n + s.files, 0)).toBe(index.entries.length);
    expect(first.controls.total).toBe(first.controls.present + first.controls.missing + first.controls.stale);
    expect(first.controls.total).toBeGreaterThan(0);
  });

  it('announces progress under the caller’s id, phase first, and ends with one finished event naming the file', () => {
    const mine = progress.filter((p) => p.jobId === 't-1');
    expect(mine[0]).toEqual({ jobId: 't-1', label: 'collect: starting', done: 0, total: null, finished: false });
    expect(mine.length).toBeGreaterThan(3);
    expect(new Set(mine.slice(1, -1).map((p) => p.label.slice(0, p.label.indexOf(':'))))).toContain('collect');
    expect(mine.filter((p) => p.finished)).toEqual([
      {
        jobId: 't-1',
        label: `done: ${first.fileName} (${first.index.files} files, ${first.controls.present} of ${first.controls.total} controls present)`,
        done: 1,
        total: 1,
        finished: true,
      },
    ]);
  });

  it('keeps every build: a later one (the trail now holds this test’s decisions) is listed first, beside the first', async () => {
    tick();
    const later = await call<AuditPackBuild>('build', { org: 'acme', at: AT, progressId: 't-2' });
    expect(later.id).not.toBe(first.id);
    expect(later).toMatchObject({ at: AT, createdAt: clock.toISOString(), createdBy: 'alice' });
    expect(await call<BuildList>('list', {})).toEqual({ builds: [later, first], running: null, problems: [] });
  }, 240_000);

  it('refuses an empty period, naming from', async () => {
    const err = await fail(call('build', { org: 'acme', at: AT, from: '2026-12-01T00:00:00.000Z' }));
    expect(err).toMatchObject({ code: 'BAD_INPUT', message: `from: the period [2026-12-01T00:00:00.000Z, ${AT}) is empty: from must be before to` });
  });

  it('runs one build at a time: a second one while the first runs is a CONFLICT naming who started it', async () => {
    const startedAt = tick().toISOString();
    const running = call<AuditPackBuild>('build', { org: 'globex', at: AT, progressId: 't-3' });
    await waitFor(() => progress.some((p) => p.jobId === 't-3'));
    const err = await fail(call('build', { org: 'acme', at: AT }, 'admin'));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toBe(`an audit pack for globex is being built (started by alice at ${startedAt}); one build runs at a time`);
    expect(err.details).toEqual({ progressId: 't-3', org: 'globex', startedAt, startedBy: 'alice' });
    expect((await call<BuildList>('list', {})).running).toEqual({ progressId: 't-3', org: 'globex', startedAt, startedBy: 'alice' });
    const globex = await running;
    expect(globex).toMatchObject({ org: 'globex', fileName: `audit-pack-globex-2026-11-28-${globex.sha256.slice(0, 12)}.tgz` });
    expect((await call<BuildList>('list', {})).builds.map((b) => b.org)).toEqual(['globex', 'acme', 'acme']);
  }, 240_000);

  it('cancels a running build and keeps nothing of it', async () => {
    const dir = join(dataDir, AUDIT_PACKS_DIR);
    const before = readdirSync(dir).sort();
    const running = fail(call('build', { org: 'initech', at: AT, progressId: 't-4' }));
    await waitFor(() => progress.some((p) => p.jobId === 't-4'));
    expect(await call('cancel', {})).toEqual({ cancelled: true, progressId: 't-4' });
    const err = await running;
    expect(err).toMatchObject({ code: 'CANCELLED', message: 'the audit pack build was cancelled; nothing was kept' });
    expect(progress.filter((p) => p.jobId === 't-4' && p.finished)).toEqual([
      { jobId: 't-4', label: 'failed: the audit pack build was cancelled; nothing was kept', done: 0, total: null, finished: true },
    ]);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(await call('cancel', {})).toEqual({ cancelled: false, progressId: null });
  }, 240_000);

  it('denies an actor without the auditor or admin role, audits it and offers an appeal', async () => {
    const err = await fail(call('build', { org: 'acme' }, 'arun'));
    expect(err.code).toBe('DENIED');
    const [ev] = (await wb.store.listAuditEvents({ afterSeq: 0, limit: 100_000 })).filter((e) => e.id === err.details?.decisionId);
    expect(ev).toMatchObject({ actorId: 'arun', action: 'auditpack.build', resourceType: 'audit-pack', resourceId: 'acme', decision: 'deny' });
    expect(err.details).toMatchObject({ reason: 'auditpack.build needs one of the roles auditor, admin', appealLink: `#/appeals/new?denial=${ev!.id}` });
    const read = await fail(call('list', {}, 'arun'));
    expect(read.details).toMatchObject({ reason: 'auditpack.read needs one of the roles auditor, admin' });
  });
});

describe('auditpack control map, evidence and downloads', () => {
  it('serves the control map of the latest build, or of the one named', async () => {
    const latest = await call<ControlMapResult>('controlMap', {});
    const builds = (await call<BuildList>('list', {})).builds;
    expect(latest.build).toEqual(builds[0]);
    expect(latest.build?.org).toBe('globex');
    const named = await call<ControlMapResult>('controlMap', { buildId: first.id });
    expect(named.build).toEqual(first);
    expect(named.counts).toEqual(first.controls);
    expect(named.message).toBeNull();
    const packed = await readPackEntries(join(dataDir, AUDIT_PACKS_DIR, first.fileName), ['compliance/control-map.json'], 1 << 24);
    expect(named.rows).toEqual(JSON.parse(packed.get('compliance/control-map.json')!.data!.toString('utf8')));
  });

  it('opens a piece of evidence from the pack, checked against the index', async () => {
    const entry = index.entries.find((e) => e.path === 'compliance/control-map.csv')!;
    const view = await call<EntryView>('readEntry', { buildId: first.id, path: entry.path });
    expect(view).toMatchObject({ kind: 'file', entry, children: [], note: null, verified: true });
    expect(view.text!.split('\r\n')[0]).toBe(CONTROL_MAP_CSV_HEADER.join(','));
    expect(sha256(Buffer.from(view.text!, 'utf8'))).toBe(entry.sha256);
  });

  it('lists a folder pointer’s files, shows binary evidence as metadata only, and names what it cannot find', async () => {
    const dir = 'audit';
    const view = await call<EntryView>('readEntry', { buildId: first.id, path: dir });
    expect(view).toMatchObject({ kind: 'folder', entry: null, text: null, verified: false });
    expect(view.children).toEqual(index.entries.filter((e) => e.path.startsWith('audit/')));
    expect(view.children.map((e) => e.path)).toEqual(['audit/audit-events.jsonl', 'audit/chain-verification.json']);
    expect(view.note).toBe('2 files under audit/');
    const pdf = await call<EntryView>('readEntry', { buildId: first.id, path: 'report.pdf' });
    expect(pdf).toMatchObject({ kind: 'file', text: null, note: 'application/pdf is not shown as text; download the pack to open it', verified: true });
    const err = await fail(call('readEntry', { buildId: first.id, path: 'nothing/here.json' }));
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: `nothing/here.json: no such file or folder in ${first.fileName}'s index` });
    expect((await fail(call('get', { buildId: 'ap-0000000000000000' }))).message).toBe('no audit pack build ap-0000000000000000');
  });

  it('downloads the pack, the index and the control map as JSON, CSV and PDF', async () => {
    const dl = async (what: string) => {
      const f = await call<DownloadFile>('download', { buildId: first.id, what });
      const bytes = Buffer.from(f.base64!, 'base64');
      expect(f).toMatchObject({ bytes: bytes.length, sha256: sha256(bytes), path: null, note: null });
      return { f, bytes };
    };
    const base = first.fileName.replace(/\.tgz$/, '');
    const pack = await dl('pack');
    expect(pack.f).toMatchObject({ fileName: first.fileName, mediaType: 'application/gzip', sha256: first.sha256 });
    const ij = await dl('index.json');
    expect(ij.f).toMatchObject({ fileName: `${base}-index.json`, mediaType: 'application/json' });
    expect(JSON.parse(ij.bytes.toString('utf8'))).toEqual(index);
    const ic = await dl('index.csv');
    const lines = ic.bytes.toString('utf8').split('\r\n');
    expect(lines[0]).toBe(INDEX_CSV_HEADER.join(','));
    expect(lines).toHaveLength(index.entries.length + 2);
    const cc = await dl('control-map.csv');
    expect(cc.f).toMatchObject({ fileName: `${base}-control-map.csv`, mediaType: 'text/csv', sha256: index.entries.find((e) => e.path === 'compliance/control-map.csv')!.sha256 });
    const cj = await dl('control-map.json');
    expect(cj.f.sha256).toBe(index.entries.find((e) => e.path === 'compliance/control-map.json')!.sha256);
    for (const what of ['index.pdf', 'control-map.pdf']) {
      const p = await dl(what);
      expect(p.f.mediaType).toBe('application/pdf');
      expect(p.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // Same build, same bytes.
      expect((await dl(what)).f.sha256).toBe(p.f.sha256);
    }
  });

  it('refuses evidence whose bytes no longer match what the build recorded, naming the file', async () => {
    const file = join(dataDir, AUDIT_PACKS_DIR, sidecarName(first.fileName));
    const original = readFileSync(file, 'utf8');
    try {
      const sidecar = JSON.parse(original) as { index: AuditPackIndex };
      const entry = sidecar.index.entries.find((e) => e.path === 'compliance/control-map.csv')!;
      const recorded = entry.sha256;
      entry.sha256 = '0'.repeat(64);
      writeFileSync(file, JSON.stringify(sidecar));
      const err = await fail(call('readEntry', { buildId: first.id, path: 'compliance/control-map.csv' }));
      expect(err).toMatchObject({
        code: 'CONFLICT',
        message: `compliance/control-map.csv in ${first.fileName} does not match its recorded SHA-256 (found ${recorded}, expected ${'0'.repeat(64)}): the pack changed after it was built`,
      });
    } finally {
      writeFileSync(file, original);
    }
  });

  it('says no pack was built yet on a fresh workbench', async () => {
    const other = mkdtempSync(join(tmpdir(), 'wb-auditpack-empty-'));
    const fresh = await createWorkbench(resolveConfig({}, { dataDir: other, seedDemoData: true, now: () => NOW }));
    try {
      const r = await fresh.dispatch('auditpack.controlMap', { input: {}, session: { actorId: 'alice' } }, { transport: 'in-process' });
      expect(r).toEqual({ build: null, rows: [], counts: { total: 0, present: 0, missing: 0, stale: 0 }, message: 'No audit pack has been built yet: build one to see the control map it carries.' });
      expect(existsSync(join(other, AUDIT_PACKS_DIR))).toBe(false);
    } finally {
      await fresh.close();
      rmSync(other, { recursive: true, force: true });
    }
  });
});

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
