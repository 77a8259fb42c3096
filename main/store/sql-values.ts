import { AsyncLocalStorage } from 'node:async_hooks';
import { SqlError } from './sql-client.ts';
import type { Dialect, SqlValue } from './sql-client.ts';

/** What a driver receives for one parameter. */
export type DriverValue = string | number | bigint | null | Buffer;

/**
 * Parameters as both drivers take them, rejecting what either dialect would store
 * differently: booleans become 1/0 (SQLite has no boolean; PostgreSQL reads '1'/'0' as
 * boolean too), NUL in text is refused (PostgreSQL cannot store it), NaN/±Infinity are
 * refused (SQLite turns NaN into NULL).
 */
export function bindParams(dialect: Dialect, params: readonly SqlValue[] | undefined): DriverValue[] {
  if (params === undefined) return [];
  return params.map((value, index) => {
    if (value === null || typeof value === 'string' || typeof value === 'bigint') {
      if (typeof value === 'string' && value.includes('\u0000')) {
        throw new SqlError('bad_value', dialect, `parameter ${index + 1}: text contains NUL (U+0000), which PostgreSQL cannot store`);
      }
      return value;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new SqlError('bad_value', dialect, `parameter ${index + 1}: ${value} is not a finite number`);
      return value;
    }
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new SqlError('bad_value', dialect, `parameter ${index + 1}: ${value === undefined ? 'undefined' : typeof value} cannot be bound (use null)`);
  });
}

/** A bigint as a number when no precision is lost, else unchanged. */
export function safeNumber(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * Marks the async context of a running transaction, so that a call on the outer client
 * from inside its own transaction fails at once instead of waiting for itself forever.
 */
export class TransactionScope {
  readonly #storage = new AsyncLocalStorage<true>();
  readonly #dialect: Dialect;

  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.#storage.run(true, fn);
  }

  assertOutside(): void {
    if (this.#storage.getStore() === true) {
      throw new SqlError(
        'misuse',
        this.#dialect,
        'called the outer client from inside its own transaction: use the tx client that transaction() passes to fn',
      );
    }
  }
}

/** A transaction handle that refuses use after its transaction has ended. */
export class TxState {
  ended = false;
  readonly dialect: Dialect;

  constructor(dialect: Dialect) {
    this.dialect = dialect;
  }

  assertOpen(): void {
    if (this.ended) throw new SqlError('misuse', this.dialect, 'transaction already ended: this tx client can no longer be used');
  }
}
