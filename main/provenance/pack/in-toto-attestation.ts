import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { Manifest, PluginReport } from '../../../shared/domain/provenance.ts';
import { verifyDsse } from './dsse-envelope.ts';
import { ATTESTATION_DIR, ATTESTATION_FILES } from './pack-layout.ts';
import { spkiFingerprint } from './pack-signing.ts';

export const IN_TOTO_DSSE_CHECK = 'in-toto-dsse';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
const WHERE = `${ATTESTATION_DIR}/${ATTESTATION_FILES.inTotoDsse}`;
/** A tampered pack can differ everywhere; the first lines say enough. */
const MAX_SUBJECT_ERRORS = 50;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The key the manifest was signed with: the leaf certificate's for an X.509 pack, else the
 * public key the verifier was given (`--key`). A key that is not the manifest's signer
 * (by SPKI fingerprint) is refused, so the statement is bound to the same signer.
 */
function signerKey(manifest: Manifest, chainDer: Uint8Array | undefined, publicKeyPem: unknown): { key?: KeyObject; error?: string } {
  let key: KeyObject;
  try {
    if (chainDer) key = new X509Certificate(chainDer).publicKey;
    else if (typeof publicKeyPem === 'string' && publicKeyPem !== '') key = createPublicKey(publicKeyPem);
    else return { error: `${WHERE}: no public key to check it with: give the pack signer's public key (--key)` };
  } catch (e) {
    return { error: `${WHERE}: the signer's public key cannot be read: ${(e as Error).message}` };
  }
  const fp = spkiFingerprint(key);
  if (manifest.signer.keyFingerprint !== null && fp !== manifest.signer.keyFingerprint) return { error: `${WHERE}: the key given (sha256:${fp}) is not the manifest's signer (sha256:${manifest.signer.keyFingerprint})` };
  return { key };
}

/** Compares the statement's subjects with the manifest's files: same names, same SHA-256, nothing more, nothing less. */
function subjectErrors(statement: Record<string, unknown>, manifest: Manifest): string[] {
  if (!Array.isArray(statement.subject)) return [`${WHERE}: the statement has no subject list`];
  const errors: string[] = [];
  const subjects = new Map<string, string>();
  for (const [i, s] of statement.subject.entries()) {
    const name = isRecord(s) && typeof s.name === 'string' ? s.name : undefined;
    const sha256 = isRecord(s) && isRecord(s.digest) && typeof s.digest.sha256 === 'string' ? s.digest.sha256 : undefined;
    if (name === undefined || sha256 === undefined) errors.push(`${WHERE}: subject[${i}] needs a name and a digest.sha256`);
    else if (subjects.has(name)) errors.push(`${WHERE}: subject ${name} is listed twice`);
    else subjects.set(name, sha256);
  }
  for (const f of manifest.files) {
    const got = subjects.get(f.path);
    if (got === undefined) errors.push(`${WHERE}: ${f.path} is in the manifest but not a subject of the statement`);
    else if (got !== f.sha256) errors.push(`${WHERE}: subject ${f.path} has sha256 ${got} but the manifest says ${f.sha256}`);
    subjects.delete(f.path);
  }
  for (const name of subjects.keys()) errors.push(`${WHERE}: subject ${name} is not a file of the manifest`);
  return errors.length > MAX_SUBJECT_ERRORS ? [...errors.slice(0, MAX_SUBJECT_ERRORS), `${WHERE}: ${errors.length - MAX_SUBJECT_ERRORS} more subject differences`] : errors;
}

/**
 * Checks attestations/in-toto.dsse.json: signed (DSSE PAE) by the manifest's signer, an
 * in-toto Statement v1 whose subjects are exactly the manifest's files. The report reads as
 * one more check beside the signature plugins; it never makes a pack verified on its own.
 */
export function checkInTotoAttestation(envelopeBytes: Buffer, manifest: Manifest, chainDer: Uint8Array | undefined, publicKeyPem: unknown): PluginReport {
  const report = (errors: string[], details: Record<string, unknown> = {}): PluginReport => ({ name: IN_TOTO_DSSE_CHECK, ok: errors.length === 0, errors, warnings: [], details });
  let json: unknown;
  try {
    json = JSON.parse(envelopeBytes.toString('utf8'));
  } catch (e) {
    return report([`${WHERE} is not JSON: ${(e as Error).message}`]);
  }
  const { key, error } = signerKey(manifest, chainDer, publicKeyPem);
  if (!key) return report([error!]);
  const { payload, errors } = verifyDsse(json, key, WHERE, manifest.signer.keyFingerprint ?? undefined);
  // What an unsigned statement says is not evidence: stop at the signature.
  if (!payload || errors.length) return report(errors);
  if ((json as { payloadType: string }).payloadType !== IN_TOTO_PAYLOAD_TYPE) return report([`${WHERE}: payloadType is not ${IN_TOTO_PAYLOAD_TYPE}`]);
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    return report([`${WHERE}: the payload is not JSON: ${(e as Error).message}`]);
  }
  if (!isRecord(statement) || statement._type !== IN_TOTO_STATEMENT_V1) return report([`${WHERE}: the payload is not an in-toto Statement v1`]);
  const details = {
    predicateType: typeof statement.predicateType === 'string' ? statement.predicateType : null,
    subjects: Array.isArray(statement.subject) ? statement.subject.length : 0,
  };
  return report(subjectErrors(statement, manifest), details);
}
