import { TufVerifyError } from './reasons.ts';

/**
 * Why a target name cannot be turned into a repository path (empty, "."/".." or empty
 * segments, backslash, NUL, leading slash), or undefined when it can. TUF target names are
 * URL paths; refusing these keeps a folder repository from reading outside its targets folder.
 */
export function unsafeTargetPathReason(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'starts with "/"';
  if (name.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  return undefined;
}

/**
 * The path of a target file under `targets/`: with consistent snapshots the file name is
 * prefixed with one of its hashes (`dir/<hash>.<name>`), otherwise it is the target name.
 */
export function targetFilePath(name: string, consistentSnapshot: boolean, hash: string | undefined): string[] {
  const why = unsafeTargetPathReason(name);
  if (why) throw new TufVerifyError('BAD_INPUT', `target name ${JSON.stringify(name)} ${why}`, 'target');
  const segments = name.split('/');
  if (consistentSnapshot) {
    if (hash === undefined || !/^[0-9a-fA-F]+$/.test(hash)) throw new TufVerifyError('UNSUPPORTED_HASH', `target ${JSON.stringify(name)} has no hex hash to name its file by`, 'target');
    segments[segments.length - 1] = `${hash}.${segments[segments.length - 1]}`;
  }
  return segments;
}

/**
 * The file name of a role's metadata in `metadata/`: `<version>.<role>.json` with consistent
 * snapshots (root always), else `<role>.json`. The role name is percent-encoded (as tuf-js
 * does), so it is always a single path segment.
 */
export function metadataFileName(role: string, version: number | undefined): string {
  const encoded = encodeURIComponent(role);
  return version === undefined ? `${encoded}.json` : `${version}.${encoded}.json`;
}
