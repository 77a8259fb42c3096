/**
 * A thrown X.509 problem (malformed bytes, a refused algorithm, bad options). Path
 * validation itself never throws: it turns these, and every broken rule, into messages
 * that name the certificate and the rule.
 */
export type X509ErrorCode =
  | 'MALFORMED' // bytes are not the DER structure they claim to be
  | 'PROFILE' // well-formed, but breaks an RFC 5280 / code-signing profile rule
  | 'SIGNATURE' // a forbidden or unsupported algorithm or key
  | 'CRL' // a CRL cannot be read
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
