import { Worker } from 'node:worker_threads';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { ShardFileOptions } from './shard-file.ts';
import type { ShardRequest, ShardResponse } from './shard-worker.ts';

/** A worker could not start or died: the call did not complete there (its transaction, if any, rolled back). */
export class ShardWorkerUnavailable extends Error {
  override name = 'ShardWorkerUnavailable';
}

/** The worker script next to this module (a bundle that moves it passes its own URL). */
export const DEFAULT_WORKER_URL = new URL('./shard-worker.ts', import.meta.url);

/**
 * Worker threads for shard work. Shard s always goes to worker s mod n, so a shard's file
 * has one writer connection across the pool. Workers start on first use, hold the process
 * open only while a call is outstanding, and stop at close().
 */
export class ShardPool {
  readonly size: number;
  readonly #options: ShardFileOptions;
  readonly #url: URL;
  readonly #workers: Array<Worker | undefined>;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; worker: number }>();
  readonly #outstanding: number[];
  #nextId = 1;
  #closed = false;

  constructor(size: number, options: ShardFileOptions = {}, url: URL = DEFAULT_WORKER_URL) {
    this.size = Math.max(1, size);
    this.#options = options;
    this.#url = url;
    this.#workers = new Array(this.size).fill(undefined);
    this.#outstanding = new Array(this.size).fill(0);
  }

  #worker(index: number): Worker {
    let w = this.#workers[index];
    if (w) return w;
    w = new Worker(this.#url);
    w.unref();
    w.on('message', (res: ShardResponse) => this.#settle(index, res));
    w.on('error', (e) => this.#failAll(index, new ShardWorkerUnavailable(`shard worker ${index} failed: ${e.message}`, { cause: e })));
    w.on('exit', (code) => {
      this.#workers[index] = undefined;
      if (code !== 0) this.#failAll(index, new ShardWorkerUnavailable(`shard worker ${index} exited with code ${code}`));
    });
    this.#workers[index] = w;
    return w;
  }

  #settle(index: number, res: ShardResponse): void {
    const p = this.#pending.get(res.id);
    if (!p) return;
    this.#pending.delete(res.id);
    if (--this.#outstanding[index]! === 0) this.#workers[index]?.unref();
    if (res.ok) p.resolve(res.result);
    else p.reject(WorkbenchError.fromPayload(res.error));
  }

  #failAll(index: number, e: unknown): void {
    for (const [id, p] of this.#pending) {
      if (p.worker !== index) continue;
      this.#pending.delete(id);
      p.reject(e);
    }
    this.#outstanding[index] = 0;
  }

  call<T>(file: string, shard: number, op: ShardRequest['op'], args: unknown[]): Promise<T> {
    if (this.#closed) return Promise.reject(new WorkbenchError('UNAVAILABLE', 'the shard pool is closed'));
    const index = shard % this.size;
    const worker = this.#worker(index);
    const id = this.#nextId++;
    if (this.#outstanding[index]!++ === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, worker: index });
      worker.postMessage({ id, file, shard, options: this.#options, op, args } satisfies ShardRequest);
    });
  }

  /** Starts every worker now (they take ~0.1 s to load), so the first real call does not wait. */
  warm(): void {
    if (this.#closed) return;
    for (let i = 0; i < this.size; i++) void this.call('', i, 'ping', []).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Close the connections in each worker before stopping it.
    await Promise.all(this.#workers.map((w, i) => (w ? this.call('', i, 'close', []).catch(() => undefined) : undefined)));
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w?.terminate()));
  }
}
