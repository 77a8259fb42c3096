import { createHash } from 'node:crypto';
import { CosignError } from './cosign-error.ts';

/**
 * What a bundle is checked against: the signed bytes themselves, or only their SHA-256
 * (the conformance protocol's `sha256:<hex>` form).
 */
export type ArtifactInput = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'digest'; sha256: Buffer };

const DIGEST_ARG = /^sha256:([0-9a-fA-F]{64})$/;

/** Whether a command-line operand is a digest rather than a file name. */
export function isDigestArgument(arg: string): boolean {
  return arg.startsWith('sha256:');
}

/** `sha256:<64 hex>` as an artifact; anything else that starts with `sha256:` is refused. */
export function parseDigestArgument(arg: string): ArtifactInput {
  const m = DIGEST_ARG.exec(arg);
  if (!m) throw new CosignError('BAD_INPUT', `artifact digest ${JSON.stringify(arg)} is not sha256: followed by 64 hex digits`);
  return { kind: 'digest', sha256: Buffer.from(m[1]!, 'hex') };
}

export function artifactSha256(a: ArtifactInput): Buffer {
  return a.kind === 'digest' ? a.sha256 : createHash('sha256').update(a.bytes).digest();
}
