import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { CosignError } from './cosign-error.ts';

/** Where the pinned Sigstore trusted root lives inside an offline cache folder. */
export const TRUSTED_ROOT_IN_CACHE = join('sigstore', 'trusted_root.json');

export const TRUSTED_ROOT_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.trustedroot';

/**
 * A trusted root with nothing in it: enough for a key-based bundle that carries no log
 * entry and no timestamp, which no Sigstore service vouches for anyway.
 */
export const EMPTY_TRUSTED_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
} as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkValidFor(validFor: unknown, where: string): void {
  // A missing start must not read as "valid since the beginning of time": the library
  // defaults it to 1970, which would let a key vouch for entries it never saw.
  if (!isRecord(validFor) || validFor.start === undefined) throw new CosignError('BAD_TRUSTED_ROOT', `${where}.validFor.start is missing`);
  const start = typeof validFor.start === 'string' ? Date.parse(validFor.start) : NaN;
  if (Number.isNaN(start)) throw new CosignError('BAD_TRUSTED_ROOT', `${where}.validFor.start is not an RFC 3339 time`);
  if (validFor.end !== undefined) {
    const end = typeof validFor.end === 'string' ? Date.parse(validFor.end) : NaN;
    if (Number.isNaN(end)) throw new CosignError('BAD_TRUSTED_ROOT', `${where}.validFor.end is not an RFC 3339 time`);
    if (end < start) throw new CosignError('BAD_TRUSTED_ROOT', `${where}.validFor.end is before its start`);
  }
}

function entries(root: Record<string, unknown>, field: string): unknown[] {
  const v = root[field];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new CosignError('BAD_TRUSTED_ROOT', `${field} is not an array`);
  return v;
}

/** Our checks on the trusted-root JSON before the library sees it (which is lenient). */
export function checkTrustedRootJson(json: unknown): void {
  if (!isRecord(json)) throw new CosignError('BAD_TRUSTED_ROOT', 'the trusted root is not a JSON object');
  if (typeof json.mediaType !== 'string' || !json.mediaType.startsWith(TRUSTED_ROOT_MEDIA_TYPE_PREFIX)) {
    throw new CosignError('BAD_TRUSTED_ROOT', `mediaType ${JSON.stringify(json.mediaType)} is not a Sigstore trusted root`);
  }
  for (const field of ['certificateAuthorities', 'timestampAuthorities']) {
    entries(json, field).forEach((ca, i) => checkValidFor(isRecord(ca) ? ca.validFor : undefined, `${field}[${i}]`));
  }
  for (const field of ['tlogs', 'ctlogs']) {
    entries(json, field).forEach((log, i) => {
      const pk = isRecord(log) ? log.publicKey : undefined;
      checkValidFor(isRecord(pk) ? pk.validFor : undefined, `${field}[${i}].publicKey`);
    });
  }
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CosignError('NO_TRUST', `cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CosignError('BAD_TRUSTED_ROOT', `${what} ${path} is not JSON: ${(e as Error).message}`);
  }
}

/**
 * The pinned trusted root: `source` (parsed JSON, or a path to it) when given, else
 * `<offlineCacheDir>/sigstore/trusted_root.json` when that file exists, else undefined.
 * Never fetched: an air-gapped verifier must not depend on a TUF refresh.
 */
export function loadTrustedRootJson(source: unknown, offlineCacheDir: string | undefined): unknown {
  if (typeof source === 'string') return readJsonFile(resolve(source), 'trusted root');
  if (source !== undefined) {
    if (!isRecord(source)) throw new CosignError('BAD_INPUT', 'options.trustedRoot must be a trusted-root JSON object or a path to one');
    return source;
  }
  if (offlineCacheDir === undefined) return undefined;
  const path = join(offlineCacheDir, TRUSTED_ROOT_IN_CACHE);
  // A cache without Sigstore material is no error by itself: a key-only bundle needs none.
  if (!existsSync(path)) return undefined;
  return readJsonFile(path, 'trusted root');
}

/**
 * The library's trust material from a checked trusted root. With `publicKey`, every key
 * hint resolves to that key: the hint in a bundle is unauthenticated, the caller's key is not.
 */
export function trustMaterialFrom(json: unknown, publicKey: KeyObject | undefined): TrustMaterial {
  checkTrustedRootJson(json);
  try {
    const root = TrustedRoot.fromJSON(json);
    return toTrustMaterial(
      root,
      publicKey
        ? () => ({ publicKey, validFor: () => true })
        : (hint: string) => {
            throw new CosignError('NO_TRUST', `the bundle names public key ${JSON.stringify(hint)} but no public key was given`);
          },
    );
  } catch (e) {
    if (e instanceof CosignError) throw e;
    throw new CosignError('BAD_TRUSTED_ROOT', `the trusted root cannot be read: ${(e as Error).message}`);
  }
}
