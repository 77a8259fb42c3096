import { describe, expect, it } from 'vitest';
import {
  certificateChainBundle,
  clone,
  makeCertificateChain,
  makeCosignFixtures,
} from '../../../../fixtures/verify/cosign/make-cosign-fixtures.ts';
import { parseBundle } from './bundle-checks.ts';

const IDENTITY = 'https://example.com/ci/release.yml@refs/heads/main';
const fx = makeCosignFixtures();

describe('bundle parsing', () => {
  it('reads our own v0.3 message and DSSE bundles', () => {
    expect(parseBundle(fx.messageBundle).content.$case).toBe('messageSignature');
    expect(parseBundle(fx.dsseBundle).content.$case).toBe('dsseEnvelope');
  });

  it('refuses what is not a bundle object', () => {
    expect(() => parseBundle('{}')).toThrow('the bundle is not a JSON object');
    expect(() => parseBundle(null)).toThrowError(expect.objectContaining({ code: 'BAD_BUNDLE' }));
  });

  it('refuses versions outside v0.1–v0.3', () => {
    for (const mediaType of ['application/vnd.dev.sigstore.bundle+json;version=0.4', 'application/vnd.dev.sigstore.bundle.v0.4+json', undefined]) {
      const b = { ...clone(fx.messageBundle), mediaType };
      expect(() => parseBundle(b)).toThrow(`unsupported bundle mediaType ${JSON.stringify(mediaType)}`);
    }
  });

  it("reports the library's structural findings with the fields it names", () => {
    const b = clone(fx.messageBundle) as { messageSignature: { signature: string } };
    b.messageSignature.signature = '';
    expect(() => parseBundle(b)).toThrow('invalid bundle (content.messageSignature.signature)');
  });

  it('refuses a negative or malformed log index', () => {
    const b = clone(fx.messageBundle) as { verificationMaterial: { tlogEntries: unknown[] } };
    b.verificationMaterial.tlogEntries = [
      { logIndex: '-1', logId: { keyId: 'AA==' }, kindVersion: { kind: 'hashedrekord', version: '0.0.1' }, integratedTime: '1', canonicalizedBody: 'e30=', inclusionProof: { logIndex: '1', rootHash: 'AA==', treeSize: '2', hashes: [], checkpoint: { envelope: 'x' } } },
    ];
    expect(() => parseBundle(b)).toThrow('verificationMaterial.tlogEntries[0].logIndex "-1" is not a non-negative integer');
  });
});

describe('root certificates inside a bundle', () => {
  it('refuses a chain that carries its root, naming where it sits', async () => {
    const { rootDer, leafDer, leafKey } = await makeCertificateChain(IDENTITY);
    const b = certificateChainBundle(fx.payload, [leafDer, rootDer], leafKey);
    expect(() => parseBundle(b)).toThrow(
      'verificationMaterial.x509CertificateChain.certificates[1] is a root (self-issued) certificate; trust roots come only from the pinned trusted root',
    );
    expect(() => parseBundle(b)).toThrowError(expect.objectContaining({ code: 'ROOT_CERT_IN_BUNDLE' }));
  });

  it('refuses a self-issued signing certificate, and accepts the leaf alone', async () => {
    const { rootDer, leafDer, leafKey } = await makeCertificateChain(IDENTITY);
    expect(() => parseBundle(certificateChainBundle(fx.payload, [rootDer], leafKey))).toThrow('certificates[0] is a root (self-issued) certificate');
    expect(parseBundle(certificateChainBundle(fx.payload, [leafDer], leafKey)).verificationMaterial.content.$case).toBe('x509CertificateChain');
  });

  it('refuses a certificate that is not DER', async () => {
    const { leafKey } = await makeCertificateChain(IDENTITY);
    const b = certificateChainBundle(fx.payload, [Buffer.from('not a certificate')], leafKey);
    expect(() => parseBundle(b)).toThrow('verificationMaterial.x509CertificateChain.certificates[0] is not a DER certificate');
  });
});
