import canonicalize from 'canonicalize';
import { TlogError } from './tlog-error.ts';

/** The record type of a pack's log entry. */
export const PACK_ENTRY_TYPE = 'compliance-workbench/pack-log-entry/v1';

export interface PackLogEntry {
  /** The pack manifest's RFC 6962 Merkle root, 64 lower-case hex digits. */
  manifestRoot: string;
  /** SHA-256 of the pack's signature (its detached signature or bundle), 64 lower-case hex digits. */
  signatureDigest: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function check(e: PackLogEntry): void {
  if (typeof e.manifestRoot !== 'string' || !HEX64.test(e.manifestRoot)) throw new TlogError('BAD_INPUT', 'manifestRoot must be 64 lower-case hex digits');
  if (typeof e.signatureDigest !== 'string' || !HEX64.test(e.signatureDigest)) throw new TlogError('BAD_INPUT', 'signatureDigest must be 64 lower-case hex digits');
}

/**
 * The log entry of a pack: RFC 8785 canonical JSON of {type, manifestRoot,
 * signatureDigest}, UTF-8. One spelling per pack, so a verifier can rebuild the exact
 * entry bytes from the pack alone and hash them to the leaf.
 */
export function encodePackEntry(e: PackLogEntry): Uint8Array {
  check(e);
  return encoder.encode(canonicalize({ type: PACK_ENTRY_TYPE, manifestRoot: e.manifestRoot, signatureDigest: e.signatureDigest })!);
}

/** Reads a pack entry back; BAD_INPUT unless it is exactly the canonical encoding. */
export function decodePackEntry(bytes: Uint8Array): PackLogEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new TlogError('BAD_INPUT', 'pack log entry is not UTF-8 JSON');
  }
  const o = parsed as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || o.type !== PACK_ENTRY_TYPE || Object.keys(o).length !== 3) throw new TlogError('BAD_INPUT', `pack log entry is not a ${PACK_ENTRY_TYPE} record`);
  const e = { manifestRoot: o.manifestRoot as string, signatureDigest: o.signatureDigest as string };
  check(e);
  if (Buffer.compare(Buffer.from(encodePackEntry(e)), Buffer.from(bytes)) !== 0) throw new TlogError('BAD_INPUT', 'pack log entry is not in canonical form');
  return e;
}
