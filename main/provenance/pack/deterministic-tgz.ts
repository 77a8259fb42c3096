import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

export interface TgzEntry {
  /** Path inside the archive (forward slashes). */
  name: string;
  /** In-memory content, or a file to stream (with its size). */
  data: Buffer | { file: string; size: number };
}

/** zlib writes the OS it was built on into the gzip header; 255 ("unknown") makes it portable. */
class FixGzipOsByte extends Transform {
  #seen = 0;
  readonly #onOutput: ((chunk: Buffer) => void) | undefined;
  constructor(onOutput?: (chunk: Buffer) => void) {
    super();
    this.#onOutput = onOutput;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.#seen < 10 && this.#seen + chunk.length > 9) {
      chunk = Buffer.from(chunk);
      chunk[9 - this.#seen] = 0xff;
    }
    this.#seen += chunk.length;
    this.#onOutput?.(chunk);
    cb(null, chunk);
  }
}

export interface TgzHooks {
  /** Called as each entry starts (progress; a throw aborts the archive and removes the partial file). */
  onEntry?: (index: number, entry: TgzEntry) => void;
  /** Every output byte, in order (e.g. to hash the archive without reading it back). */
  onOutput?: (chunk: Buffer) => void;
}

// Bigger buffers than the stream defaults: fewer round trips to the zlib thread, same bytes out.
const READ_CHUNK = 1 << 20;
const GZIP_CHUNK = 256 << 10;

/**
 * Writes a byte-reproducible .tgz: entries in the given order, fixed mtime, mode 0644,
 * uid/gid 0 with empty owner names, gzip at a fixed level with mtime 0 and OS byte 255.
 * Written to a temporary name and renamed, so a failure leaves nothing half-written.
 */
export async function writeDeterministicTgz(out: string, entries: TgzEntry[], mtime: Date, hooks: TgzHooks = {}): Promise<void> {
  const tmp = `${out}.partial-${process.pid}`;
  const pack = tarPack();
  const feed = (async () => {
    for (const [i, e] of entries.entries()) {
      hooks.onEntry?.(i, e);
      const header = { name: e.name, mtime, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', type: 'file' as const };
      const data = e.data;
      if (Buffer.isBuffer(data)) {
        await new Promise<void>((resolve, reject) => pack.entry({ ...header, size: data.length }, data, (err) => (err ? reject(err) : resolve())));
      } else {
        const { file, size } = data;
        await new Promise<void>((resolve, reject) => {
          const sink = pack.entry({ ...header, size }, (err) => (err ? reject(err) : resolve()));
          pipeline(createReadStream(file, { highWaterMark: READ_CHUNK }), sink).catch(reject);
        });
      }
    }
    pack.finalize();
  })();
  try {
    await Promise.all([
      feed,
      pipeline(pack, createGzip({ level: 6, strategy: zlibConstants.Z_DEFAULT_STRATEGY, chunkSize: GZIP_CHUNK }), new FixGzipOsByte(hooks.onOutput), createWriteStream(tmp)),
    ]);
    await rename(tmp, out);
  } catch (e) {
    pack.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}
