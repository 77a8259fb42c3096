import { createHash } from 'node:crypto';
import { envelopeFromJSON } from '@sigstore/bundle';
import { describe, expect, it } from 'vitest';
import { inTotoStatement, sha256Hex } from '../../../../fixtures/verify/cosign/make-cosign-fixtures.ts';
import { checkDsseArtifact, IN_TOTO_PAYLOAD_TYPE } from './dsse-subject.ts';

const artifact = Buffer.from('the manifest bytes');
const envelope = (payload: Buffer, payloadType = IN_TOTO_PAYLOAD_TYPE) =>
  envelopeFromJSON({ payload: payload.toString('base64'), payloadType, signatures: [{ sig: 'AA==', keyid: '' }] });

describe('DSSE envelope against the artifact', () => {
  const statement = inTotoStatement([
    { name: 'other', sha256: sha256Hex(Buffer.from('x')) },
    { name: 'manifest.json', sha256: sha256Hex(artifact).toUpperCase() },
  ]);

  it('finds the artifact among the in-toto subjects, from bytes or digest', () => {
    expect(checkDsseArtifact(envelope(statement), { kind: 'bytes', bytes: artifact })).toBe('manifest.json');
    expect(checkDsseArtifact(envelope(statement), { kind: 'digest', sha256: createHash('sha256').update(artifact).digest() })).toBe('manifest.json');
  });

  it('refuses an artifact no subject names', () => {
    const other = Buffer.from('not it');
    expect(() => checkDsseArtifact(envelope(statement), { kind: 'bytes', bytes: other })).toThrow(`no in-toto subject has the artifact's sha256 ${sha256Hex(other)}`);
  });

  it('refuses an in-toto payload that is not a statement', () => {
    expect(() => checkDsseArtifact(envelope(Buffer.from('{')), { kind: 'bytes', bytes: artifact })).toThrow('the DSSE in-toto payload is not JSON');
    expect(() => checkDsseArtifact(envelope(Buffer.from('{"_type":"x","subject":[]}')), { kind: 'bytes', bytes: artifact })).toThrow(
      'the DSSE in-toto payload is not an in-toto statement',
    );
    expect(() => checkDsseArtifact(envelope(Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}')), { kind: 'bytes', bytes: artifact })).toThrow(
      'the in-toto statement has no subject list',
    );
  });

  it('requires any other payload to be the artifact itself', () => {
    const env = envelope(artifact, 'application/json');
    expect(checkDsseArtifact(env, { kind: 'bytes', bytes: artifact })).toBeUndefined();
    expect(checkDsseArtifact(env, { kind: 'digest', sha256: createHash('sha256').update(artifact).digest() })).toBeUndefined();
    expect(() => checkDsseArtifact(env, { kind: 'bytes', bytes: Buffer.from('x') })).toThrow('the DSSE payload (application/json) is not the artifact');
  });
});
