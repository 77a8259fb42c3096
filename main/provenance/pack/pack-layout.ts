/** Names inside an evidence pack (see docs/pack-format.md). */
export const MANIFEST_NAME = 'manifest.json';
export const ATTESTATION_DIR = 'attestations';
export const ATTESTATION_FILES = {
  signature: 'signature.sig',
  chain: 'chain.pem',
  sigstoreBundle: 'sigstore-bundle.json',
  tufRef: 'tuf-ref.json',
  tlogReceipt: 'tlog-receipt.txt',
  /** DSSE envelope of an in-toto Statement v1 whose subjects are the manifest's files (optional). */
  inTotoDsse: 'in-toto.dsse.json',
} as const;

/** Attestation material is small; anything bigger is refused rather than read into memory. */
export const MAX_ATTESTATION_BYTES = 16 * 1024 * 1024;
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
export const MAX_ENTRIES = 1_000_000;

/** Why an archive path is refused, or undefined when it is a safe relative path. */
export function unsafePathReason(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.includes('\\')) return 'contains a backslash';
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return 'contains ".."';
  if (segments.length === 0) return 'is empty';
  return undefined;
}

/** `./a//b/` → `a/b`. Call only after unsafePathReason said the name is safe. */
export function normalizeEntryName(name: string): string {
  return name.split('/').filter((s) => s !== '' && s !== '.').join('/');
}
