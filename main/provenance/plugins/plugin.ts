/**
 * The attestation plugin interface. A plugin answers one question: does this signature
 * material, over exactly these payload bytes, chain to trust we have pinned, as of `at`?
 *
 * The pack verifier (not the plugin) checks files against the manifest and recomputes the
 * Merkle root; `payload` is the exact bytes of `manifest.json`, whose `merkleRoot` the
 * verifier has already found equal to `root`. Plugins must be pure with respect to time
 * (use `at`, never the clock) and the network (use `offlineCacheDir` / given material).
 */
export interface PluginInput {
  /** Parsed manifest.json (informational; verify over `payload`). */
  manifest: unknown;
  /** The exact bytes that were signed: manifest.json as stored in the pack. */
  payload: Uint8Array;
  /** Lower-case hex RFC 6962 Merkle root recomputed over the pack's files. */
  root: string;
  /** Raw detached signature over `payload`, when the pack carries one. */
  signature?: Uint8Array;
  /** DER certificates, leaf first, when the pack carries a chain. */
  certs?: Uint8Array[];
  /** Parsed Sigstore bundle JSON, when the pack carries one. */
  bundle?: unknown;
  /** Parsed TUF reference (see docs/pack-format.md), when the pack carries one. */
  tufRef?: unknown;
  /** Folder of pinned trust material (trusted roots, anchors, CRLs, TUF metadata). */
  offlineCacheDir?: string;
  /** The reference time of the verification. */
  at: Date;
  /** Plugin-specific options (identity, issuer, EKU, public key, trust anchors ...). */
  options?: Record<string, unknown>;
}

export interface PluginResult {
  ok: boolean;
  errors?: string[];
  warnings?: string[];
  /** Plugin-specific facts for the report (chain subjects, log index ...); must be deterministic. */
  details?: Record<string, unknown>;
}

export interface AttestationPlugin {
  readonly name: string;
  /** Whether the pack carries the material this plugin verifies. */
  applies(input: PluginInput): boolean;
  verify(input: PluginInput): Promise<PluginResult>;
}
