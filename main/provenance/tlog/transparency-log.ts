import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMPTY_ROOT, hashEquals } from '../merkle/hash.ts';
import { assertExtends } from './checkpoint-guard.ts';
import { openCheckpoint, signCheckpoint } from './checkpoint.ts';
import type { OpenedCheckpoint } from './checkpoint.ts';
import { folderFetcher } from './fetcher.ts';
import type { LogFetcher } from './fetcher.ts';
import { LogStore } from './log-store.ts';
import type { FsOps } from './log-store.ts';
import { formatVerifierKey, parseSignerKey } from './note-keys.ts';
import type { NoteSigner } from './note-keys.ts';
import { formatReceipt } from './receipt.ts';
import { consistencyProofFromTiles, inclusionProofFromTiles, rootFromTiles } from './tile-proofs.ts';
import { TILE_WIDTH } from './tile-path.ts';
import { TileReader } from './tile-reader.ts';
import { TileWriter } from './tile-writer.ts';
import { TlogError, describeTlogError } from './tlog-error.ts';

export interface OpenLogOptions {
  /** The log's Ed25519 note key, `PRIVATE+KEY+<name>+<id>+<base64>`. */
  signerKey: string;
  /** Checkpoint origin; by default the key name (the spec asks that they match). */
  origin?: string;
  /** Create the folder and an empty log (a signed size-0 checkpoint) when absent (default true). */
  create?: boolean;
  /** fsync written files and folders (default true). */
  fsync?: boolean;
  /** File-system calls for writing (tests inject crashes). */
  fsOps?: FsOps;
}

export interface AppendOptions {
  /** Extension lines for the new checkpoint, e.g. a timestamp the caller chose. None by default. */
  extensions?: string[];
}

export interface AppendResult {
  /** Index of the first appended entry. */
  first: number;
  count: number;
  size: number;
  root: Uint8Array;
  /** The new signed checkpoint. */
  checkpoint: string;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * An append-only log stored as c2sp.org/tlog-tiles in a folder, with Ed25519-signed
 * checkpoints. One writer per folder: the log re-reads its checkpoint before each batch
 * and refuses to go on if another writer moved it. Appends are deterministic: the same
 * batches with the same key give byte-identical folders.
 */
export class TransparencyLog {
  readonly dir: string;
  readonly origin: string;
  readonly verifierKey: string;
  readonly #signer: NoteSigner;
  readonly #store: LogStore;
  readonly #fetcher: LogFetcher;
  #writer: TileWriter;
  #head: OpenedCheckpoint;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, signer: NoteSigner, origin: string, store: LogStore, writer: TileWriter, head: OpenedCheckpoint) {
    this.dir = dir;
    this.origin = origin;
    this.#signer = signer;
    this.verifierKey = formatVerifierKey(signer);
    this.#store = store;
    this.#fetcher = folderFetcher(dir);
    this.#writer = writer;
    this.#head = head;
  }

  /**
   * Opens (or creates) the log in `dir`. The checkpoint must be signed by this key for
   * this origin, and the tiles must reproduce its root: otherwise CONFLICT, and nothing is
   * written.
   */
  static async open(dir: string, opts: OpenLogOptions): Promise<TransparencyLog> {
    const root = resolve(dir);
    const signer = parseSignerKey(opts.signerKey);
    const origin = opts.origin ?? signer.name;
    const store = new LogStore(root, { ...(opts.fsync !== undefined ? { fsync: opts.fsync } : {}), ...(opts.fsOps ? { ops: opts.fsOps } : {}) });
    const fetcher = folderFetcher(root);
    let note = await fetcher.get('checkpoint');
    if (!note) {
      if (opts.create === false) throw new TlogError('NOT_FOUND', `${root} holds no log (no checkpoint)`);
      if (existsSync(join(root, 'tile'))) throw new TlogError('CONFLICT', `${root} holds tiles but no checkpoint: refusing to start a new log over them`);
      await store.init();
      note = Buffer.from(signCheckpoint({ origin, size: 0, root: EMPTY_ROOT, extensions: [] }, [signer]), 'utf8');
      await store.write('checkpoint', note);
    }
    let head: OpenedCheckpoint;
    try {
      head = openCheckpoint(note, [signer], origin);
    } catch (e) {
      throw new TlogError('CONFLICT', `${root}: the checkpoint is not one this key signed for ${origin}: ${describeTlogError(e)}`);
    }
    let writer: TileWriter;
    try {
      writer = await TileWriter.load(new TileReader(fetcher, head.size));
    } catch (e) {
      throw new TlogError('CONFLICT', `${root}: cannot read the tiles of the checkpoint (size ${head.size}): ${describeTlogError(e)}`);
    }
    if (!hashEquals(writer.root(), head.root)) {
      throw new TlogError('CONFLICT', `${root}: the tiles give root ${hex(writer.root())}, but the checkpoint (size ${head.size}) says ${hex(head.root)}`);
    }
    return new TransparencyLog(root, signer, origin, store, writer, head);
  }

