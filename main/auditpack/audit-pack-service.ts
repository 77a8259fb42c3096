import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import type { AuditPackBuild, BuildDetail, BuildList, ControlMapResult, DownloadFile, DownloadWhat, EntryView } from '../../shared/api/auditpack.ts';
import type { CallContext } from '../../shared/api/contract.ts';
import { WorkbenchError, isWorkbenchError } from '../../shared/api/errors.ts';
import type { EventPayload } from '../../shared/api/events.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { AuditPackIndex, ControlMapRow } from '../../shared/domain/audit-pack.ts';
import type { WorkbenchKey } from '../appeals/workbench-key.ts';
import type { Pep } from '../policy/pep.ts';
import type { SessionService } from '../session/session-service.ts';
import type { Store } from '../store/store.ts';
import type { BuildAuditPackOptions, BuiltAuditPack } from './build-options.ts';
import { AUDIT_PACKS_DIR, buildRecord, readSidecars, writeSidecar, type BuildSidecar } from './build-records.ts';
import { indexCsv } from './index-csv.ts';
import type { Collector, Deriver } from './pack-file.ts';
import { readPackEntries } from './pack-entries.ts';
import { PACK_PATHS } from './pack-paths.ts';
import type { PackMeta } from './report/report-pdf.ts';

/** What the PDF downloads are rendered with (main/auditpack/report/tables-pdf.ts). */
export interface AuditPackPdfs {
  controlMap(rows: readonly ControlMapRow[], meta: PackMeta): Promise<Buffer>;
  index(index: AuditPackIndex): Promise<Buffer>;
}

export interface AuditPackServiceDeps {
  store: Store;
  pep: Pep;
  session: SessionService;
  now: () => Date;
  dataDir: string;
  /** The folder holding package.json and package-lock.json (for the SBOM), resolved when a build starts. */
  projectRoot: () => string;
  workbenchVersion: string;
  /** The workbench key and its PEM (the pack is signed with it). */
  signingKey: () => { key: WorkbenchKey; pem: string };
  emit: (payload: EventPayload<'progress'>) => void;
  buildAuditPack: (opts: BuildAuditPackOptions) => Promise<BuiltAuditPack>;
  collectors: () => Collector[];
  derivers: () => Deriver[];
  pdfs?: AuditPackPdfs;
  /** Text shown by readEntry up to this many bytes (default 256 KiB). */
  maxTextBytes?: number;
  /** Downloads carry their bytes up to this size (default 64 MiB); a bigger pack is named by path. */
  maxDownloadBytes?: number;
}

interface Running {
  progressId: string;
  org: string;
  startedAt: string;
  startedBy: string;
  controller: AbortController;
  /** Settles when the build has finished, failed or been cancelled. */
  settled: Promise<void>;
}

const BUILD = 'auditpack.build';
const READ = 'auditpack.read';
const RESOURCE = 'audit-pack';
export const DEFAULT_MAX_TEXT_BYTES = 256 * 1024;
export const DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
/** The period a pack covers when no `from` is given: the 365 days before the reference time. */
const DEFAULT_PERIOD_MS = 365 * 86_400_000;

const TEXT_TYPES = /^(text\/|application\/(json|x-ndjson|jsonl|ld\+json|xml|yaml|x-pem-file|pem-certificate-chain)\b|application\/[a-z0-9.+-]*\+(json|xml)\b)/;

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The `auditpack` namespace: builds packs into `<dataDir>/audit-packs/` (each `.tgz` with a
 * `.build.json` side-car holding its record, index and control map), one build at a time,
 * with progress on the bus; and serves what was built — list, index, control map, the
 * evidence files themselves (checked against the index) and downloads. Every method asks
 * the PEP first, so a denial is audited and appealable like any other.
 */
export class AuditPackService {
  readonly #d: AuditPackServiceDeps;
  readonly #dir: string;
  #running: Running | undefined;
  #builds = 0;

  constructor(deps: AuditPackServiceDeps) {
    this.#d = deps;
    this.#dir = join(deps.dataDir, AUDIT_PACKS_DIR);
  }

  /** The folder packs are kept in. */
  get folder(): string {
    return this.#dir;
  }

