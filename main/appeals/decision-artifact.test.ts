import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DECISION_ARTIFACT_TYPE, type DecisionArtifactBody } from '../../shared/domain/decision-artifact.ts';
import { GENESIS_ARTIFACT_HASH, artifactHash, artifactSigningBytes, sealArtifact, verifyArtifact } from './decision-artifact.ts';
import { loadOrCreateWorkbenchKey, workbenchKeyFromPem } from './workbench-key.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-artifact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = loadOrCreateWorkbenchKey(dir);

const DENIAL = {
  id: 'ae-000013',
  hash: 'a'.repeat(64),
  decision: 'deny' as const,
  actorId: 'arun',
  action: 'evidence.export',
  resourceType: 'evidence',
  resourceId: 'ev-001',
};

const BODY: DecisionArtifactBody = {
  type: DECISION_ARTIFACT_TYPE,
  seq: 1,
  id: 'da-000001',
  ticketId: 'ot-0003',
  denial: { eventId: DENIAL.id, eventHash: DENIAL.hash, actorId: 'arun', action: 'evidence.export', resourceType: 'evidence', resourceId: 'ev-001', reason: 'analysts export data up to internal' },
  outcome: 'modified',
  requester: 'arun',
  reviewer: { id: 'olga', displayName: 'Olga Ombuds' },
  rationale: 'A redacted export serves the walkthrough.',
  evidenceLinks: ['evidence:ev-001'],
  policy: { ids: ['export.analyst-sensitivity'], denialEpoch: 5, decisionEpoch: 6 },
  timestamps: { deniedAt: '2026-11-28T09:00:00.000Z', appealedAt: '2026-11-28T09:05:00.000Z', decidedAt: '2026-11-30T09:00:00.000Z' },
  exception: {
    id: 'px-0001',
    actorId: 'arun',
    action: 'evidence.export',
    resourceType: 'evidence',
    resourceId: 'ev-001',
    labels: { sensitivity: 'internal' },
    validFrom: '2026-11-30T09:00:00.000Z',
    validUntil: '2026-12-07T09:00:00.000Z',
  },
  previousHash: GENESIS_ARTIFACT_HASH,
};

const checksOf = (v: ReturnType<typeof verifyArtifact>) => Object.fromEntries(v.checks.map((c) => [c.name, c.ok]));

describe('decision artifacts', () => {
  it('are hashed over the RFC 8785 canonical body and signed with the workbench key', () => {
    const a = sealArtifact(BODY, key);
    expect(artifactSigningBytes(BODY).toString('utf8').startsWith('{"denial":{"action":"evidence.export","actorId":"arun"')).toBe(true);
    expect(a.hash).toBe(artifactHash(BODY));
    expect(a.signature).toMatchObject({ algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyRaw.toString('base64') });
    // Same body, same key: byte-identical artifact (Ed25519 is deterministic).
    expect(JSON.stringify(sealArtifact(structuredClone(BODY), key))).toBe(JSON.stringify(a));
    const v = verifyArtifact(a, { trustedKey: key.publicKey, expectedPreviousHash: GENESIS_ARTIFACT_HASH, denialEvent: DENIAL });
    expect(v).toEqual({
      artifactId: 'da-000001',
      ok: true,
      error: null,
      checks: [
        { name: 'schema', ok: true, detail: DECISION_ARTIFACT_TYPE },
        { name: 'hash', ok: true, detail: a.hash },
        { name: 'key', ok: true, detail: key.keyId },
        { name: 'signature', ok: true, detail: 'Ed25519 signature valid under the trusted key' },
        { name: 'chain', ok: true, detail: `follows ${GENESIS_ARTIFACT_HASH}` },
        { name: 'denial', ok: true, detail: `pins ae-000013 (${DENIAL.hash})` },
      ],
    });
    // The raw key verifies as well as the key object.
    expect(verifyArtifact(a, { trustedKey: key.publicKeyRaw }).ok).toBe(true);
  });

  it('an edited field breaks the hash and the signature', () => {
    const a = { ...sealArtifact(BODY, key), outcome: 'overturned' as const };
    const v = verifyArtifact(a, { trustedKey: key.publicKey });
    expect(v.ok).toBe(false);
    expect(checksOf(v)).toEqual({ schema: true, hash: false, key: true, signature: false });
    expect(v.checks[1]!.detail).toBe(`recomputed ${artifactHash({ ...BODY, outcome: 'overturned' })}, artifact says ${sealArtifact(BODY, key).hash}`);
  });

  it('a signature by another key fails even when the artifact names that key', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const other = workbenchKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'other.pem');
    const v = verifyArtifact(sealArtifact(BODY, other), { trustedKey: key.publicKey });
    expect(checksOf(v)).toEqual({ schema: true, hash: true, key: false, signature: false });
    expect(v.checks[2]!.detail).toBe(`signed by key ${other.keyId}, trusted key is ${key.keyId}`);
  });

  it('a broken chain link or a different denial event fails', () => {
    const a = sealArtifact(BODY, key);
    const v = verifyArtifact(a, { trustedKey: key.publicKey, expectedPreviousHash: 'b'.repeat(64), denialEvent: { ...DENIAL, hash: 'c'.repeat(64), decision: 'allow' } });
    expect(checksOf(v)).toEqual({ schema: true, hash: true, key: true, signature: true, chain: false, denial: false });
    expect(v.checks.find((c) => c.name === 'denial')!.detail).toBe(`event hash ${'c'.repeat(64)} ≠ ${DENIAL.hash}; event ae-000013 is not a denial`);
    expect(verifyArtifact(a, { trustedKey: key.publicKey, denialEvent: null }).checks.at(-1)).toEqual({
      name: 'denial',
      ok: false,
      detail: 'audit event ae-000013 does not exist',
    });
  });

  it('fails closed on anything that is not an artifact', () => {
    expect(verifyArtifact({ id: 'x' }, { trustedKey: key.publicKey })).toEqual({
      artifactId: 'x',
      ok: false,
      error: null,
      checks: [{ name: 'schema', ok: false, detail: 'type: Invalid input: expected "compliance-workbench.appeal-decision.v1"' }],
    });
    expect(verifyArtifact(null, { trustedKey: key.publicKey }).ok).toBe(false);
    const broken = verifyArtifact(sealArtifact(BODY, key), { trustedKey: new Uint8Array(5) });
    expect(broken).toMatchObject({ ok: false, error: 'an Ed25519 public key is 32 bytes, got 5' });
  });
});
