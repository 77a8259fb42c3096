import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { createStoreLocation, skipStoreKind, type TestStoreLocation } from '../store/testing/store-targets.ts';
import { createTempSqlite } from '../store/testing/temp-sqlite.ts';
import { parseEpochPayload } from './pg-epoch-feed.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from './policy-workbench.ts';

const NOW = () => new Date('2026-11-28T12:00:00.000Z');

describe('parseEpochPayload', () => {
  it('reads "<epoch>:<revision>:<reason>", the reason may hold colons', () => {
    expect(parseEpochPayload('42:3:role removed: auditor from alice')).toEqual({ epoch: 42, policyRevision: 3, reason: 'role removed: auditor from alice' });
  });
  it('rejects anything else', () => {
    for (const bad of [undefined, '', '42', '42:x:r', '-1:0:r', '99999999999999999999:0:r']) expect(parseEpochPayload(bad)).toBeUndefined();
  });
});

async function until(what: string, test: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const denied = (e: unknown) => e instanceof WorkbenchError && e.code === 'DENIED';

describe.skipIf(skipStoreKind('postgres'))('two workbenches on one PostgreSQL database', () => {
  let loc: TestStoreLocation;
  let a: PolicyWorkbench;
  let b: PolicyWorkbench;
  const bDir = createTempSqlite('wb-feed-b-');

  beforeAll(async () => {
    loc = await createStoreLocation('postgres');
    a = await openPolicyWorkbench({ dataDir: loc.dataDir, databaseUrl: loc.databaseUrl, now: NOW });
    b = await openPolicyWorkbench({ dataDir: bDir.dataDir, databaseUrl: loc.databaseUrl, now: NOW });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await loc?.cleanup();
    bDir.remove();
  });

  it('a revocation on A reaches B by NOTIFY: B drops its cached allow and denies the next action', async () => {
    expect(b.services.feed?.live).toBe(true);
    await b.call('audit.list', { limit: 1 }, 'alice');
    await b.call('audit.list', { limit: 1 }, 'alice');
    expect(b.services.pdp.status().cache.hits).toBeGreaterThan(0);
    const result = (await a.call('policy.removeRole', { actorId: 'alice', role: 'auditor' }, 'admin')) as { epoch: number };
    await until('B to adopt the new epoch', () => b.services.pdp.epoch() >= result.epoch);
    expect(await b.call('audit.list', { limit: 1 }, 'alice').catch(denied)).toBe(true);
    const changed = b.events.filter((e) => e.topic === 'policy.changed').at(-1);
    expect(changed).toEqual({ topic: 'policy.changed', payload: { epoch: result.epoch, reason: 'role removed: auditor from alice' } });
  });

  it('with its feed down, B reads the epoch row on every decision: still no stale answer', async () => {
    await b.services.feed!.simulateDrop();
    expect(b.services.pdp.status().feedLive).toBe(false);
    await a.call('policy.assignRole', { actorId: 'alice', role: 'auditor' }, 'admin');
    // No waiting: B has no feed, so it must look.
    await b.call('audit.list', { limit: 1 }, 'alice');
    await until('the feed to reconnect', () => b.services.feed!.live === true);
    expect(b.services.pdp.status().feedLive).toBe(true);
  });

  it('a session that saw A\'s newer epoch makes B catch up before deciding', async () => {
    await b.call('audit.list', { limit: 1 }, 'alice');
    // Hold B's feed back so only the session epoch can tell it.
    const follower = b.services.pdp;
    const note = follower.noteEpoch.bind(follower);
    follower.noteEpoch = async () => undefined;
    try {
      const result = (await a.call('policy.removeRole', { actorId: 'alice', role: 'auditor' }, 'admin')) as { epoch: number };
      expect(await b.call('audit.list', { limit: 1 }, 'alice', result.epoch).catch(denied)).toBe(true);
    } finally {
      follower.noteEpoch = note;
      await a.call('policy.assignRole', { actorId: 'alice', role: 'auditor' }, 'admin');
    }
  });
});
