/**
 * Why a TUF verification failed. Each reason is specific enough to act on; the role names
 * the metadata (root, timestamp, snapshot, targets, a delegated role, or "target").
 */
export const TUF_REASONS = [
  'BAD_INPUT', // the caller's input: initial root, target name, reference time, trusted state, tufRef
  'MALFORMED', // metadata that is not valid JSON or not valid TUF metadata of the expected type
  'FETCH_FAILED', // the repository could not be read (I/O or HTTP error other than "not found")
  'MISSING_METADATA', // a metadata file the workflow needs is absent, or snapshot does not list a role
  'TOO_LARGE', // a file exceeds the size limit for its kind
  'SIGNATURE_THRESHOLD', // fewer valid signatures from distinct trusted keys than the threshold
  'VERSION_MISMATCH', // root N+1 not version N+1, snapshot/targets version not what timestamp/snapshot say
  'EXPIRED', // a role's metadata expired at the reference time
  'ROLLBACK', // a version lower than one previously trusted
  'HASH_MISMATCH', // bytes whose hash differs from what the delegating metadata records
  'LENGTH_MISMATCH', // bytes whose length differs from what the delegating metadata records
  'UNSUPPORTED_HASH', // a hash algorithm outside the allowed set, or a target without hashes
  'TARGET_NOT_FOUND', // no trusted role (after delegation rules) lists the target
  'TARGET_FILE_MISSING', // the target is listed but its file is not in the repository
  'INTERNAL', // an unexpected error: still "not verified"
] as const;
export type TufReason = (typeof TUF_REASONS)[number];

export interface TufIssue {
  reason: TufReason;
  /** The metadata role (or "target") the failure concerns, when there is one. */
  role?: string;
  message: string;
}

/** A typed verification failure; verifyTufTarget turns it into a TufIssue. */
export class TufVerifyError extends Error {
  readonly code: TufReason;
  readonly role: string | undefined;

  constructor(code: TufReason, message: string, role?: string) {
    super(message);
    this.name = 'TufVerifyError';
    this.code = code;
    this.role = role;
  }

  toIssue(): TufIssue {
    return this.role === undefined ? { reason: this.code, message: this.message } : { reason: this.code, role: this.role, message: this.message };
  }
}

/** One line for reports: `REASON (role): message`. */
export function formatIssue(issue: TufIssue): string {
  return issue.role === undefined ? `${issue.reason}: ${issue.message}` : `${issue.reason} (${issue.role}): ${issue.message}`;
}
