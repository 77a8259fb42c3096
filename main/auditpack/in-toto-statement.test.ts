import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { preAuthEncoding, verifyDsse } from '../provenance/pack/dsse-envelope.ts';
import { AUDIT_PACK_PREDICATE_TYPE, auditPackDsse, auditPackStatement, type AuditPackPredicate } from './in-toto-statement.ts';

const PREDICATE: AuditPackPredicate = {
  org: 'acme',
  period: { from: '2025-11-28T12:00:00.000Z', to: '2026-11-28T12:00:00.000Z' },
  at: '2026-11-28T12:00:00.000Z',
  merkleRoot: 'ab'.repeat(32),
  indexSha256: 'cd'.repeat(32),
  workbench: { version: '0.1.0', store: 'sqlite' },
};
const h = (s: string) => createHash('sha256').update(s).digest('hex');

describe('in-toto statement of an audit pack', () => {
  it('names every file as a subject in bytewise path order', () => {
    const s = auditPackStatement(
      [
        { path: 'report.pdf', sha256: h('r') },
        { path: 'Z.txt', sha256: h('z') },
        { path: 'index.json', sha256: h('i') },
      ],
      PREDICATE,
    );
    expect(s).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'Z.txt', digest: { sha256: h('z') } },
        { name: 'index.json', digest: { sha256: h('i') } },
        { name: 'report.pdf', digest: { sha256: h('r') } },
      ],
      predicateType: 'https://compliance-workbench.dev/audit-pack/v1',
      predicate: PREDICATE,
    });
    expect(AUDIT_PACK_PREDICATE_TYPE).toBe(s.predicateType);
  });

  it('computes the DSSE PAE as the spec example gives it', () => {
    // From the DSSE protocol document: PAE("http://example.com/HelloWorld", "hello world").
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    // Lengths are bytes, not characters.
    expect(preAuthEncoding('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('signs the canonical statement over its PAE with the SPKI fingerprint as keyid, the same bytes every time', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const statement = auditPackStatement([{ path: 'index.json', sha256: h('i') }], PREDICATE);
    const bytes = auditPackDsse(privateKey, statement);
    expect(auditPackDsse(privateKey, statement).equals(bytes)).toBe(true);
    const env = JSON.parse(bytes.toString('utf8'));
    expect(bytes.toString('utf8')).toBe(canonicalize(env) + '\n');
    expect(Object.keys(env)).toEqual(['payload', 'payloadType', 'signatures']);
    expect(env.payloadType).toBe('application/vnd.in-toto+json');
    const payload = Buffer.from(env.payload, 'base64');
    expect(payload.toString('utf8')).toBe(canonicalize(statement));
    const keyid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    expect(env.signatures).toEqual([{ keyid, sig: expect.any(String) }]);
    expect(verify(null, preAuthEncoding(env.payloadType, payload), publicKey, Buffer.from(env.signatures[0].sig, 'base64'))).toBe(true);
    expect(verifyDsse(env, publicKey, 'x', keyid)).toEqual({ payload, errors: [] });
    expect(verifyDsse(env, generateKeyPairSync('ed25519').publicKey, 'x', keyid).errors).toEqual(["x: the signature does not verify with the pack signer's key"]);
  });
});
