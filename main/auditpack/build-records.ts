import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { AuditPackBuild } from '../../shared/api/auditpack.ts';
import { AuditPackIndex, ControlMapRow, type AuditPackSection } from '../../shared/domain/audit-pack.ts';
import type { BuiltAuditPack } from './build-options.ts';

/** Where the workbench keeps built packs, relative to the data folder. */
export const AUDIT_PACKS_DIR = 'audit-packs';
export const SIDECAR_SUFFIX = '.build.json';

/** What `<fileName minus .tgz>.build.json` beside each pack holds: the record, the index and the control map. */
export const BuildSidecar = z.object({ build: AuditPackBuild, index: AuditPackIndex, controlMap: z.array(ControlMapRow) });
export type BuildSidecar = z.infer<typeof BuildSidecar>;

export function sidecarName(fileName: string): string {
  return fileName.replace(/\.tgz$/, '') + SIDECAR_SUFFIX;
}

/** `audit-pack-<org>-<day of at>-<first 12 hex of the SHA-256>.tgz`: readable, and unique per content. */
export function packFileName(org: string, at: string, sha256: string): string {
  return `audit-pack-${org}-${at.slice(0, 10)}-${sha256.slice(0, 12)}.tgz`;
}

export function buildIdOf(sha256: string): string {
  return `ap-${sha256.slice(0, 16)}`;
}

/** The record of a finished build: ids and names derived from the pack's bytes, counts from its index and control map. */
export function buildRecord(built: BuiltAuditPack, meta: { org: string; createdAt: string; createdBy: string; signerKeyId: string }): AuditPackBuild {
  const sections = new Map<AuditPackSection, { files: number; bytes: number }>();
  for (const e of built.index.entries) {
    const s = sections.get(e.section) ?? { files: 0, bytes: 0 };
    s.files++;
    s.bytes += e.size;
    sections.set(e.section, s);
  }
  const count = (status: string) => built.controlMap.filter((r) => r.status === status).length;
  return {
    id: buildIdOf(built.sha256),
    org: meta.org,
    period: built.index.period,
    at: built.index.at,
    fileName: packFileName(meta.org, built.index.at, built.sha256),
    sha256: built.sha256,
    bytes: built.bytes,
    merkleRoot: built.merkleRoot,
    signerKeyId: meta.signerKeyId,
    createdAt: meta.createdAt,
    createdBy: meta.createdBy,
    index: {
      files: built.index.entries.length,
      bytes: built.index.entries.reduce((n, e) => n + e.size, 0),
      sections: [...sections]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([section, s]) => ({ section, ...s })),
    },
    controls: { total: built.controlMap.length, present: count('present'), missing: count('missing'), stale: count('stale') },
  };
}

/** Writes the side-car as canonical JSON via a temp file and rename, so a reader never sees half of one. */
export async function writeSidecar(dir: string, sidecar: BuildSidecar): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, sidecarName(sidecar.build.fileName));
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, canonicalize(sidecar)! + '\n');
  try {
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** Every readable side-car in the folder, newest build first; unreadable ones are named in `problems`. */
export async function readSidecars(dir: string): Promise<{ sidecars: BuildSidecar[]; problems: string[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { sidecars: [], problems: [] };
    throw e;
  }
  const sidecars: BuildSidecar[] = [];
  const problems: string[] = [];
  for (const name of names.filter((n) => n.endsWith(SIDECAR_SUFFIX)).sort()) {
    try {
      const parsed = BuildSidecar.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
      if (parsed.success) sidecars.push(parsed.data);
      else problems.push(`${name}: ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
    }
  }
  sidecars.sort((a, b) => (a.build.createdAt !== b.build.createdAt ? (a.build.createdAt < b.build.createdAt ? 1 : -1) : a.build.id < b.build.id ? -1 : a.build.id > b.build.id ? 1 : 0));
  return { sidecars, problems };
}
