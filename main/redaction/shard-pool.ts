import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { ShardFileOptions } from './shard-file.ts';
import type { ShardRequest, ShardResponse } from './shard-worker.ts';

/** A worker could not start or died: the call did not complete there (its transaction, if any, rolled back). */
export class ShardWorkerUnavailable extends Error {
  override name = 'ShardWorkerUnavailable';
}

/**
 * Where the worker script is. From sources (and tests) it is shard-worker.ts next to this
 * module. In the electron-vite bundle it is its own entry, `out/main/shard-worker.js`, while
 * this module lands in `out/main/` or in a chunk under `out/main/chunks/`.
 */
export function defaultWorkerUrl(moduleUrl: string = import.meta.url): URL {
  if (moduleUrl.endsWith('.ts')) return new URL('./shard-worker.ts', moduleUrl);
  const candidates = [new URL('./shard-worker.js', moduleUrl), new URL('../shard-worker.js', moduleUrl)];
  return candidates.find((u) => existsSync(u)) ?? candidates[0]!;
}

export const DEFAULT_WORKER_URL = defaultWorkerUrl();

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
