import { createHash, timingSafeEqual } from 'node:crypto';
import type { Envelope } from '@sigstore/bundle';
import { artifactSha256, type ArtifactInput } from './artifact-input.ts';
import { CosignError } from './cosign-error.ts';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Ties a DSSE envelope to the artifact: an in-toto statement must list the artifact's
 * SHA-256 among its subjects; any other payload must be the artifact itself. The library
 * checks only the envelope's signature, never what it is about. Returns the subject name
 * that matched (for the report), or undefined for a non-in-toto payload.
 */
export function checkDsseArtifact(envelope: Envelope, artifact: ArtifactInput): string | undefined {
  const sha256 = artifactSha256(artifact);
  const payload = Buffer.from(envelope.payload);
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    const same = artifact.kind === 'bytes' ? Buffer.compare(payload, Buffer.from(artifact.bytes)) === 0 : timingSafeEqual(createHash('sha256').update(payload).digest(), sha256);
    if (!same) throw new CosignError('ARTIFACT_MISMATCH', `the DSSE payload (${envelope.payloadType}) is not the artifact`);
    return undefined;
  }
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw new CosignError('BAD_BUNDLE', `the DSSE in-toto payload is not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(statement) || typeof statement._type !== 'string' || !statement._type.startsWith('https://in-toto.io/Statement/')) {
    throw new CosignError('BAD_BUNDLE', 'the DSSE in-toto payload is not an in-toto statement');
  }
  if (!Array.isArray(statement.subject)) throw new CosignError('BAD_BUNDLE', 'the in-toto statement has no subject list');
  const hex = sha256.toString('hex');
  for (const s of statement.subject) {
    const digest = isRecord(s) && isRecord(s.digest) ? s.digest.sha256 : undefined;
    if (typeof digest === 'string' && digest.toLowerCase() === hex) return isRecord(s) && typeof s.name === 'string' ? s.name : '';
  }
  throw new CosignError('ARTIFACT_MISMATCH', `no in-toto subject has the artifact's sha256 ${hex}`);
}
