import { createHash } from 'node:crypto';
import type { ArtifactVerification } from '../../shared/api/appeals.ts';
import { DecisionArtifact as DecisionArtifactSchema, artifactBody } from '../../shared/domain/decision-artifact.ts';
import type { DecisionArtifact, DecisionArtifactBody } from '../../shared/domain/decision-artifact.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import { canonicalJson } from '../store/audit-hash.ts';
import { ed25519PublicKeyFromRaw, keyIdOf, verifyEd25519, type WorkbenchKey } from './workbench-key.ts';
import type { KeyObject } from 'node:crypto';

export const GENESIS_ARTIFACT_HASH = '0'.repeat(64);

/** The exact bytes an artifact's hash and signature cover: RFC 8785 canonical JSON of the body. */
export function artifactSigningBytes(body: DecisionArtifactBody): Buffer {
  return Buffer.from(canonicalJson(body), 'utf8');
}

export function artifactHash(body: DecisionArtifactBody): string {
  return createHash('sha256').update(artifactSigningBytes(body)).digest('hex');
}

/** Hashes and signs a body; the result is byte-for-byte what is stored and served. */
export function sealArtifact(body: DecisionArtifactBody, key: WorkbenchKey): DecisionArtifact {
  const bytes = artifactSigningBytes(body);
  return {
    ...body,
    hash: createHash('sha256').update(bytes).digest('hex'),
    signature: {
      algorithm: 'Ed25519',
      keyId: key.keyId,
      publicKey: key.publicKeyRaw.toString('base64'),
      value: key.sign(bytes).toString('base64'),
    },
  };
}

export interface VerifyArtifactOptions {
  /** The workbench public key the verifier trusts (never the one the artifact carries). */
  trustedKey: KeyObject | Uint8Array;
  /** The hash the artifact must point back to (its predecessor's, or genesis for seq 1); omit to skip. */
  expectedPreviousHash?: string;
  /** The audit event the artifact claims to decide; omit to skip the pin check. */
  denialEvent?: Pick<AuditEvent, 'id' | 'hash' | 'decision' | 'actorId' | 'action' | 'resourceType' | 'resourceId'> | null;
}

/**
 * Verifies one artifact: schema, hash, signature under the trusted key, chain link, and the
 * denial event it pins. Fails closed: anything that throws is a failed verification with
 * the error in the result, never an exception and never "ok".
 */
export function verifyArtifact(candidate: unknown, opts: VerifyArtifactOptions): ArtifactVerification {
  const id = typeof (candidate as { id?: unknown })?.id === 'string' ? (candidate as { id: string }).id : '(unknown)';
  const checks: ArtifactVerification['checks'] = [];
  try {
    const parsed = DecisionArtifactSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      checks.push({ name: 'schema', ok: false, detail: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
      return { artifactId: id, ok: false, checks, error: null };
    }
    const a = parsed.data;
    checks.push({ name: 'schema', ok: true, detail: a.type });
    const body = artifactBody(a);
    const hash = artifactHash(body);
    checks.push({ name: 'hash', ok: hash === a.hash, detail: hash === a.hash ? hash : `recomputed ${hash}, artifact says ${a.hash}` });

    const trusted = opts.trustedKey instanceof Uint8Array ? ed25519PublicKeyFromRaw(opts.trustedKey) : opts.trustedKey;
    const trustedRaw = Buffer.from(trusted.export({ type: 'spki', format: 'der' }).subarray(-32));
    const trustedId = keyIdOf(trustedRaw);
    const keyMatches = a.signature.keyId === trustedId;
    checks.push({ name: 'key', ok: keyMatches, detail: keyMatches ? trustedId : `signed by key ${a.signature.keyId}, trusted key is ${trustedId}` });
    const sigOk = verifyEd25519(trusted, artifactSigningBytes(body), Buffer.from(a.signature.value, 'base64'));
    checks.push({ name: 'signature', ok: sigOk, detail: sigOk ? 'Ed25519 signature valid under the trusted key' : 'signature does not verify under the trusted key' });

    if (opts.expectedPreviousHash !== undefined) {
      const linked = a.previousHash === opts.expectedPreviousHash;
      checks.push({
        name: 'chain',
        ok: linked,
        detail: linked ? `follows ${a.previousHash}` : `previousHash ${a.previousHash}, expected ${opts.expectedPreviousHash}`,
      });
    }
    if (opts.denialEvent !== undefined) {
      const ev = opts.denialEvent;
      const problems: string[] = [];
      if (ev === null) problems.push(`audit event ${a.denial.eventId} does not exist`);
      else {
        if (ev.id !== a.denial.eventId) problems.push(`event id ${ev.id} ≠ ${a.denial.eventId}`);
        if (ev.hash !== a.denial.eventHash) problems.push(`event hash ${ev.hash} ≠ ${a.denial.eventHash}`);
        if (ev.decision !== 'deny') problems.push(`event ${ev.id} is not a denial`);
        for (const k of ['actorId', 'action', 'resourceType', 'resourceId'] as const) if (ev[k] !== a.denial[k]) problems.push(`${k} ${ev[k]} ≠ ${a.denial[k]}`);
      }
      checks.push({ name: 'denial', ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `pins ${a.denial.eventId} (${a.denial.eventHash})` });
    }
    return { artifactId: a.id, ok: checks.every((c) => c.ok), checks, error: null };
  } catch (e) {
    return { artifactId: id, ok: false, checks, error: (e as Error).message };
  }
}
