import { parentPort } from 'node:worker_threads';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { ErrorPayload } from '../../shared/api/errors.ts';
import { openShardFile, type ShardFileOptions } from './shard-file.ts';
import { ShardOps } from './shard-ops.ts';
import { ShardOpError } from './shard-op-error.ts';

/**
 * A shard worker: runs ShardOps on its own connections so two shards are scanned or purged
 * on two cores. The pool (shard-pool.ts) sends each shard to the same worker every time.
 */
export interface ShardRequest {
  id: number;
  file: string;
  shard: number;
  options: ShardFileOptions;
  op: 'selectIds' | 'countInRanges' | 'planShard' | 'runBatch' | 'close' | 'ping';
  args: unknown[];
}

export type ShardResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorPayload };

/** An error as the contract carries it, without loading the contract (zod) into the worker. */
function payload(e: unknown): ErrorPayload {
  if (e instanceof ShardOpError) return { code: e.code, message: e.message, details: e.details };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

const port = parentPort;
const open = new Map<string, { db: SqliteDatabase; ops: ShardOps }>();

function transferables(result: unknown): ArrayBuffer[] {
  if (result && typeof result === 'object' && 'ids' in result && (result as { ids: unknown }).ids instanceof Float64Array) {
    return [((result as { ids: Float64Array }).ids.buffer as ArrayBuffer)];
  }
  return [];
}

port?.on('message', (req: ShardRequest) => {
  try {
    if (req.op === 'ping') {
      port.postMessage({ id: req.id, ok: true, result: null } satisfies ShardResponse);
      return;
    }
    if (req.op === 'close') {
      for (const { db } of open.values()) db.close();
      open.clear();
      port.postMessage({ id: req.id, ok: true, result: null } satisfies ShardResponse);
      return;
    }
    let entry = open.get(req.file);
    if (!entry) {
      const db = openShardFile(req.file, req.options);
      entry = { db, ops: new ShardOps(db, req.shard) };
      open.set(req.file, entry);
    }
    const fn = entry.ops[req.op] as (...args: unknown[]) => unknown;
    const result = fn.apply(entry.ops, req.args);
    port.postMessage({ id: req.id, ok: true, result } satisfies ShardResponse, transferables(result));
  } catch (e) {
    port.postMessage({ id: req.id, ok: false, error: payload(e) } satisfies ShardResponse);
  }
});
