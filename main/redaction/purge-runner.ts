import type { AdaptiveConcurrency, ConcurrencyChange } from './adaptive-concurrency.ts';
import type { ShardThrottle } from './shard-throttle.ts';
import type { BatchOutcome, BatchSpec, InTransactionPublisher, VectorBackend } from './vector-backend.ts';

export type PurgeStop =
  | { status: 'completed' }
  | { status: 'cancelled' }
  | { status: 'mismatch'; batch: BatchSpec; found: { count: number; digest: string } };

export interface PurgeRunOptions {
  backend: VectorBackend;
  /** Per shard, the batches still to run, in shard order. */
  pending: ReadonlyMap<number, readonly BatchSpec[]>;
  concurrency: AdaptiveConcurrency;
  throttle: ShardThrottle;
  signal?: AbortSignal;
  /** Commits with each batch where the backend allows (PostgreSQL). */
  publishInTransaction?: InTransactionPublisher;
  /** The plan's ids per shard, for a backend that checksBatchesWithPlanIds. */
  plannedIds?: ReadonlyMap<number, Float64Array>;
  /** After each batch (publishing its receipt when the backend could not, progress). */
  onBatch: (batch: BatchSpec, outcome: BatchOutcome) => Promise<void>;
  onConcurrencyChange?: (change: ConcurrencyChange) => void;
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Runs batches on up to `concurrency.limit` shards at once, one batch per shard at a time
 * (two batches of one shard would only queue on its write lock). Shards take turns, so
 * every shard advances. Stops launching at cancel, at the first mismatch or the first
 * error, lets running batches finish, then reports.
 */
export async function runPurge(o: PurgeRunOptions): Promise<PurgeStop> {
  const queues = new Map<number, BatchSpec[]>();
  for (const [shard, list] of o.pending) if (list.length > 0) queues.set(shard, [...list]);
  const order = [...queues.keys()].sort((a, b) => a - b);
  let cursor = 0;
  const running = new Map<number, Promise<void>>();
  let stop: PurgeStop | undefined;
  let failure: unknown;

  const nextIdleShard = (): number | undefined => {
    for (let n = 0; n < order.length; n++) {
      const shard = order[(cursor + n) % order.length]!;
      if (!running.has(shard) && (queues.get(shard)?.length ?? 0) > 0) {
        cursor = (cursor + n + 1) % order.length;
        return shard;
      }
    }
    return undefined;
  };

  const lane = async (shard: number): Promise<void> => {
    const queue = queues.get(shard)!;
    const batch = queue[0]!;
    await o.throttle.take(shard, batch.count, o.signal);
    if (o.signal?.aborted) return;
    const plannedShardIds = o.plannedIds?.get(shard);
    const outcome = await o.backend.runBatch(batch, {
      ...(o.publishInTransaction ? { publish: o.publishInTransaction } : {}),
      ...(plannedShardIds ? { plannedShardIds } : {}),
    });
    queue.shift();
    if (outcome.status === 'mismatch') {
      stop ??= { status: 'mismatch', batch, found: outcome.found };
    } else if (outcome.status === 'done') {
      const change = o.concurrency.record(outcome.ms, batch.count);
      if (change) o.onConcurrencyChange?.(change);
    }
    await o.onBatch(batch, outcome);
    await nextTurn();
  };

  for (;;) {
    if (o.signal?.aborted && stop === undefined) stop = { status: 'cancelled' };
    if (stop === undefined && failure === undefined) {
      while (running.size < o.concurrency.limit) {
        const shard = nextIdleShard();
        if (shard === undefined) break;
        running.set(
          shard,
          lane(shard)
            .catch((e: unknown) => {
              failure ??= e;
            })
            .finally(() => running.delete(shard)),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (failure !== undefined) throw failure;
  return stop ?? { status: 'completed' };
}
