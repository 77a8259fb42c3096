import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseLogPath } from './tile-path.ts';
import type { LogFile } from './tile-writer.ts';
import { TlogError } from './tlog-error.ts';

/** The file-system calls a log store makes; tests wrap them to simulate a crash at any step. */
export interface FsOps {
  mkdir(dir: string): Promise<void>;
  /** Writes a whole file, flushing it to disk first when `sync` is set. */
  writeFile(path: string, data: Uint8Array, sync: boolean): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Flushes a directory's entries (the renames in it) to disk. */
  syncDir(dir: string): Promise<void>;
  removeTree(path: string): Promise<void>;
}

export const nodeFsOps: FsOps = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true });
  },
  async writeFile(path, data, sync) {
    const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      await fh.writeFile(data);
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async rename(from, to) {
    await rename(from, to);
  },
  async syncDir(dir) {
    const fh = await open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async removeTree(path) {
    await rm(path, { recursive: true, force: true });
  },
};

export interface LogStoreOptions {
  /** fsync files and directories so a power cut cannot lose a signed checkpoint's tiles (default true). */
  fsync?: boolean;
  ops?: FsOps;
}

const WRITE_CONCURRENCY = 16;

/**
 * Writes a log folder. Every file goes to `<path>.tmp`, is flushed, then renamed over the
 * final name, so a reader or a crash sees the old bytes or the new bytes, never a part.
 * Only tlog-tiles paths are written.
 */
export class LogStore {
  readonly dir: string;
  readonly #ops: FsOps;
  readonly #sync: boolean;
  /** Folders this store has made; a removed partial folder is dropped from it. */
  readonly #made = new Set<string>();

  constructor(dir: string, opts: LogStoreOptions = {}) {
    this.dir = resolve(dir);
    this.#ops = opts.ops ?? nodeFsOps;
    this.#sync = opts.fsync ?? true;
  }

  #full(path: string): string {
    if (!parseLogPath(path)) throw new TlogError('BAD_INPUT', `${JSON.stringify(path)} is not a tlog-tiles path`);
    return join(this.dir, ...path.split('/'));
  }

  async init(): Promise<void> {
    await this.#ops.mkdir(this.dir);
  }

  /** Writes files atomically: all temporary files (in parallel), then the renames in order, then the directory flushes. */
  async writeAll(files: readonly LogFile[]): Promise<void> {
    const targets = files.map((f) => ({ full: this.#full(f.path), data: f.data }));
    const dirs = [...new Set(targets.map((t) => dirname(t.full)))];
    for (const d of dirs) {
      if (this.#made.has(d)) continue;
      await this.#ops.mkdir(d);
      this.#made.add(d);
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < targets.length) {
        const t = targets[next++]!;
        await this.#ops.writeFile(`${t.full}.tmp`, t.data, this.#sync);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, targets.length) }, worker));
    // Every temporary file is whole before any rename; the renames themselves need no order.
    await Promise.all(targets.map((t) => this.#ops.rename(`${t.full}.tmp`, t.full)));
    if (this.#sync) await Promise.all(dirs.map((d) => this.#ops.syncDir(d)));
  }

  async write(path: string, data: Uint8Array): Promise<void> {
    await this.writeAll([{ path, data }]);
  }

  /** Removes partial-tile folders (`tile/<L>/<N>.p`) once their full tile is written. */
  async removePartialDirs(dirs: readonly string[]): Promise<void> {
    for (const d of dirs) {
      if (!/^tile\/(entries|[0-9]+)\/(x[0-9]{3}\/)*[0-9]{3}\.p$/.test(d)) throw new TlogError('BAD_INPUT', `${d} is not a partial-tile folder`);
      const full = join(this.dir, ...d.split('/'));
      await this.#ops.removeTree(full);
      for (const made of this.#made) if (made === full || made.startsWith(`${full}/`)) this.#made.delete(made);
    }
  }
}
