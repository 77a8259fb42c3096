import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

/** Result of hashing one file: its size and SHA-256, or why it could not be hashed. */
export type HashResult =
  | { ok: true; size: number; sha256: string }
  | { ok: false; reason: 'too-large'; size: number }
  | { ok: false; reason: 'unreadable'; error: string };

// Plain CommonJS so the worker runs the same way from sources, tests and the bundled app.
// Synchronous reads into one reused buffer: the worker is dedicated, so blocking it costs
// nothing, and it avoids a stream and its allocations per file.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const buf = Buffer.allocUnsafe(4 << 20);
function hashOne(path, maxBytes) {
  let fd;
  try { fd = fs.openSync(path, 'r'); } catch (e) { return { ok: false, reason: 'unreadable', error: e.code || e.message }; }
  try {
    const hash = createHash('sha256');
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      size += n;
      if (maxBytes !== null && size > maxBytes) return { ok: false, reason: 'too-large', size };
      hash.update(n === buf.length ? buf : buf.subarray(0, n));
    }
    return { ok: true, size, sha256: hash.digest('hex') };
  } catch (e) {
    return { ok: false, reason: 'unreadable', error: e.code || e.message };
  } finally {
    fs.closeSync(fd);
  }
}
parentPort.on('message', (jobs) => {
  parentPort.postMessage(jobs.map((j) => ({ id: j.id, result: hashOne(j.path, j.maxBytes) })));
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
 * size), a small batch of files in flight per worker. `maxBytes` stops reading a file that is already
 * longer than the manifest says, so a 10 GB stray does not cost 10 GB of hashing.
 */
export class HashPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: Job[] = [];
  readonly #running = new Map<Worker, Job[]>();
  #nextId = 1;

  constructor(size = Math.max(1, availableParallelism())) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (msgs: Array<{ id: number; result: HashResult }>) => {
        const jobs = this.#running.get(worker) ?? [];
        this.#running.delete(worker);
        const byId = new Map(msgs.map((m) => [m.id, m.result]));
        for (const job of jobs) job.resolve(byId.get(job.id) ?? { ok: false, reason: 'unreadable', error: 'no answer from the hash worker' });
        this.#idle.push(worker);
        this.#pump();
      });
      worker.on('error', (e) => {
        const jobs = this.#running.get(worker) ?? [];
        this.#running.delete(worker);
        for (const job of jobs) job.resolve({ ok: false, reason: 'unreadable', error: e.message });
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

  /** Hands out small batches: fewer messages per file, while the workers still share the load evenly. */
  #pump(): void {
    while (this.#idle.length && this.#queue.length) {
      const worker = this.#idle.pop()!;
      const share = Math.ceil(this.#queue.length / (this.#workers.length * 4));
      const jobs = this.#queue.splice(0, Math.max(1, Math.min(64, share)));
      this.#running.set(worker, jobs);
      worker.postMessage(jobs.map((j) => ({ id: j.id, path: j.path, maxBytes: j.maxBytes })));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