  async #guard(ctx: CallContext, action: string, id: string): Promise<Actor> {
    const actor = await this.#d.session.actor(ctx);
    await this.#d.pep.guard(actor, action, { type: RESOURCE, id });
    return actor;
  }

  async build(input: { org: string; from?: string; to?: string; at?: string; progressId?: string }, ctx: CallContext): Promise<AuditPackBuild> {
    const actor = await this.#guard(ctx, BUILD, input.org);
    if (this.#running) {
      const r = this.#running;
      throw new WorkbenchError('CONFLICT', `an audit pack for ${r.org} is being built (started by ${r.startedBy} at ${r.startedAt}); one build runs at a time`, {
        progressId: r.progressId,
        org: r.org,
        startedAt: r.startedAt,
        startedBy: r.startedBy,
      });
    }
    const now = this.#d.now();
    const at = input.at ?? now.toISOString();
    // The builder's defaults, made explicit so an empty period is refused here, naming the field.
    const to = input.to ?? at;
    const from = input.from ?? new Date(Date.parse(at) - DEFAULT_PERIOD_MS).toISOString();
    if (Date.parse(from) >= Date.parse(to)) {
      const message = `the period [${from}, ${to}) is empty: from must be before to`;
      throw new WorkbenchError('BAD_INPUT', `from: ${message}`, { issues: [{ path: 'from', message }] });
    }
    const progressId = input.progressId ?? `auditpack-build-${now.getTime()}-${++this.#builds}`;
    const controller = new AbortController();
    let settle = () => {};
    const settled = new Promise<void>((resolve) => (settle = resolve));
    this.#running = { progressId, org: input.org, startedAt: now.toISOString(), startedBy: actor.id, controller, settled };
    const signal = ctx.signal ? AbortSignal.any([controller.signal, ctx.signal]) : controller.signal;
    const progress = (label: string, done: number, total: number | null, finished: boolean) => this.#d.emit({ jobId: progressId, label, done, total, finished });
    const incoming = join(this.#dir, `.incoming-${process.pid}-${this.#builds}.tgz`);
    try {
      await mkdir(this.#dir, { recursive: true });
      const { key, pem } = this.#d.signingKey();
      progress('collect: starting', 0, null, false);
      const built = await this.#d.buildAuditPack({
        org: input.org,
        from: new Date(from),
        to: new Date(to),
        at: new Date(at),
        out: incoming,
        store: this.#d.store,
        dataDir: this.#d.dataDir,
        projectRoot: this.#d.projectRoot(),
        workbenchVersion: this.#d.workbenchVersion,
        signingKeyPem: pem,
        collectors: this.#d.collectors(),
        derivers: this.#d.derivers(),
        onProgress: (p) => {
          if (p.phase !== 'done') progress(`${p.phase}: ${p.label}`, p.done, p.total, false);
        },
        signal,
      });
      if (signal.aborted) throw new WorkbenchError('CANCELLED', 'the audit pack build was cancelled');
      const build = buildRecord(built, { org: input.org, createdAt: this.#d.now().toISOString(), createdBy: actor.id, signerKeyId: key.keyId });
      // The same bytes get the same name: a rebuild of an unchanged store replaces the file with itself.
      await rename(built.out, join(this.#dir, build.fileName));
      await writeSidecar(this.#dir, { build, index: built.index, controlMap: built.controlMap });
      progress(`done: ${build.fileName} (${build.index.files} files, ${build.controls.present} of ${build.controls.total} controls present)`, 1, 1, true);
      return build;
    } catch (e) {
      await rm(incoming, { force: true });
      const err = signal.aborted ? new WorkbenchError('CANCELLED', 'the audit pack build was cancelled; nothing was kept') : isWorkbenchError(e) ? e : new WorkbenchError('INTERNAL', `the audit pack build failed: ${(e as Error).message}`);
      progress(`failed: ${err.message}`, 0, null, true);
      throw err;
    } finally {
      this.#running = undefined;
      settle();
    }
  }

  async cancel(_input: Record<string, never>, ctx: CallContext): Promise<{ cancelled: boolean; progressId: string | null }> {
    await this.#guard(ctx, BUILD, 'running');
    const r = this.#running;
    if (!r) return { cancelled: false, progressId: null };
    r.controller.abort();
    return { cancelled: true, progressId: r.progressId };
  }

  async list(_input: Record<string, never>, ctx: CallContext): Promise<BuildList> {
    await this.#guard(ctx, READ, 'builds');
    const { sidecars, problems } = await readSidecars(this.#dir);
    const r = this.#running;
    return {
      builds: sidecars.map((s) => s.build),
      running: r ? { progressId: r.progressId, org: r.org, startedAt: r.startedAt, startedBy: r.startedBy } : null,
      problems,
    };
  }

  async #sidecar(buildId: string): Promise<BuildSidecar> {
    const { sidecars } = await readSidecars(this.#dir);
    const found = sidecars.find((s) => s.build.id === buildId);
    if (!found) throw new WorkbenchError('NOT_FOUND', `no audit pack build ${buildId}`, { buildId });
    return found;
  }

  #packFile(s: BuildSidecar): string {
    return join(this.#dir, s.build.fileName);
  }

  async get(input: { buildId: string }, ctx: CallContext): Promise<BuildDetail> {
    await this.#guard(ctx, READ, input.buildId);
    const s = await this.#sidecar(input.buildId);
    return { build: s.build, index: s.index };
  }

  async controlMap(input: { buildId?: string }, ctx: CallContext): Promise<ControlMapResult> {
    await this.#guard(ctx, READ, input.buildId ?? 'latest');
    let s: BuildSidecar | undefined;
    if (input.buildId !== undefined) s = await this.#sidecar(input.buildId);
    else s = (await readSidecars(this.#dir)).sidecars[0];
    if (!s) {
      return { build: null, rows: [], counts: { total: 0, present: 0, missing: 0, stale: 0 }, message: 'No audit pack has been built yet: build one to see the control map it carries.' };
    }
    return { build: s.build, rows: s.controlMap, counts: s.build.controls, message: null };
  }

  async readEntry(input: { buildId: string; path: string }, ctx: CallContext): Promise<EntryView> {
    await this.#guard(ctx, READ, `${input.buildId}/${input.path}`);
    const s = await this.#sidecar(input.buildId);
    const entry = s.index.entries.find((e) => e.path === input.path);
    if (!entry) {
      const prefix = input.path.replace(/\/+$/, '') + '/';
      const children = s.index.entries.filter((e) => e.path.startsWith(prefix));
      if (children.length === 0) throw new WorkbenchError('NOT_FOUND', `${input.path}: no such file or folder in ${s.build.fileName}'s index`, { buildId: input.buildId, path: input.path });
      return { buildId: input.buildId, path: input.path, kind: 'folder', entry: null, children, text: null, note: `${children.length} files under ${prefix}`, verified: false };
    }
    const limit = this.#d.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
    const read = (await this.#readFromPack(s, [entry.path], limit)).get(entry.path)!;
    this.#checkAgainstIndex(s, entry.path, read.sha256, entry.sha256);
    let text: string | null = null;
    let note: string | null = null;
    if (!TEXT_TYPES.test(entry.mediaType)) note = `${entry.mediaType} is not shown as text; download the pack to open it`;
    else if (read.data === undefined) note = `${entry.size} bytes is over the ${limit}-byte display limit; download the pack to open it`;
    else {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(read.data);
      } catch {
        note = 'the file is not valid UTF-8 text; download the pack to open it';
      }
    }
    return { buildId: input.buildId, path: entry.path, kind: 'file', entry, children: [], text, note, verified: true };
  }

  async download(input: { buildId: string; what: DownloadWhat }, ctx: CallContext): Promise<DownloadFile> {
    await this.#guard(ctx, READ, `${input.buildId}/${input.what}`);
    const s = await this.#sidecar(input.buildId);
    const base = s.build.fileName.replace(/\.tgz$/, '');
    const limit = this.#d.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    const file = (fileName: string, mediaType: string, data: Buffer): DownloadFile => ({
      fileName,
      mediaType,
      bytes: data.length,
      sha256: sha256(data),
      base64: data.toString('base64'),
      path: null,
      note: null,
    });
    switch (input.what) {
      case 'pack': {
        const path = this.#packFile(s);
        const size = await this.#packSize(s);
        if (size > limit) {
          return {
            fileName: s.build.fileName,
            mediaType: 'application/gzip',
            bytes: size,
            sha256: s.build.sha256,
            base64: null,
            path,
            note: `the pack is ${size} bytes, over the ${limit}-byte download limit: copy it from ${path}`,
          };
        }
        const data = await readFile(path);
        if (sha256(data) !== s.build.sha256) throw this.#changed(s, s.build.fileName, sha256(data), s.build.sha256);
        return file(s.build.fileName, 'application/gzip', data);
      }
      case 'index.json': {
        const data = await this.#packBytes(s, PACK_PATHS.index);
        // index.json is not listed in itself: check it says what the side-car recorded at build time.
        let same = false;
        try {
          same = canonicalize(JSON.parse(data.toString('utf8'))) === canonicalize(s.index);
        } catch {
          same = false;
        }
        if (!same) throw new WorkbenchError('CONFLICT', `${PACK_PATHS.index} in ${s.build.fileName} differs from the index recorded when it was built`, { buildId: s.build.id, path: PACK_PATHS.index });
        return file(`${base}-index.json`, 'application/json', data);
      }
      case 'index.csv':
        return file(`${base}-index.csv`, 'text/csv', Buffer.from(indexCsv(s.index), 'utf8'));
      case 'index.pdf':
        return file(`${base}-index.pdf`, 'application/pdf', await this.#pdfs().index(s.index));
      case 'control-map.json':
        return file(`${base}-control-map.json`, 'application/json', await this.#packBytes(s, PACK_PATHS.controlMapJson));
      case 'control-map.csv':
        return file(`${base}-control-map.csv`, 'text/csv', await this.#packBytes(s, PACK_PATHS.controlMapCsv));
      case 'control-map.pdf':
        return file(
          `${base}-control-map.pdf`,
          'application/pdf',
          await this.#pdfs().controlMap(s.controlMap, {
            org: s.build.org,
            at: s.build.at,
            period: s.build.period,
            workbenchVersion: `${s.index.workbench.version} (${s.index.workbench.store})`,
            packSha256: s.build.sha256,
          }),
        );
    }
  }

  #pdfs(): AuditPackPdfs {
    if (!this.#d.pdfs) throw new WorkbenchError('UNAVAILABLE', 'this workbench build cannot render PDFs of the index or control map (report.pdf in the pack has both)');
    return this.#d.pdfs;
  }

  async #packSize(s: BuildSidecar): Promise<number> {
    try {
      return (await stat(this.#packFile(s))).size;
    } catch (e) {
      throw new WorkbenchError('NOT_FOUND', `${s.build.fileName} is gone from ${this.#dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { buildId: s.build.id });
    }
  }

  async #readFromPack(s: BuildSidecar, paths: string[], limit: number) {
    await this.#packSize(s);
    const found = await readPackEntries(this.#packFile(s), paths, limit);
    for (const p of paths) {
      if (!found.has(p)) throw new WorkbenchError('CONFLICT', `${p} is listed for ${s.build.fileName} but is not in the pack`, { buildId: s.build.id, path: p });
    }
    return found;
  }

  /** A file of the pack, whole (up to the download limit) and checked against the index when it is listed there. */
  async #packBytes(s: BuildSidecar, path: string): Promise<Buffer> {
    const limit = this.#d.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    const read = (await this.#readFromPack(s, [path], limit)).get(path)!;
    const listed = s.index.entries.find((e) => e.path === path);
    if (listed) this.#checkAgainstIndex(s, path, read.sha256, listed.sha256);
    if (!read.data) throw new WorkbenchError('BAD_INPUT', `${path} is ${read.size} bytes, over the ${limit}-byte download limit`, { buildId: s.build.id, path });
    return read.data;
  }

  #checkAgainstIndex(s: BuildSidecar, path: string, actual: string, expected: string): void {
    if (actual !== expected) throw this.#changed(s, path, actual, expected);
  }

  #changed(s: BuildSidecar, path: string, actual: string, expected: string): WorkbenchError {
    return new WorkbenchError('CONFLICT', `${path} in ${s.build.fileName} does not match its recorded SHA-256 (found ${actual}, expected ${expected}): the pack changed after it was built`, {
      buildId: s.build.id,
      path,
      actualSha256: actual,
      expectedSha256: expected,
    });
  }

  /** Stops a running build (the workbench is closing) and waits until it has let go of the store. */
  async close(): Promise<void> {
    const r = this.#running;
    if (!r) return;
    r.controller.abort();
    await r.settled;
  }
}
