import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresClient, advisoryLockKey } from './postgres-client.ts';
import { SqlError } from './sql-client.ts';
import type { SqlClient } from './sql-client.ts';
import { SqliteClient } from './sqlite-client.ts';
import { STORE_KINDS, createStoreLocation, skipStoreKind } from './testing/store-targets.ts';
import type { TestStoreLocation } from './testing/store-targets.ts';

async function openClient(loc: TestStoreLocation): Promise<SqlClient> {
  return loc.databaseUrl ? PostgresClient.open(loc.databaseUrl) : SqliteClient.open(join(loc.dataDir, 'client.sqlite'));
}

const DDL = {
  sqlite: `
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE sample (
      id INTEGER PRIMARY KEY,
      label TEXT NOT NULL UNIQUE,
      amount REAL,
      big INTEGER,
      blob BLOB,
      at TEXT,
      parent_id INTEGER REFERENCES parent (id),
      CONSTRAINT sample_label_check CHECK (label <> 'forbidden')
    );`,
  postgres: `
    CREATE TABLE parent (id BIGINT PRIMARY KEY);
    CREATE TABLE sample (
      id BIGINT PRIMARY KEY,
      label TEXT NOT NULL UNIQUE,
      amount DOUBLE PRECISION,
      big BIGINT,
      blob BYTEA,
      at TIMESTAMPTZ(3),
      parent_id BIGINT REFERENCES parent (id),
      CONSTRAINT sample_label_check CHECK (label <> 'forbidden')
    );`,
};

async function errorOf(p: Promise<unknown>): Promise<SqlError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof SqlError)) throw new Error(`expected a SqlError, got ${String(e)}`);
  return e;
}

