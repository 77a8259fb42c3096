import { z } from 'zod';
import { IsoTime } from './time.ts';

export const PACK_FORMAT = 'compliance-workbench/evidence-pack';
export const PACK_FORMAT_VERSION = '1.2';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');

/** A pack-relative path: forward slashes, no `.`/`..` segments, no leading slash, no NUL. */
export const PackPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.includes('\0'), 'relative path with forward slashes')
  .refine((p) => p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'no empty, "." or ".." segments');

export const ManifestFile = z.object({
  path: PackPath,
  size: z.number().int().nonnegative(),
  sha256: Hex64,
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const SignerInfo = z.object({
  /** How the manifest is signed: an X.509 chain, a plain key (Sigstore key bundle), or keyless Sigstore. */
  kind: z.enum(['x509', 'key', 'sigstore']),
  /** The certificate subject, or a key fingerprint for plain keys. */
  subject: z.string(),
  /** SHA-256 of the SubjectPublicKeyInfo, hex. */
  keyFingerprint: Hex64.nullable(),
});

export const Manifest = z.object({
  format: z.literal(PACK_FORMAT),
  formatVersion: z.literal(PACK_FORMAT_VERSION),
  createdAt: IsoTime,
  signer: SignerInfo,
  merkle: z.object({
    /** RFC 6962 SHA-256 over one leaf per file, files in `files` order (bytewise path order). */
    algorithm: z.literal('rfc6962-sha256'),
    leaf: z.literal('path\\nsize\\nsha256'),
    size: z.number().int().nonnegative(),
    root: Hex64,
  }),
  files: z.array(ManifestFile),
});
export type Manifest = z.infer<typeof Manifest>;

export const FileStatus = z.enum(['ok', 'missing', 'modified', 'unexpected']);
export type FileStatus = z.infer<typeof FileStatus>;

export const FileResult = z.object({
  path: z.string(),
  status: FileStatus,
  expectedSize: z.number().int().nullable(),
  actualSize: z.number().int().nullable(),
  expectedSha256: z.string().nullable(),
  actualSha256: z.string().nullable(),
});
export type FileResult = z.infer<typeof FileResult>;

export const PluginReport = z.object({
  name: z.string(),
  ok: z.boolean(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  details: z.record(z.string(), z.unknown()),
});
export type PluginReport = z.infer<typeof PluginReport>;

/**
 * The verify report. It holds no wall-clock field and no local path: verifying the same
 * pack with the same trust material and reference time gives byte-identical reports,
 * online or offline, from a folder or a .tgz.
 */
export const VerifyReport = z.object({
  reportVersion: z.literal(1),
  verified: z.boolean(),
  referenceTime: IsoTime,
  pack: z.object({
    formatVersion: z.string().nullable(),
    createdAt: z.string().nullable(),
    signer: SignerInfo.nullable(),
    manifestSha256: z.string().nullable(),
  }),
  merkle: z.object({ expectedRoot: z.string().nullable(), computedRoot: z.string().nullable(), match: z.boolean() }),
  files: z.array(FileResult),
  counts: z.object({ ok: z.number(), missing: z.number(), modified: z.number(), unexpected: z.number() }),
  plugins: z.array(PluginReport),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type VerifyReport = z.infer<typeof VerifyReport>;
