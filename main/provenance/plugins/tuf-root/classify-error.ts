import type { TufIssue, TufReason } from './reasons.ts';
import { TufVerifyError } from './reasons.ts';

/**
 * Any thrown value as a typed issue. Our own TufVerifyError carries its reason; errors from
 * @tufjs/models and tuf-js are recognised by class name and message (tuf-js wraps targets
 * and snapshot failures as RuntimeError("Unable to load … error Error: <inner>"), so the
 * inner message is classified; a failed download's 404/403 means the file is missing).
 * Anything unrecognised is INTERNAL: still a failure.
 */
export function issueFromError(e: unknown): TufIssue {
  if (e instanceof TufVerifyError) return e.toIssue();
  const name = e instanceof Error ? e.constructor.name : '';
  const message = e instanceof Error ? e.message : String(e);
  const wrapped = /^Unable to load (snapshot metadata|targets) error (?:\w*Error: )?([\s\S]*)$/.exec(message);
  if (wrapped) return classifyMessage(wrapped[2]!, '', wrapped[1] === 'snapshot metadata' ? 'snapshot' : undefined);
  if (name === 'DownloadHTTPError') {
    const status = (e as { statusCode?: unknown }).statusCode;
    return { reason: status === 404 || status === 403 ? 'MISSING_METADATA' : 'FETCH_FAILED', message };
  }
  return classifyMessage(message, name, undefined);
}

const byName: Record<string, TufReason> = {
  UnsignedMetadataError: 'SIGNATURE_THRESHOLD',
  ExpiredMetadataError: 'EXPIRED',
  DownloadLengthMismatchError: 'LENGTH_MISMATCH',
  ValueError: 'MALFORMED',
  SyntaxError: 'MALFORMED',
  UnsupportedAlgorithmError: 'UNSUPPORTED_HASH',
};

function classifyMessage(message: string, className: string, defaultRole: string | undefined): TufIssue {
  const rules: [RegExp, TufReason, (m: RegExpExecArray) => string | undefined][] = [
    [/^(\S+) was signed by \d+\/\d+ keys/, 'SIGNATURE_THRESHOLD', (m) => m[1]],
    [/^Final (root|timestamp)\.json is expired/, 'EXPIRED', (m) => m[1]],
    [/^(\S+)\.json is expired/, 'EXPIRED', (m) => m[1]],
    [/^Expected version \d+, got \d+/, 'VERSION_MISMATCH', () => 'root'],
    [/^Version \d+ of (\S+) does not match snapshot version/, 'VERSION_MISMATCH', (m) => m[1]],
    [/^Snapshot version doesn't match timestamp/, 'VERSION_MISMATCH', () => 'snapshot'],
    [/^New timestamp version \d+ is less than/, 'ROLLBACK', () => 'timestamp'],
    [/^New snapshot version \d+ is less than/, 'ROLLBACK', () => 'snapshot'],
    [/^New version \d+ of (\S+)\.json is less than/, 'ROLLBACK', (m) => m[1]],
    [/^Missing file (\S+)\.json in new snapshot/, 'ROLLBACK', (m) => m[1]],
    [/^Expected length \d+ but got \d+/, 'LENGTH_MISMATCH', () => undefined],
    [/^Max length reached/, 'LENGTH_MISMATCH', () => undefined],
    [/^Hash algorithm \S+ not supported/, 'UNSUPPORTED_HASH', () => undefined],
    [/^Expected hash \S+ but got \S+/, 'HASH_MISMATCH', () => undefined],
    [/^Missing (\S+)\.json in snapshot/, 'MISSING_METADATA', (m) => m[1]],
  ];
  for (const [re, reason, role] of rules) {
    const m = re.exec(message);
    if (m) {
      const r = role(m) ?? defaultRole;
      return r === undefined ? { reason, message } : { reason, role: r, message };
    }
  }
  const reason = byName[className] ?? 'INTERNAL';
  return defaultRole === undefined ? { reason, message } : { reason, role: defaultRole, message };
}