describe.each(STORE_KINDS)('SqlClient on %s', (kind) => {
  describe.skipIf(skipStoreKind(kind))(`${kind} client`, () => {
    let loc: TestStoreLocation;
    let db: SqlClient;

    beforeAll(async () => {
      loc = await createStoreLocation(kind);
      db = await openClient(loc);
      await db.exec(DDL[kind]);
    });
    afterAll(async () => {
      await db?.close();
      await loc?.cleanup();
    });
    afterEach(async () => {
      await db.run('DELETE FROM sample');
      await db.run('DELETE FROM parent');
    });

    it(`[${kind}] returns identical row shapes: numbers, bigints beyond 2^53, ISO timestamps, buffers, nulls`, async () => {
      await db.run('INSERT INTO sample (id, label, amount, big, blob, at) VALUES (?, ?, ?, ?, ?, ?)', [
        1,
        'one',
        2.5,
        9007199254740993n,
        new Uint8Array([1, 2, 255]),
        '2026-11-28T12:00:00.000Z',
      ]);
      await db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [2, 'two']);
      const rows = await db.all('SELECT id, label, amount, big, blob, at, parent_id FROM sample ORDER BY id');
      expect(rows).toEqual([
        { id: 1, label: 'one', amount: 2.5, big: 9007199254740993n, blob: Buffer.from([1, 2, 255]), at: '2026-11-28T12:00:00.000Z', parent_id: null },
        { id: 2, label: 'two', amount: null, big: null, blob: null, at: null, parent_id: null },
      ]);
      expect(await db.get('SELECT count(*) AS n, sum(id) AS total, max(at) AS latest FROM sample')).toEqual({
        n: 2,
        total: 3,
        latest: '2026-11-28T12:00:00.000Z',
      });
      expect(await db.get('SELECT (1 = 1) AS yes, (1 = 2) AS no')).toEqual({ yes: 1, no: 0 });
      expect(await db.get('SELECT id FROM sample WHERE id = ?', [99])).toBeUndefined();
    });

    it(`[${kind}] leaves ? inside string literals alone and binds booleans as 1/0`, async () => {
      await db.run('INSERT INTO sample (id, label, big) VALUES (?, ?, ?)', [1, 'q?', true]);
      expect(await db.get("SELECT label, big, 'why?' AS lit FROM sample WHERE label = ? AND big = ?", ['q?', 1])).toEqual({
        label: 'q?',
        big: 1,
        lit: 'why?',
      });
    });

    it(`[${kind}] reports run() changes and gives [] from all() on a statement without result columns`, async () => {
      await db.run('INSERT INTO sample (id, label) VALUES (?, ?), (?, ?)', [1, 'a', 2, 'b']);
      expect(await db.run('UPDATE sample SET amount = ? WHERE id >= ?', [1.5, 1])).toEqual({ changes: 2 });
      expect(await db.all('UPDATE sample SET amount = ? WHERE id = ?', [3, 1])).toEqual([]);
      expect(await db.all('INSERT INTO sample (id, label) VALUES (?, ?) RETURNING id, label', [3, 'c'])).toEqual([{ id: 3, label: 'c' }]);
    });

    it(`[${kind}] classifies constraint failures the same way`, async () => {
      await db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [1, 'one']);
      const unique = await errorOf(db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [2, 'one']));
      expect([unique.kind, unique.dialect]).toEqual(['unique', kind]);
      expect((await errorOf(db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [1, 'other']))).kind).toBe('unique');
      const check = await errorOf(db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [3, 'forbidden']));
      expect(check.kind).toBe('check');
      expect(check.message).toContain('sample_label_check');
      expect((await errorOf(db.run('INSERT INTO sample (id, label, parent_id) VALUES (?, ?, ?)', [4, 'x', 42]))).kind).toBe('foreign_key');
      expect((await errorOf(db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [5, null]))).kind).toBe('not_null');
    });

    it(`[${kind}] refuses values one dialect would store differently`, async () => {
      const nul = await errorOf(db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [1, 'a\u0000b']));
      expect([nul.kind, nul.message]).toEqual(['bad_value', 'parameter 2: text contains NUL (U+0000), which PostgreSQL cannot store']);
      const nan = await errorOf(db.run('INSERT INTO sample (id, label, amount) VALUES (?, ?, ?)', [1, 'a', Number.NaN]));
      expect([nan.kind, nan.message]).toEqual(['bad_value', 'parameter 3: NaN is not a finite number']);
      const undef = await errorOf(db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [1, undefined as unknown as null]));
      expect([undef.kind, undef.message]).toEqual(['bad_value', 'parameter 2: undefined cannot be bound (use null)']);
      const few = await errorOf(db.run('INSERT INTO sample (id, label) VALUES (?, ?)', [1]));
      expect(few.kind).toBe('misuse');
    });

    it(`[${kind}] commits a transaction that resolves and rolls back one that throws`, async () => {
      const out = await db.transaction(async (tx) => {
        await tx.run('INSERT INTO sample (id, label) VALUES (?, ?)', [1, 'kept']);
        return (await tx.get<{ n: number }>('SELECT count(*) AS n FROM sample'))!.n;
      });
      expect(out).toBe(1);
      await expect(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO sample (id, label) VALUES (?, ?)', [2, 'lost']);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await db.all('SELECT label FROM sample ORDER BY id')).toEqual([{ label: 'kept' }]);
    });

    it(`[${kind}] nests transactions as savepoints: an inner failure keeps the outer work`, async () => {
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO sample (id, label) VALUES (?, ?)', [1, 'outer']);
        await expect(
          tx.transaction(async (inner) => {
            await inner.run('INSERT INTO sample (id, label) VALUES (?, ?)', [2, 'inner']);
            throw new Error('inner failed');
          }),
        ).rejects.toThrow('inner failed');
        await tx.transaction(async (inner) => {
          await inner.run('INSERT INTO sample (id, label) VALUES (?, ?)', [3, 'inner ok']);
        });
      });
      expect(await db.all('SELECT label FROM sample ORDER BY id')).toEqual([{ label: 'outer' }, { label: 'inner ok' }]);
    });

    it(`[${kind}] fails fast on misuse instead of deadlocking`, async () => {
      const err = await errorOf(db.transaction(async () => db.all('SELECT 1 AS one')));
      expect([err.kind, err.message]).toEqual([
        'misuse',
        'called the outer client from inside its own transaction: use the tx client that transaction() passes to fn',
      ]);
      let leaked: SqlClient | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
      });
      const late = await errorOf(leaked!.all('SELECT 1 AS one'));
      expect([late.kind, late.message]).toEqual(['misuse', 'transaction already ended: this tx client can no longer be used']);
      expect((await errorOf(db.lock('x'))).kind).toBe('misuse');
      await db.transaction(async (tx) => tx.lock('workbench.test'));
    });

    it(`[${kind}] runs concurrent transactions on one client without interleaving a read-then-write`, async () => {
      await db.run('INSERT INTO sample (id, label, big) VALUES (?, ?, ?)', [1, 'counter', 0]);
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction(async (tx) => {
            await tx.lock('sample.counter');
            const row = await tx.get<{ big: number }>('SELECT big FROM sample WHERE id = ?', [1]);
            await new Promise((resolve) => setImmediate(resolve));
            await tx.run('UPDATE sample SET big = ? WHERE id = ?', [row!.big + 1, 1]);
          }),
        ),
      );
      expect(await db.get('SELECT big FROM sample WHERE id = ?', [1])).toEqual({ big: 20 });
    });

    it(`[${kind}] refuses use after close`, async () => {
      const other = await openClient(loc);
      await other.close();
      await other.close();
      expect((await errorOf(other.all('SELECT 1 AS one'))).kind).toBe('closed');
    });
  });
});

