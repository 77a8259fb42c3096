/**
 * A rule of certificate or path validation that was broken. `code` is stable for callers
 * and tests; `message` names the certificate (by subject) and the rule.
 */
export type X509ErrorCode =
  | 'MALFORMED' // bytes are not the DER structure they claim to be
  | 'PROFILE' // well-formed, but breaks an RFC 5280 / code-signing profile rule
  | 'VALIDITY' // expired or not yet valid at the reference time
  | 'USAGE' // keyUsage / extendedKeyUsage / basicConstraints forbid this use
  | 'PATH' // path length, depth, name constraints, no path to an anchor
  | 'SIGNATURE' // a signature does not verify or uses a forbidden algorithm/key
  | 'REVOKED' // listed on a CRL of its issuer
  | 'CRL' // a CRL that applies cannot be used (bad signature, stale, malformed)
  | 'LIMIT' // the search or a check exceeded its work bound
  | 'BAD_INPUT'; // caller supplied unusable input (options, anchors)

export class X509Error extends Error {
  readonly code: X509ErrorCode;

  constructor(code: X509ErrorCode, message: string) {
    super(message);
    this.name = 'X509Error';
    this.code = code;
  }
}
