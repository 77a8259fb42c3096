import pg from 'pg';
import type { EpochState } from './policy-store.ts';

/** The channel the epoch trigger of migration 002 notifies, with "<epoch>:<revision>:<reason>". */
export const EPOCH_CHANNEL = 'workbench_policy_epoch';

export function parseEpochPayload(payload: string | undefined): EpochState | undefined {
  const m = /^(\d+):(\d+):(.*)$/s.exec(payload ?? '');
  if (!m) return undefined;
  const epoch = Number(m[1]);
  const policyRevision = Number(m[2]);
  if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(policyRevision)) return undefined;
  return { epoch, policyRevision, reason: m[3]! };
}

/** What the feed drives: a PDP (or anything else that follows the epoch). */
export interface EpochFollower {
  noteEpoch(state: EpochState): Promise<void>;
  setFeedLive(live: boolean): void;
  refresh(): Promise<EpochState>;
}

export interface PgEpochFeedOptions {
  databaseUrl: string;
  follower: EpochFollower;
  /** First reconnect delay; doubles up to 5 s. */
  reconnectMs?: number;
  /** Told about connection trouble (the feed keeps retrying; meanwhile the PDP reads the epoch row on every decision). */
  onTrouble?: (message: string) => void;
}

/**
 * PostgreSQL LISTEN on one dedicated connection (a pooled one could be handed back and
 * lose the LISTEN). While it is connected the PDP trusts pushed epochs and answers from its
 * cache; whenever it is not — before the first connect, after a drop — the PDP is told the
 * feed is down and reads the epoch row before every decision, so a lost notification can
 * make decisions slower, never stale. On reconnect it re-reads the row, since notifications
 * sent while it was away are gone.
 */
export class PgEpochFeed {
  readonly #opts: PgEpochFeedOptions;
  #client: pg.Client | undefined;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay: number;
  #live = false;

  private constructor(opts: PgEpochFeedOptions) {
    this.#opts = opts;
    this.#delay = opts.reconnectMs ?? 100;
  }

  /** Connects and listens; a first connection failure is thrown (the store was reachable a moment ago). */
  static async start(opts: PgEpochFeedOptions): Promise<PgEpochFeed> {
    const feed = new PgEpochFeed(opts);
    opts.follower.setFeedLive(false);
    await feed.#connect();
    return feed;
  }

  get live(): boolean {
    return this.#live;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#opts.databaseUrl, application_name: 'compliance-workbench-epoch-feed', connectionTimeoutMillis: 5000 });
    client.on('notification', (msg) => {
      if (msg.channel !== EPOCH_CHANNEL) return;
      const state = parseEpochPayload(msg.payload);
      if (!state) {
        // A payload we cannot read: fall back to the row rather than guess.
        void this.#opts.follower.refresh().catch(() => undefined);
        return;
      }
      void this.#opts.follower.noteEpoch(state).catch(() => undefined);
    });
    client.on('error', (e) => this.#down(client, e.message));
    client.on('end', () => this.#down(client, 'connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${EPOCH_CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    // Whatever changed before LISTEN took effect is read from the row.
    await this.#opts.follower.refresh();
    this.#live = true;
    this.#delay = this.#opts.reconnectMs ?? 100;
    this.#opts.follower.setFeedLive(true);
  }

  #down(client: pg.Client, message: string): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#live = false;
    this.#opts.follower.setFeedLive(false);
    void client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#opts.onTrouble?.(`policy epoch feed lost its PostgreSQL connection (${message}); reconnecting`);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect().catch((e: unknown) => {
        this.#opts.onTrouble?.(`policy epoch feed cannot reconnect: ${(e as Error).message}`);
        this.#delay = Math.min(this.#delay * 2, 5000);
        this.#schedule();
      });
    }, this.#delay);
    this.#timer.unref?.();
  }

  /** Test hook and operator tool: drop the connection as a network failure would. */
  async simulateDrop(): Promise<void> {
    const c = this.#client;
    if (!c) return;
    this.#down(c, 'dropped on request');
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const c = this.#client;
    this.#client = undefined;
    this.#live = false;
    this.#opts.follower.setFeedLive(false);
    if (c) await c.end().catch(() => undefined);
  }
}
