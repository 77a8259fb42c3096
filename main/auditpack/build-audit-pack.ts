import { createHash, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { WorkbenchError, isWorkbenchError } from '../../shared/api/errors.ts';
import {
  AUDIT_PACK_FORMAT,
  AUDIT_PACK_FORMAT_VERSION,
  AuditPackIndex,
  AuditPackIndexEntry,
  ControlMapRow,
  PackPath,
} from '../../shared/domain/audit-pack.ts';
import type { ManifestFile } from '../../shared/domain/provenance.ts';
import { writeDeterministicTgz, type TgzEntry } from '../provenance/pack/deterministic-tgz.ts';
import { comparePaths } from '../provenance/pack/file-leaf.ts';
import { HashPool } from '../provenance/pack/hash-pool.ts';
import { ATTESTATION_DIR, ATTESTATION_FILES, MANIFEST_NAME } from '../provenance/pack/pack-layout.ts';
import { buildManifest, keySigner, keySigstoreBundleFile, readSigningKey } from '../provenance/pack/pack-signing.ts';
import type { AuditPackProgress, BuildAuditPackOptions, BuiltAuditPack } from './build-options.ts';
import { auditPackDsse, auditPackStatement } from './in-toto-statement.ts';
import type { ChartSeries, Collector, Deriver, PackFile } from './pack-file.ts';
import { PACK_PATHS } from './pack-paths.ts';

/** The period a pack covers when no `from` is given: from the 365 days before `at`. */
export const DEFAULT_PERIOD_MS = 365 * 86_400_000;

type Facts = Record<string, string | number | boolean | null>;

/** A file accepted into the pack, with its index entry once hashed. */
interface Accepted {
  file: PackFile;
  origin: string;
  entry: Promise<AuditPackIndexEntry>;
}

/** Why a path cannot be a file of the pack, or undefined when it can. */
export function reservedPathReason(path: string): string | undefined {
  if (path === PACK_PATHS.index) return 'index.json is written by the packager';
  if (path === MANIFEST_NAME) return 'manifest.json is written by the packager';
  if (path === ATTESTATION_DIR || path.startsWith(`${ATTESTATION_DIR}/`)) return 'attestations/ holds the signatures';
  return undefined;
}

function cancelled(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw new WorkbenchError('CANCELLED', `the audit pack build was cancelled ${where}`);
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function originOf(d: Deriver, i: number): string {
  return `deriver ${d.name || `#${i + 1}`}`;
}

/**
 * Everything the pack holds, accepted one file at a time: each path is checked (a PackPath,
 * not reserved, not repeated, not both a file and a folder) and hashed at once, streamed
 * files on the worker pool, so hashing overlaps the collectors still running.
 */
class PackFiles {
  readonly #files = new Map<string, Accepted>();
  readonly #folders = new Map<string, string>();
  readonly #pool: HashPool;
  readonly #onHashed: () => void;

  constructor(pool: HashPool, onHashed: () => void) {
    this.#pool = pool;
    this.#onHashed = onHashed;
  }

  get count(): number {
    return this.#files.size;
  }

  add(file: PackFile, origin: string): void {
    const where = `${origin}: ${JSON.stringify(file.path)}`;
    const parsed = PackPath.safeParse(file.path);
    if (!parsed.success) throw new WorkbenchError('BAD_INPUT', `${where}: not a pack path (${parsed.error.issues[0]?.message ?? 'invalid'})`, { origin, path: file.path });
    const reserved = reservedPathReason(file.path);
    if (reserved) throw new WorkbenchError('BAD_INPUT', `${where}: reserved (${reserved})`, { origin, path: file.path });
    const earlier = this.#files.get(file.path);
    if (earlier) throw new WorkbenchError('BAD_INPUT', `${where}: already added by ${earlier.origin}`, { origin, path: file.path, other: earlier.origin });
    const folderOf = this.#folders.get(file.path);
    if (folderOf) throw new WorkbenchError('BAD_INPUT', `${where}: is a folder of ${folderOf}`, { origin, path: file.path });
    const segments = file.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      const clash = this.#files.get(folder);
      if (clash) throw new WorkbenchError('BAD_INPUT', `${where}: ${folder} is already a file (from ${clash.origin})`, { origin, path: file.path });
      if (!this.#folders.has(folder)) this.#folders.set(folder, file.path);
    }
    const entry = this.#hash(file, where).then((h) => {
      const candidate = {
        path: file.path,
        section: file.section,
        title: file.title,
        mediaType: file.mediaType,
        size: h.size,
        sha256: h.sha256,
        ...(file.records !== undefined ? { records: file.records } : {}),
        ...(file.asOf !== undefined ? { asOf: file.asOf } : {}),
      };
      const checked = AuditPackIndexEntry.safeParse(candidate);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new WorkbenchError('BAD_INPUT', `${where}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, { origin, path: file.path });
      }
      this.#onHashed();
      return checked.data;
    });
    // Failures surface when the entries are awaited; until then they must not count as unhandled.
    entry.catch(() => {});
    this.#files.set(file.path, { file, origin, entry });
  }

  async #hash(file: PackFile, where: string): Promise<{ size: number; sha256: string }> {
    const data = file.data;
    if (Buffer.isBuffer(data)) return { size: data.length, sha256: sha256Hex(data) };
    const r = await this.#pool.hash(data.file, data.size);
    if (!r.ok && r.reason === 'unreadable') throw new WorkbenchError('NOT_FOUND', `${where}: cannot read ${data.file} (${r.error})`, { path: file.path });
    if (!r.ok || r.size !== data.size) {
      // The archive header carries the declared size: a file that changed since it was listed cannot go in.
      throw new WorkbenchError('CONFLICT', `${where}: ${data.file} is ${r.size} bytes, not the ${data.size} its collector listed (changed during the build?)`, { path: file.path });
    }
    return { size: r.size, sha256: r.sha256 };
  }

  /** Every entry so far, hashed, in bytewise path order. */
  async entries(): Promise<AuditPackIndexEntry[]> {
    const entries = await Promise.all([...this.#files.values()].map((a) => a.entry));
    return entries.sort((a, b) => comparePaths(a.path, b.path));
  }

  files(): PackFile[] {
    return [...this.#files.values()].map((a) => a.file).sort((a, b) => comparePaths(a.path, b.path));
  }

  get(path: string): PackFile | undefined {
    return this.#files.get(path)?.file;
  }
}

async function bytesOf(file: PackFile): Promise<Buffer> {
  return Buffer.isBuffer(file.data) ? file.data : readFile(file.data.file);
}

function mergeFacts(into: Facts, owners: Map<string, string>, facts: Facts, origin: string): void {
  for (const key of Object.keys(facts).sort()) {
    const owner = owners.get(key);
    if (owner) throw new WorkbenchError('BAD_INPUT', `${origin}: fact ${JSON.stringify(key)} is already reported by ${owner}`, { origin, fact: key, other: owner });
    owners.set(key, origin);
    into[key] = facts[key]!;
  }
}

/** The period and reference time, checked: defaults to = at, from = at − 365 days; from must be before to. */
export function resolvePeriod(opts: Pick<BuildAuditPackOptions, 'at' | 'from' | 'to'>): { from: Date; to: Date; at: Date } {
  const valid = (d: Date | undefined, name: string) => {
    if (d !== undefined && Number.isNaN(d.getTime())) throw new WorkbenchError('BAD_INPUT', `${name}: not a valid time`, { issues: [{ path: name, message: 'not a valid time' }] });
  };
  valid(opts.at, 'at');
  valid(opts.from, 'from');
  valid(opts.to, 'to');
  const at = opts.at;
  const to = opts.to ?? at;
  const from = opts.from ?? new Date(at.getTime() - DEFAULT_PERIOD_MS);
  if (from.getTime() >= to.getTime()) {
    const message = `the period [${from.toISOString()}, ${to.toISOString()}) is empty: from must be before to`;
    throw new WorkbenchError('BAD_INPUT', `from: ${message}`, { issues: [{ path: 'from', message }] });
  }
  return { from, to, at };
}

/**
 * Builds a signed, byte-reproducible audit pack (.tgz, pack format 1.2):
 * collect → hash → derive → index.json → manifest + signature + in-toto DSSE → archive.
 * Nothing is staged on disk: files are hashed where they are and streamed into the
 * archive, manifest.json first, attestations/ next, then the files in bytewise path order,
 * every entry dated `at`. The same store contents, options and key give the same bytes.
 */
export async function buildAuditPack(opts: BuildAuditPackOptions): Promise<BuiltAuditPack> {
  const { from, to, at } = resolvePeriod(opts);
  if (opts.org.trim() === '') throw new WorkbenchError('BAD_INPUT', 'org: must not be empty', { issues: [{ path: 'org', message: 'must not be empty' }] });
  const key: KeyObject = readSigningKey(opts.signingKeyPem);
  const signal = opts.signal;
  const progress = (p: AuditPackProgress) => opts.onProgress?.(p);
  cancelled(signal, 'before it started');

  const pool = new HashPool();
  try {
    let hashed = 0;
    const files = new PackFiles(pool, () => {
      hashed++;
      progress({ phase: 'hash', done: hashed, total: null, label: `${hashed} files hashed` });
    });
    const facts: Facts = {};
    const factOwners = new Map<string, string>();
    const charts: ChartSeries[] = [];
    const chartOwners = new Map<string, string>();

    // 1. Collectors, in order.
    const collectors: Collector[] = opts.collectors;
    for (const [i, c] of collectors.entries()) {
      const origin = `collector ${c.section}`;
      progress({ phase: 'collect', done: i, total: collectors.length, label: c.section });
      cancelled(signal, `before ${origin}`);
      let collected;
      try {
        collected = await c.collect({
          store: opts.store,
          org: opts.org,
          from,
          to,
          at,
          dataDir: opts.dataDir,
          projectRoot: opts.projectRoot,
          workbenchVersion: opts.workbenchVersion,
          packsDir: opts.packsDir ?? join(opts.dataDir, 'packs'),
          ...(opts.proposedPolicies !== undefined ? { proposedPolicies: opts.proposedPolicies } : {}),
          ...(signal ? { signal } : {}),
          progress: (label) => progress({ phase: 'collect', done: i, total: collectors.length, label: `${c.section}: ${label}` }),
        });
      } catch (e) {
        cancelled(signal, `during ${origin}`);
        if (isWorkbenchError(e)) throw new WorkbenchError(e.code, `${origin}: ${e.message}`, e.details);
        throw new WorkbenchError('INTERNAL', `${origin} failed: ${(e as Error).message}`, { origin });
      }
      cancelled(signal, `after ${origin}`);
      for (const f of collected.files) files.add(f, origin);
      mergeFacts(facts, factOwners, collected.facts, origin);
      for (const chart of collected.charts ?? []) {
        const owner = chartOwners.get(chart.id);
        if (owner) throw new WorkbenchError('BAD_INPUT', `${origin}: chart ${JSON.stringify(chart.id)} is already offered by ${owner}`, { origin, chart: chart.id });
        chartOwners.set(chart.id, origin);
        charts.push(chart);
      }
    }
    progress({ phase: 'collect', done: collectors.length, total: collectors.length, label: 'collected' });

    // 2. Derivers, in order: each sees every file so far, hashed (including earlier derivers' files).
    const period = { from: from.toISOString(), to: to.toISOString() };
    const derivers: Deriver[] = opts.derivers;
    for (const [i, d] of derivers.entries()) {
      const origin = originOf(d, i);
      progress({ phase: 'derive', done: i, total: derivers.length, label: origin });
      const entries = await files.entries();
      cancelled(signal, `before ${origin}`);
      let derived;
      try {
        derived = await d({ org: opts.org, period, at: at.toISOString(), workbenchVersion: opts.workbenchVersion, entries, facts: { ...facts }, charts: [...charts] });
      } catch (e) {
        if (isWorkbenchError(e)) throw new WorkbenchError(e.code, `${origin}: ${e.message}`, e.details);
        throw new WorkbenchError('INTERNAL', `${origin} failed: ${(e as Error).message}`, { origin });
      }
      for (const f of derived) files.add(f, origin);
    }
    progress({ phase: 'derive', done: derivers.length, total: derivers.length, label: 'derived' });

    // 3. index.json.
    const entries = await files.entries();
    progress({ phase: 'hash', done: entries.length, total: entries.length, label: `${entries.length} files hashed` });
    cancelled(signal, 'after hashing');
    const indexParsed = AuditPackIndex.safeParse({
      format: AUDIT_PACK_FORMAT,
      formatVersion: AUDIT_PACK_FORMAT_VERSION,
      org: opts.org,
      period,
      at: at.toISOString(),
      workbench: { version: opts.workbenchVersion, store: opts.store.location.kind },
      entries,
      facts,
    });
    if (!indexParsed.success) {
      const issue = indexParsed.error.issues[0];
      throw new WorkbenchError('BAD_INPUT', `index.json: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    const index = indexParsed.data;
    const indexBytes = Buffer.from(canonicalize(index)!, 'utf8');
    const indexSha256 = sha256Hex(indexBytes);

    // The control map rows for the caller, read before anything is written: a malformed one fails the build.
    const controlMapFile = files.get(PACK_PATHS.controlMapJson);
    let controlMap: ControlMapRow[] = [];
    if (controlMapFile) {
      let json: unknown;
      try {
        json = JSON.parse((await bytesOf(controlMapFile)).toString('utf8'));
      } catch (e) {
        throw new WorkbenchError('BAD_OUTPUT', `${PACK_PATHS.controlMapJson}: not JSON (${(e as Error).message})`);
      }
      const rows = z.array(ControlMapRow).safeParse(json);
      if (!rows.success) throw new WorkbenchError('BAD_OUTPUT', `${PACK_PATHS.controlMapJson}: not a list of control map rows (${rows.error.issues[0]?.path.join('.') ?? ''}: ${rows.error.issues[0]?.message ?? 'invalid'})`);
      controlMap = rows.data;
    }

    // 4. Manifest, its signature and the in-toto statement, all from the hashes already made.
    progress({ phase: 'sign', done: 0, total: 1, label: 'signing the manifest' });
    const manifestFiles: ManifestFile[] = [...entries.map((e) => ({ path: e.path, size: e.size, sha256: e.sha256 })), { path: PACK_PATHS.index, size: indexBytes.length, sha256: indexSha256 }];
    const { manifest, manifestBytes } = buildManifest(manifestFiles, keySigner(key), at);
    const bundle = keySigstoreBundleFile(key, manifestBytes);
    const statement = auditPackStatement(manifest.files, {
      org: opts.org,
      period,
      at: at.toISOString(),
      merkleRoot: manifest.merkle.root,
      indexSha256,
      workbench: { version: opts.workbenchVersion, store: opts.store.location.kind },
    });
    const attestations = [
      { name: ATTESTATION_FILES.inTotoDsse, bytes: auditPackDsse(key, statement) },
      { name: bundle.name, bytes: bundle.bytes },
    ].sort((a, b) => comparePaths(a.name, b.name));
    progress({ phase: 'sign', done: 1, total: 1, label: 'signed' });

    // 5. The archive, streamed: manifest.json, attestations/, then every file in bytewise order.
    const byPath = new Map(files.files().map((f) => [f.path, f] as const));
    const tgzEntries: TgzEntry[] = [
      { name: MANIFEST_NAME, data: manifestBytes },
      ...attestations.map((a) => ({ name: `${ATTESTATION_DIR}/${a.name}`, data: a.bytes })),
      ...manifest.files.map((f) => ({ name: f.path, data: f.path === PACK_PATHS.index ? indexBytes : byPath.get(f.path)!.data })),
    ];
    const sizeOf = (e: TgzEntry) => (Buffer.isBuffer(e.data) ? e.data.length : e.data.size);
    const totalBytes = tgzEntries.reduce((n, e) => n + sizeOf(e), 0);
    let archived = 0;
    // The archive's own hash as it is written: no second read of a gigabyte-sized file.
    const tgzHash = createHash('sha256');
    let tgzBytes = 0;
    await mkdir(dirname(opts.out), { recursive: true });
    await writeDeterministicTgz(opts.out, tgzEntries, at, {
      onOutput: (chunk) => {
        tgzHash.update(chunk);
        tgzBytes += chunk.length;
      },
      onEntry: (_i, e) => {
        cancelled(signal, 'while archiving');
        progress({ phase: 'archive', done: archived, total: totalBytes, label: e.name });
        archived += sizeOf(e);
      },
    });
    progress({ phase: 'archive', done: totalBytes, total: totalBytes, label: 'archived' });

    const built: BuiltAuditPack = { out: opts.out, sha256: tgzHash.digest('hex'), bytes: tgzBytes, index, controlMap, merkleRoot: manifest.merkle.root };
    progress({ phase: 'done', done: 1, total: 1, label: opts.out });
    return built;
  } finally {
    await pool.close();
  }
}
