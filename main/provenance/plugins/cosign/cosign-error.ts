/** Why a Sigstore bundle was not verified, as a stable code a report or a test can match. */
export type CosignErrorCode =
  | 'BAD_INPUT' // an option or argument is malformed
  | 'NO_TRUST' // no pinned trusted root / key for what the bundle needs
  | 'BAD_TRUSTED_ROOT' // the pinned trusted root is malformed or unsafe
  | 'BAD_BUNDLE' // the bundle is malformed or of an unsupported version
  | 'ROOT_CERT_IN_BUNDLE' // the bundle ships its own root certificate
  | 'KEY_MISMATCH' // keyless bundle with a key policy, or the reverse
  | 'ARTIFACT_MISMATCH' // the bundle is not about these bytes / this digest
  | 'UNSUPPORTED' // a combination we cannot check (fails closed)
  | 'SIGSTORE' // @sigstore/verify rejected the bundle
  | 'POLICY' // identity or issuer differ from the expected ones
  | 'TIME'; // the signature is dated after the reference time

export class CosignError extends Error {
  readonly code: CosignErrorCode;

  constructor(code: CosignErrorCode, message: string) {
    super(message);
    this.name = 'CosignError';
    this.code = code;
  }
}

/**
 * Any thrown value as one line for a report. Library errors keep their own code
 * (VerificationError/PolicyError) or the fields they name (bundle ValidationError), so the
 * line says what was wrong and where; anything else is still a failure, never a pass.
 */
export function describeError(e: unknown): string {
  if (e instanceof CosignError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const fields = (e as { fields?: unknown }).fields;
    if (Array.isArray(fields) && fields.length > 0) return `BAD_BUNDLE: ${e.message} (${fields.map(String).join(', ')})`;
    if (typeof code === 'string' && (e.name === 'VerificationError' || e.name === 'PolicyError')) return `SIGSTORE: ${code}: ${e.message}`;
    return `SIGSTORE: ${e.name}: ${e.message}`;
  }
  return `SIGSTORE: ${String(e)}`;
}
