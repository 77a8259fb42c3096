import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { signPayload, spkiFingerprint, verifyPayloadSignature } from './pack-signing.ts';

/** A DSSE envelope (https://github.com/secure-systems-lab/dsse, envelope.md): base64 payload, one or more signatures. */
export const DsseEnvelope = z.object({
  payloadType: z.string().min(1),
  payload: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'standard base64'),
  signatures: z.array(z.object({ keyid: z.string(), sig: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'standard base64') })).min(1),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelope>;

/** DSSE pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${payload.length} `, 'ascii'), payload]);
}

/** Signs the payload's PAE with the key the way signPayload signs a manifest; keyid is the SPKI fingerprint. */
export function signDsse(privateKey: KeyObject, payloadType: string, payload: Buffer): DsseEnvelope {
  const sig = signPayload(privateKey, preAuthEncoding(payloadType, payload));
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: spkiFingerprint(privateKey), sig: sig.toString('base64') }] };
}

export interface DsseCheck {
  /** The decoded payload, when the envelope is well formed. */
  payload: Buffer | undefined;
  errors: string[];
}

/**
 * Parses an envelope and checks that a signature by `publicKey` (and, when given, with the
 * expected keyid) covers its PAE. Every problem is a line in `errors`, prefixed with `where`.
 */
export function verifyDsse(json: unknown, publicKey: KeyObject, where: string, expectedKeyId?: string): DsseCheck {
  const parsed = DsseEnvelope.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { payload: undefined, errors: [`${where}: not a DSSE envelope (${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'})`] };
  }
  const env = parsed.data;
  const payload = Buffer.from(env.payload, 'base64');
  const pae = preAuthEncoding(env.payloadType, payload);
  const errors: string[] = [];
  const candidates = expectedKeyId === undefined ? env.signatures : env.signatures.filter((s) => s.keyid === expectedKeyId);
  if (candidates.length === 0) errors.push(`${where}: no signature with keyid ${expectedKeyId} (the pack signer's key fingerprint)`);
  else if (!candidates.some((s) => verifyPayloadSignature(publicKey, pae, Buffer.from(s.sig, 'base64')))) {
    errors.push(`${where}: the signature does not verify with the pack signer's key`);
  }
  return { payload, errors };
}