describe('SqliteClient specifics', () => {
  it('[sqlite] uses WAL, synchronous=NORMAL and foreign keys', async () => {
    const loc = await createStoreLocation('sqlite');
    const db = await SqliteClient.open(loc.name);
    try {
      expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await db.get('PRAGMA synchronous')).toEqual({ synchronous: 1 });
      expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    } finally {
      await db.close();
      await loc.cleanup();
    }
  });

  it('[sqlite] a second connection waits for the write lock without blocking the event loop, then gives up as busy', async () => {
    const loc = await createStoreLocation('sqlite');
    const a = await SqliteClient.open(loc.name);
    const b = await SqliteClient.open(loc.name, { busyTimeoutMs: 2000 });
    const c = await SqliteClient.open(loc.name, { busyTimeoutMs: 50 });
    try {
      await a.exec('CREATE TABLE n (v INTEGER)');
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const order: string[] = [];
      const first = a.transaction(async (tx) => {
        await tx.run('INSERT INTO n (v) VALUES (1)');
        order.push('a holds the lock');
        await held;
        order.push('a commits');
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const second = b.transaction(async (tx) => {
        order.push('b got the lock');
        await tx.run('INSERT INTO n (v) VALUES (2)');
      });
      const busy = await errorOf(c.run('INSERT INTO n (v) VALUES (3)'));
      expect([busy.kind, busy.driverCode]).toEqual(['busy', 'SQLITE_BUSY']);
      // The timers above ran while a held the lock: the waiting was asynchronous.
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['a holds the lock', 'a commits', 'b got the lock']);
      expect(await a.all('SELECT v FROM n ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
      await loc.cleanup();
    }
  });
});

describe.skipIf(skipStoreKind('postgres'))('PostgresClient specifics', () => {
  it('[postgres] reports an unreachable server as unavailable', async () => {
    const err = await errorOf(PostgresClient.open('postgres://postgres@127.0.0.1:1/none', { connectionTimeoutMs: 2000 }));
    expect(err.kind).toBe('unavailable');
  });

  it('[postgres] checks the placeholder count and rejects $n parameters', async () => {
    const loc = await createStoreLocation('postgres');
    const db = await PostgresClient.open(loc.databaseUrl!);
    try {
      expect((await errorOf(db.all('SELECT ?::int AS a, ?::int AS b', [1]))).message).toBe(
        'statement has 2 placeholder(s) but 1 parameter(s) were given',
      );
      expect((await errorOf(db.all('SELECT $1::int AS a', [1]))).kind).toBe('misuse');
      expect(await db.get("SELECT ?::int AS a, 'a?b' AS s, numeric '2.50' AS d, DATE '2026-11-28' AS day", [7])).toEqual({
        a: 7,
        s: 'a?b',
        d: 2.5,
        day: '2026-11-28',
      });
      expect(await db.get("SELECT TIMESTAMP '2026-11-28 12:00:00.5' AS t, TIMESTAMPTZ '2026-11-28 13:00:00+01' AS tz")).toEqual({
        t: '2026-11-28T12:00:00.500Z',
        tz: '2026-11-28T12:00:00.000Z',
      });
    } finally {
      await db.close();
      await loc.cleanup();
    }
  });

  it('[postgres] derives stable advisory lock keys from names', () => {
    // The first 8 bytes of SHA-256("workbench.audit_chain") as a signed 64-bit integer.
    expect(advisoryLockKey('workbench.audit_chain')).toBe('-774423844796688967');
    expect(advisoryLockKey('a')).not.toBe(advisoryLockKey('b'));
  });
});
