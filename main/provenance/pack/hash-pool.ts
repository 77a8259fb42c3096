import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

/** Result of hashing one file: its size and SHA-256, or why it could not be hashed. */
export type HashResult =
  | { ok: true; size: number; sha256: string }
  | { ok: false; reason: 'too-large'; size: number }
  | { ok: false; reason: 'unreadable'; error: string };

// Plain CommonJS so the worker runs the same way from sources, tests and the bundled app.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
parentPort.on('message', ({ id, path, maxBytes }) => {
  const hash = createHash('sha256');
  let size = 0;
  let done = false;
  const stream = fs.createReadStream(path, { highWaterMark: 1 << 20 });
  stream.on('data', (chunk) => {
    size += chunk.length;
    if (maxBytes !== null && size > maxBytes) {
      done = true;
      stream.destroy();
      parentPort.postMessage({ id, result: { ok: false, reason: 'too-large', size } });
      return;
    }
    hash.update(chunk);
  });
  stream.on('end', () => { if (!done) parentPort.postMessage({ id, result: { ok: true, size, sha256: hash.digest('hex') } }); });
  stream.on('error', (e) => { if (!done) { done = true; parentPort.postMessage({ id, result: { ok: false, reason: 'unreadable', error: e.code || e.message } }); } });
});
`;

interface Job {
  id: number;
  path: string;
  maxBytes: number | null;
  resolve: (r: HashResult) => void;
}

/**
 * Hashes files on worker threads, streaming (memory stays bounded whatever the file
 * size), one file in flight per worker. `maxBytes` stops reading a file that is already
 * longer than the manifest says, so a 10 GB stray does not cost 10 GB of hashing.
 */
export class HashPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: Job[] = [];
  readonly #running = new Map<Worker, Job>();
  #nextId = 1;

  constructor(size = Math.max(1, availableParallelism())) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (msg: { id: number; result: HashResult }) => {
        const job = this.#running.get(worker);
        this.#running.delete(worker);
        if (job && job.id === msg.id) job.resolve(msg.result);
        this.#idle.push(worker);
        this.#pump();
      });
      worker.on('error', (e) => {
        const job = this.#running.get(worker);
        this.#running.delete(worker);
        job?.resolve({ ok: false, reason: 'unreadable', error: e.message });
      });
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  hash(path: string, maxBytes: number | null = null): Promise<HashResult> {
    return new Promise((resolve) => {
      this.#queue.push({ id: this.#nextId++, path, maxBytes, resolve });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#idle.length && this.#queue.length) {
      const worker = this.#idle.pop()!;
      const job = this.#queue.shift()!;
      this.#running.set(worker, job);
      worker.postMessage({ id: job.id, path: job.path, maxBytes: job.maxBytes });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
