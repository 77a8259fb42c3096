import { createHash } from 'node:crypto';
import { canonicalJson, type CanonicalValue } from './canonical-json.ts';
import type { PlanPolicy } from './diff-plan.ts';
import { ed25519PublicKeyFromRaw, keyIdOf, verifyEd25519, type WorkbenchKey } from '../appeals/workbench-key.ts';
import type { Receipt } from './vector-backend.ts';

export const CERTIFICATE_FORMAT = 'compliance-workbench/erasure-certificate@1';

export interface CertificateShard {
  shard: number;
  vectors: number;
  batches: number;
}

export interface CertificateBody {
  format: typeof CERTIFICATE_FORMAT;
  jobId: string;
  planHash: string;
  policy: PlanPolicy;
  store: { kind: string; shards: number; dimension: number };
  recalledAt: string;
  erased: { vectors: number; batches: number; shards: CertificateShard[] };
  /** Hash chain over the receipts in batch order: h0 = 64 zeros, hn = SHA-256(hn-1 ‖ canonical(receipt n)). */
  receiptsChain: string;
  /** The policy predicate re-run after the purge: rows still matching it. */
  remainingMatching: number;
  issuedAt: string;
  issuer: { keyId: string; publicKey: string };
}

export interface ErasureCertificate {
  body: CertificateBody;
  signature: { algorithm: 'Ed25519'; keyId: string; value: string };
}

export function receiptValue(r: Receipt): CanonicalValue {
  return { jobId: r.jobId, batch: r.seq, shard: r.shard, firstId: r.firstId, lastId: r.lastId, count: r.count, digest: r.digest };
}

/** The receipts' hash chain, in batch order. */
export function receiptsChain(receipts: readonly Receipt[]): string {
  let h = '0'.repeat(64);
  for (const r of [...receipts].sort((a, b) => a.seq - b.seq)) {
    h = createHash('sha256').update(h).update(canonicalJson(receiptValue(r))).digest('hex');
  }
  return h;
}

export function signingBytes(body: CertificateBody): Buffer {
  return Buffer.from(canonicalJson(body as unknown as CanonicalValue), 'utf8');
}

/** What signing a certificate needs of the workbench key. */
export type CertificateSigner = Pick<WorkbenchKey, 'keyId' | 'publicKeyRaw' | 'sign'>;

export function issueCertificate(
  input: Omit<CertificateBody, 'format' | 'erased' | 'receiptsChain' | 'issuer'> & { receipts: readonly Receipt[]; shards: number },
  key: CertificateSigner,
): ErasureCertificate {
  const perShard: CertificateShard[] = [];
  for (let s = 0; s < input.shards; s++) perShard.push({ shard: s, vectors: 0, batches: 0 });
  let vectors = 0;
  for (const r of input.receipts) {
    perShard[r.shard]!.vectors += r.count;
    perShard[r.shard]!.batches += 1;
    vectors += r.count;
  }
  const body: CertificateBody = {
    format: CERTIFICATE_FORMAT,
    jobId: input.jobId,
    planHash: input.planHash,
    policy: input.policy,
    store: input.store,
    recalledAt: input.recalledAt,
    erased: { vectors, batches: input.receipts.length, shards: perShard.filter((s) => s.batches > 0) },
    receiptsChain: receiptsChain(input.receipts),
    remainingMatching: input.remainingMatching,
    issuedAt: input.issuedAt,
    issuer: { keyId: key.keyId, publicKey: key.publicKeyRaw.toString('base64') },
  };
  return { body, signature: { algorithm: 'Ed25519', keyId: key.keyId, value: key.sign(signingBytes(body)).toString('base64') } };
}

export interface CertificateCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Checks a certificate: the signature under the key it names (and, when given, that this is
 * the trusted key), and — when the receipts are given — that they chain to what it says.
 * Never throws: a malformed certificate fails its checks.
 */
export function checkCertificate(cert: ErasureCertificate, opts: { trustedKeyId?: string; receipts?: readonly Receipt[] } = {}): CertificateCheck[] {
  const checks: CertificateCheck[] = [];
  try {
    const raw = Buffer.from(cert.body.issuer.publicKey, 'base64');
    const keyOk = keyIdOf(raw) === cert.body.issuer.keyId && cert.signature.keyId === cert.body.issuer.keyId;
    checks.push({ name: 'key id', ok: keyOk, detail: keyOk ? `key ${cert.body.issuer.keyId}` : 'the key id does not match the public key' });
    if (opts.trustedKeyId !== undefined) {
      const trusted = cert.body.issuer.keyId === opts.trustedKeyId;
      checks.push({ name: 'trusted key', ok: trusted, detail: trusted ? 'signed by the workbench key' : `signed by ${cert.body.issuer.keyId}, not the workbench key ${opts.trustedKeyId}` });
    }
    // A key of the wrong length is a signature that does not verify, not a malformed certificate.
    const sigOk =
      cert.signature.algorithm === 'Ed25519' &&
      raw.length === 32 &&
      verifyEd25519(ed25519PublicKeyFromRaw(raw), signingBytes(cert.body), Buffer.from(cert.signature.value, 'base64'));
    checks.push({ name: 'signature', ok: sigOk, detail: sigOk ? 'Ed25519 signature valid' : 'signature does not verify' });
    if (opts.receipts) {
      const chain = receiptsChain(opts.receipts);
      const ok = chain === cert.body.receiptsChain;
      checks.push({ name: 'receipts chain', ok, detail: ok ? `${opts.receipts.length} receipts chain to ${chain}` : `the receipts chain to ${chain}, the certificate says ${cert.body.receiptsChain}` });
    }
  } catch (e) {
    checks.push({ name: 'certificate', ok: false, detail: `malformed certificate: ${(e as Error).message}` });
  }
  return checks;
}