  get size(): number {
    return this.#head.size;
  }

  get root(): Uint8Array {
    return this.#head.root;
  }

  /** The latest signed checkpoint (a signed note). */
  get checkpoint(): string {
    return this.#head.note;
  }

  /** A fetcher over this log's folder (for mirrors, receipts, serving). */
  get fetcher(): LogFetcher {
    return this.#fetcher;
  }

  /** Appends entries (opaque bytes, at most 65535 each) and signs one checkpoint for the batch. */
  appendBatch(entries: readonly Uint8Array[], opts: AppendOptions = {}): Promise<AppendResult> {
    // Batches in one process run one after another, never interleaved.
    const run = this.#queue.then(() => this.#appendBatch(entries, opts));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async append(entry: Uint8Array, opts: AppendOptions = {}): Promise<AppendResult & { index: number }> {
    const r = await this.appendBatch([entry], opts);
    return { ...r, index: r.first };
  }

  async #appendBatch(entries: readonly Uint8Array[], opts: AppendOptions): Promise<AppendResult> {
    const last = this.#head;
    if (entries.length === 0) return { first: last.size, count: 0, size: last.size, root: last.root, checkpoint: last.note };
    const onDisk = await this.#fetcher.get('checkpoint');
    if (!onDisk || Buffer.from(onDisk).toString('utf8') !== last.note) {
      throw new TlogError('CONFLICT', `${this.dir}: the checkpoint on disk changed since this log last signed (another writer?); reopen the log`);
    }
    const next = this.#writer.clone();
    const { files, obsolete } = next.append(entries);
    files.push(...next.flushPartials());
    // Tiles first, checkpoint last: until the checkpoint is renamed into place the batch
    // is invisible, and whatever a crash leaves behind is rewritten by the next batch.
    await this.#store.writeAll(files);
    // Readers of the previous checkpoint fall back to the full tiles written above.
    await this.#store.removePartialDirs(obsolete);
    const root = next.root();
    const reader = new TileReader(this.#fetcher, next.size);
    const stored = await rootFromTiles(reader);
    if (!hashEquals(stored, root)) {
      throw new TlogError('CONFLICT', `refusing to sign a checkpoint of size ${next.size}: the tiles on disk give root ${hex(stored)}, not ${hex(root)}`);
    }
    const proof = last.size > 0 ? await consistencyProofFromTiles(reader, last.size) : [];
    assertExtends(last, { size: next.size, root }, proof);
    const note = signCheckpoint({ origin: this.origin, size: next.size, root, extensions: opts.extensions ?? [] }, [this.#signer]);
    await this.#store.write('checkpoint', Buffer.from(note, 'utf8'));
    this.#writer = next;
    this.#head = { origin: this.origin, size: next.size, root, extensions: opts.extensions ?? [], note, verifiedBy: [this.#signer.name] };
    return { first: last.size, count: entries.length, size: next.size, root, checkpoint: note };
  }

  #checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new TlogError('BAD_INPUT', `index ${index} is not in the log (size ${size})`);
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size) throw new TlogError('BAD_INPUT', `tree size ${size} is not between 1 and the log size ${this.size}`);
  }

  /** Inclusion proof of entry `index` in the tree of `size` (default: the current checkpoint). */
  async inclusionProof(index: number, size: number = this.size): Promise<Uint8Array[]> {
    this.#checkSize(size);
    this.#checkIndex(index, size);
    return inclusionProofFromTiles(new TileReader(this.#fetcher, size), index);
  }

  /** Consistency proof from `size1` to `size2` (default: the current checkpoint). */
  async consistencyProof(size1: number, size2: number = this.size): Promise<Uint8Array[]> {
    this.#checkSize(size2);
    this.#checkSize(Math.max(size1, 1));
    if (size1 < 1 || size1 > size2) throw new TlogError('BAD_INPUT', `size1 ${size1} is not between 1 and size2 ${size2}`);
    return consistencyProofFromTiles(new TileReader(this.#fetcher, size2), size1);
  }

  /** The entry at `index`, read back from its bundle (checked against the level-0 tile). */
  async entry(index: number): Promise<Uint8Array> {
    this.#checkIndex(index, this.size);
    const bundle = await new TileReader(this.#fetcher, this.size).entries(Math.floor(index / TILE_WIDTH));
    return bundle[index % TILE_WIDTH]!;
  }

  /** A c2sp.org/tlog-proof receipt for entry `index` against the current checkpoint. */
  async receipt(index: number, opts: { extra?: Uint8Array } = {}): Promise<string> {
    const head = this.#head;
    this.#checkIndex(index, head.size);
    const proof = await inclusionProofFromTiles(new TileReader(this.#fetcher, head.size), index);
    return formatReceipt({ ...(opts.extra !== undefined ? { extra: opts.extra } : {}), index, proof, checkpoint: head.note });
  }
}
