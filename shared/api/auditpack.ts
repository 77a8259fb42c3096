import { z } from 'zod';
import { method } from './contract.ts';
import { IsoTime } from '../domain/time.ts';
import { AuditPackIndex, AuditPackIndexEntry, AuditPackSection, ControlMapRow, PackPath } from '../domain/audit-pack.ts';

/**
 * Audit packs (issue 9): build the signed, reproducible pack an auditor verifies offline,
 * list past builds, read the control map and open the evidence it points at, and download
 * the pack or its index and control map as JSON, CSV or PDF. Every method is sensitive:
 * `auditpack.build` to build or cancel, `auditpack.read` for everything else.
 */

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
/** An organisation name as it appears in the pack's file name. */
export const OrgName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'an organisation name of lower-case letters, digits and . _ - (at most 64)');
/** Derived from the pack's SHA-256, so the same bytes always have the same id. */
export const BuildId = z.string().regex(/^ap-[0-9a-f]{16}$/, 'a build id like ap-0123456789abcdef');
const Count = z.number().int().nonnegative();

export const BuildRequest = z
  .object({
    org: OrgName,
    /** Period covered, [from, to); the builder's defaults are to = at and from = at − 365 days. */
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    /** Reference time; defaults to now. The same store contents and `at` give a byte-identical pack. */
    at: IsoTime.optional(),
    /** Client-chosen id for this build's `progress` events. */
    progressId: z.string().min(1).max(100).optional(),
  })
  .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['from'] });
export type BuildRequest = z.input<typeof BuildRequest>;

export const ControlCounts = z.object({ total: Count, present: Count, missing: Count, stale: Count });
export type ControlCounts = z.infer<typeof ControlCounts>;

/** One built pack as the workbench keeps it (`<dataDir>/audit-packs/<fileName>` and its side-car). */
export const AuditPackBuild = z.object({
  id: BuildId,
  org: z.string(),
  period: z.object({ from: IsoTime, to: IsoTime }),
  at: IsoTime,
  fileName: z.string().regex(/^audit-pack-[a-z0-9._-]+\.tgz$/),
  /** SHA-256 of the .tgz bytes. */
  sha256: Sha256Hex,
  bytes: Count,
  /** The pack manifest's Merkle root. */
  merkleRoot: z.string().min(1),
  /** The workbench key that signed it (SHA-256 of the raw Ed25519 public key). */
  signerKeyId: Sha256Hex,
  createdAt: IsoTime,
  createdBy: z.string(),
  /** What index.json lists: files and bytes in all, and per section. */
  index: z.object({
    files: Count,
    bytes: Count,
    sections: z.array(z.object({ section: AuditPackSection, files: Count, bytes: Count })),
  }),
  controls: ControlCounts,
});
export type AuditPackBuild = z.infer<typeof AuditPackBuild>;

export const RunningBuild = z.object({ progressId: z.string(), org: z.string(), startedAt: IsoTime, startedBy: z.string() });

export const BuildList = z.object({
  /** Newest first. */
  builds: z.array(AuditPackBuild),
  /** The build in progress in this workbench, if any (one at a time). */
  running: RunningBuild.nullable(),
  /** Side-car files that could not be read, each with why. */
  problems: z.array(z.string()),
});
export type BuildList = z.infer<typeof BuildList>;

export const BuildDetail = z.object({ build: AuditPackBuild, index: AuditPackIndex });
export type BuildDetail = z.infer<typeof BuildDetail>;

export const ControlMapResult = z.object({
  /** The build the rows come from; null when no pack was built yet. */
  build: AuditPackBuild.nullable(),
  rows: z.array(ControlMapRow),
  counts: ControlCounts,
  /** Why there are no rows, when there are none. */
  message: z.string().nullable(),
});
export type ControlMapResult = z.infer<typeof ControlMapResult>;

export const EntryRequest = z.object({ buildId: BuildId, path: PackPath });

/** A file of a built pack (content when it is text within the limit), or a folder pointer's files. */
export const EntryView = z.object({
  buildId: BuildId,
  path: z.string(),
  kind: z.enum(['file', 'folder']),
  /** The index entry of the file; null for a folder. */
  entry: AuditPackIndexEntry.nullable(),
  /** Files under a folder pointer (sorted by path); empty for a file. */
  children: z.array(AuditPackIndexEntry),
  /** The file's text (UTF-8), when it is text and not over the size limit. */
  text: z.string().nullable(),
  /** Why no text is shown (binary, over the limit), or null. */
  note: z.string().nullable(),
  /** The bytes read from the pack hash to the index's SHA-256 (always true for what is returned: a mismatch is an error). */
  verified: z.boolean(),
});
export type EntryView = z.infer<typeof EntryView>;

export const DOWNLOADS = ['pack', 'index.json', 'index.csv', 'index.pdf', 'control-map.json', 'control-map.csv', 'control-map.pdf'] as const;
export const DownloadWhat = z.enum(DOWNLOADS);
export type DownloadWhat = z.infer<typeof DownloadWhat>;

export const DownloadFile = z.object({
  fileName: z.string(),
  mediaType: z.string(),
  bytes: Count,
  sha256: Sha256Hex,
  /** The bytes, base64; null when the file is over the download limit (then `path` names it on disk). */
  base64: z.string().nullable(),
  path: z.string().nullable(),
  note: z.string().nullable(),
});
export type DownloadFile = z.infer<typeof DownloadFile>;

export const auditpack = {
  build: method({
    input: BuildRequest,
    output: AuditPackBuild,
    sensitive: true,
    summary: 'Build a signed, reproducible audit pack for an organisation (one at a time); progress via `progress` events.',
  }),
  cancel: method({
    input: z.object({}),
    output: z.object({ cancelled: z.boolean(), progressId: z.string().nullable() }),
    sensitive: true,
    summary: 'Stop the build in progress, if any; nothing is kept of it.',
  }),
  list: method({ input: z.object({}), output: BuildList, sensitive: true, summary: 'Past audit pack builds, newest first, and the one in progress.' }),
  get: method({ input: z.object({ buildId: BuildId }), output: BuildDetail, sensitive: true, summary: "A build and its index: every file of the pack with section, size and SHA-256." }),
  controlMap: method({
    input: z.object({ buildId: BuildId.optional() }),
    output: ControlMapResult,
    sensitive: true,
    summary: 'The control map of the latest build (or the one named): each control, its SOC 2 / ISO 27001 ids, evidence and status.',
  }),
  readEntry: method({
    input: EntryRequest,
    output: EntryView,
    sensitive: true,
    summary: "Open a piece of evidence: a file of a built pack, checked against the index's SHA-256 (text shown up to a size limit).",
  }),
  download: method({
    input: z.object({ buildId: BuildId, what: DownloadWhat }),
    output: DownloadFile,
    sensitive: true,
    summary: 'The pack, or its index or control map as JSON, CSV or PDF, as bytes (or, for a pack over the limit, its path on disk).',
  }),
};
