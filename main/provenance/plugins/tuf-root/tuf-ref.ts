import { z } from 'zod';
import { TufVerifyError } from './reasons.ts';
import type { RepositoryLocation } from './repo-source.ts';

/** An offline cache name: one safe path segment under `<offlineCacheDir>/tuf/`. */
export const CACHE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;

const Location = z.union([
  z.string().refine((s) => CACHE_NAME.test(s) || HTTP_URL.test(s), 'an offline cache name or an http(s) URL'),
  z.strictObject({ metadata: z.string().regex(HTTP_URL, 'an http(s) URL'), targets: z.string().regex(HTTP_URL, 'an http(s) URL') }),
]);

/**
 * The pack's `attestations/tuf-ref.json`: which repository vouches for the pack's
 * manifest.json, and under which target name. It names no trust anchor: the initial root
 * is pinned by whoever verifies (options or the offline cache), never taken from the pack.
 */
export const TufRefSchema = z.strictObject({
  /** An offline cache name (`<offlineCacheDir>/tuf/<name>/`), an http(s) base URL, or metadata/targets URLs. */
  repository: Location,
  /** The target name of the pack's manifest.json in the repository's targets metadata. */
  targetName: z.string().min(1).max(4096),
  /** The offline cache folder mirroring a URL repository (used instead of the network when present). */
  cacheName: z.string().regex(CACHE_NAME, 'one path segment of letters, digits, ".", "_" or "-"').optional(),
});

export interface TufRef {
  repository: RepositoryLocation;
  targetName: string;
  cacheName?: string;
}

export function parseTufRef(value: unknown): TufRef {
  if (typeof value === 'object' && value !== null && 'initialRoot' in value) {
    throw new TufVerifyError(
      'BAD_INPUT',
      'tufRef.initialRoot: not accepted: a pack cannot supply its own trust anchor; pin the initial root with options.tuf.initialRoot or <offlineCacheDir>/tuf/<name>/initial_root.json',
    );
  }
  const r = TufRefSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const where = ['tufRef', ...i.path.map(String)].join('.');
    throw new TufVerifyError('BAD_INPUT', `${where}: ${i.message}`);
  }
  const { repository, targetName, cacheName } = r.data;
  return cacheName === undefined ? { repository, targetName } : { repository, targetName, cacheName };
}
