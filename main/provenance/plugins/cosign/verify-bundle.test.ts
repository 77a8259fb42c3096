import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_V03,
  certificateChainBundle,
  clone,
  dsseBundle,
  flipBase64,
  IN_TOTO,
  inTotoStatement,
  makeCertificateChain,
  makeCosignFixtures,
  messageSignatureBundle,
  sha256Hex,
} from '../../../../fixtures/verify/cosign/make-cosign-fixtures.ts';
import type { ArtifactInput } from './artifact-input.ts';
import { EMPTY_TRUSTED_ROOT } from './trusted-root.ts';
import { verifySigstoreBundle, type VerifyBundleRequest } from './verify-bundle.ts';

const NO_ENTRY_WARNING = 'the bundle carries no transparency-log entry and no timestamp: when it was signed is not attested';
const SIGNATURE_FAILED = 'SIGSTORE: SIGNATURE_ERROR: signature verification failed';

const bytes = (b: Uint8Array): ArtifactInput => ({ kind: 'bytes', bytes: b });
const digest = (b: Uint8Array): ArtifactInput => ({ kind: 'digest', sha256: createHash('sha256').update(b).digest() });
const errorsOf = (req: VerifyBundleRequest) => verifySigstoreBundle(req).errors;

type MessageBundle = { messageSignature: { signature: string; messageDigest: { digest: string } } };
type DsseBundle = { dsseEnvelope: { payload: string; signatures: { sig: string }[] } };

describe('key-based message signature (own fixtures, P-256)', () => {
  const fx = makeCosignFixtures('p256');
  const req = (over: Partial<VerifyBundleRequest> = {}): VerifyBundleRequest => ({ bundle: fx.messageBundle, artifact: bytes(fx.payload), publicKey: fx.key.publicKeyPem, ...over });

  it('verifies over the bytes with zero thresholds only because it carries no entry', () => {
    const r = verifySigstoreBundle(req());
    expect(r).toEqual({
      ok: true,
      errors: [],
      warnings: [NO_ENTRY_WARNING],
      details: {
        artifactSha256: sha256Hex(fx.payload),
        bundleMediaType: BUNDLE_V03,
        content: 'messageSignature',
        verificationMaterial: 'publicKey',
        thresholds: { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 },
        publicKeyHint: (fx.messageBundle as { verificationMaterial: { publicKey: { hint: string } } }).verificationMaterial.publicKey.hint,
        tlogEntries: [],
        timestamps: [],
      },
    });
  });

  it('verifies from the SHA-256 digest alone', () => {
    expect(verifySigstoreBundle(req({ artifact: digest(fx.payload) })).ok).toBe(true);
  });

  it('gives byte-identical results for the same inputs', () => {
    expect(JSON.stringify(verifySigstoreBundle(req()))).toBe(JSON.stringify(verifySigstoreBundle(req())));
  });

  it('refuses other bytes: the bundle digest names the signed ones', () => {
    const other = Buffer.from(fx.payload.toString().replace('evidence', 'Evidence'));
    expect(errorsOf(req({ artifact: bytes(other) }))).toEqual(["ARTIFACT_MISMATCH: the bundle's messageDigest is not the artifact's sha256 digest"]);
    expect(errorsOf(req({ artifact: digest(other) }))).toEqual(["ARTIFACT_MISMATCH: the bundle's messageDigest is not the given sha256 digest"]);
  });

  it('refuses other bytes even when the bundle digest was rewritten to match them', () => {
    const other = Buffer.from('a different manifest');
    const b = clone(fx.messageBundle) as MessageBundle;
    b.messageSignature.messageDigest.digest = createHash('sha256').update(other).digest('base64');
    expect(errorsOf(req({ bundle: b, artifact: bytes(other) }))).toEqual([SIGNATURE_FAILED]);
    expect(errorsOf(req({ bundle: b, artifact: digest(other) }))).toEqual([SIGNATURE_FAILED]);
  });

  it('refuses a flipped signature bit, over bytes and over the digest', () => {
    const b = clone(fx.messageBundle) as MessageBundle;
    b.messageSignature.signature = flipBase64(b.messageSignature.signature, 40);
    expect(errorsOf(req({ bundle: b }))).toEqual([SIGNATURE_FAILED]);
    expect(errorsOf(req({ bundle: b, artifact: digest(fx.payload) }))).toEqual([SIGNATURE_FAILED]);
  });

  it('refuses another key', () => {
    expect(errorsOf(req({ publicKey: fx.otherKey.publicKeyPem }))).toEqual([SIGNATURE_FAILED]);
    expect(errorsOf(req({ publicKey: fx.otherKey.publicKeyPem, artifact: digest(fx.payload) }))).toEqual([SIGNATURE_FAILED]);
  });

  it('needs the key, and nothing else, to check a key-based bundle', () => {
    expect(errorsOf(req({ publicKey: undefined }))).toEqual(['NO_TRUST: the bundle is signed with a public key but no public key was given']);
    expect(errorsOf(req({ identity: 'a', issuer: 'b' }))).toEqual([
      'KEY_MISMATCH: the bundle is signed with a public key: an expected identity/issuer cannot be checked against it',
    ]);
    expect(errorsOf(req({ publicKey: 'not a pem' }))).toEqual(['BAD_INPUT: the public key is not PEM text']);
    expect(verifySigstoreBundle(req({ publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' })).details.errorCode).toBe('BAD_INPUT');
  });

  it('keeps the default thresholds for a key-based bundle that carries entries', () => {
    const b = clone(fx.messageBundle) as { verificationMaterial: { timestampVerificationData: { rfc3161Timestamps: unknown[] } } };
    b.verificationMaterial.timestampVerificationData.rfc3161Timestamps = [{ signedTimestamp: 'MAA=' }];
    expect(errorsOf(req({ bundle: b }))).toEqual(['NO_TRUST: no trusted root was given and the bundle needs one (certificate, log entry or timestamp)']);
    const r = verifySigstoreBundle(req({ bundle: b, trustedRoot: EMPTY_TRUSTED_ROOT }));
    expect(r.ok).toBe(false);
    expect(r.details.thresholds).toEqual({ tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  });
});

describe('key-based message signature, other key types', () => {
  it('P-384 with SHA-384: verifies over bytes; a sha256 digest cannot be checked', () => {
    const fx = makeCosignFixtures('p384');
    expect(verifySigstoreBundle({ bundle: fx.messageBundle, artifact: bytes(fx.payload), publicKey: fx.key.publicKeyPem }).ok).toBe(true);
    expect(errorsOf({ bundle: fx.messageBundle, artifact: digest(fx.payload), publicKey: fx.key.publicKeyPem })).toEqual([
      'UNSUPPORTED: the bundle signs a sha384 digest; a sha256: artifact digest cannot be checked against it',
    ]);
  });

  it('Ed25519: verifies over bytes; refuses digest-only (EdDSA signs the message, not a hash)', () => {
    const fx = makeCosignFixtures('ed25519');
    expect(verifySigstoreBundle({ bundle: fx.messageBundle, artifact: bytes(fx.payload), publicKey: fx.key.publicKeyPem }).ok).toBe(true);
    expect(errorsOf({ bundle: fx.messageBundle, artifact: digest(fx.payload), publicKey: fx.key.publicKeyPem })).toEqual([
      'UNSUPPORTED: digest-only verification needs an ECDSA key; this key is ed25519',
    ]);
    expect(errorsOf({ bundle: fx.messageBundle, artifact: bytes(fx.payload), publicKey: fx.otherKey.publicKeyPem })).toEqual([SIGNATURE_FAILED]);
  });
});

describe('key-based DSSE envelope (own fixtures)', () => {
  const fx = makeCosignFixtures('p256');
  const req = (over: Partial<VerifyBundleRequest> = {}): VerifyBundleRequest => ({ bundle: fx.dsseBundle, artifact: bytes(fx.payload), publicKey: fx.key.publicKeyPem, ...over });

  it('verifies when the artifact is an in-toto subject, from bytes or digest', () => {
    const r = verifySigstoreBundle(req());
    expect(r.ok).toBe(true);
    expect(r.details.inTotoSubject).toBe('manifest.json');
    expect(r.details.content).toBe('dsseEnvelope');
    expect(verifySigstoreBundle(req({ artifact: digest(fx.payload) })).ok).toBe(true);
  });

  it('refuses an artifact the statement does not name', () => {
    const other = Buffer.from('other');
    expect(errorsOf(req({ artifact: bytes(other) }))).toEqual([`ARTIFACT_MISMATCH: no in-toto subject has the artifact's sha256 ${sha256Hex(other)}`]);
  });

  it('refuses a statement rewritten to name another artifact', () => {
    const other = Buffer.from('other');
    const b = clone(fx.dsseBundle) as DsseBundle;
    b.dsseEnvelope.payload = inTotoStatement([{ name: 'manifest.json', sha256: sha256Hex(other) }]).toString('base64');
    expect(errorsOf(req({ bundle: b, artifact: bytes(other) }))).toEqual([SIGNATURE_FAILED]);
  });

  it('refuses a flipped signature bit and another key', () => {
    const b = clone(fx.dsseBundle) as DsseBundle;
    b.dsseEnvelope.signatures[0]!.sig = flipBase64(b.dsseEnvelope.signatures[0]!.sig, 40);
    expect(errorsOf(req({ bundle: b }))).toEqual([SIGNATURE_FAILED]);
    expect(errorsOf(req({ publicKey: fx.otherKey.publicKeyPem }))).toEqual([SIGNATURE_FAILED]);
  });

  it('takes a non-in-toto payload only when it is the artifact itself', () => {
    const b = dsseBundle(fx.payload, 'application/vnd.compliance-workbench.manifest+json', fx.key);
    expect(verifySigstoreBundle(req({ bundle: b })).ok).toBe(true);
    expect(errorsOf(req({ bundle: b, artifact: bytes(Buffer.from('x')) }))).toEqual([
      'ARTIFACT_MISMATCH: the DSSE payload (application/vnd.compliance-workbench.manifest+json) is not the artifact',
    ]);
  });

  it('verifies an Ed25519 envelope from the digest too (the signature covers the envelope, not the artifact)', () => {
    const ed = makeCosignFixtures('ed25519');
    const b = dsseBundle(inTotoStatement([{ name: 'm', sha256: sha256Hex(ed.payload) }]), IN_TOTO, ed.key);
    expect(verifySigstoreBundle({ bundle: b, artifact: digest(ed.payload), publicKey: ed.key.publicKeyPem }).ok).toBe(true);
  });
});

describe('keyless bundles without pinned trust or entries', () => {
  const fx = makeCosignFixtures();
  const IDENTITY = 'https://example.com/ci/release.yml@refs/heads/main';

  it('never verifies a certificate bundle with no log entry or timestamp', async () => {
    const { leafDer, leafKey } = await makeCertificateChain(IDENTITY);
    const b = certificateChainBundle(fx.payload, [leafDer], leafKey);
    const base = { bundle: b, artifact: bytes(fx.payload), identity: IDENTITY, issuer: 'https://issuer.example' };
    expect(errorsOf(base)).toEqual(['NO_TRUST: no trusted root was given and the bundle needs one (certificate, log entry or timestamp)']);
    expect(errorsOf({ ...base, trustedRoot: EMPTY_TRUSTED_ROOT })).toEqual(['SIGSTORE: TIMESTAMP_ERROR: expected 1 timestamps, got 0']);
  });

  it('needs an identity and an issuer, and no public key', async () => {
    const { leafDer, leafKey } = await makeCertificateChain(IDENTITY);
    const b = certificateChainBundle(fx.payload, [leafDer], leafKey);
    expect(errorsOf({ bundle: b, artifact: bytes(fx.payload), identity: IDENTITY })).toEqual([
      'BAD_INPUT: a keyless bundle needs both an expected identity and an expected issuer',
    ]);
    expect(errorsOf({ bundle: b, artifact: bytes(fx.payload), publicKey: fx.key.publicKeyPem })).toEqual([
      'KEY_MISMATCH: a public key was given but the bundle is signed with a certificate (keyless)',
    ]);
  });
});

describe('malformed input fails closed', () => {
  it.each([
    ['a string', '{"mediaType":'],
    ['odd shapes', { mediaType: BUNDLE_V03, verificationMaterial: 5, messageSignature: 7 }],
    ['a non-certificate', { mediaType: BUNDLE_V03, verificationMaterial: { certificate: { rawBytes: 'AAAA' }, tlogEntries: [] }, messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: 'AA==' }, signature: 'AA==' } }],
  ])('%s', (_what, bundle) => {
    const r = verifySigstoreBundle({ bundle, artifact: bytes(Buffer.from('x')), identity: 'a', issuer: 'b', trustedRoot: EMPTY_TRUSTED_ROOT });
    expect(r.ok).toBe(false);
    expect(r.details.errorCode).toBe('BAD_BUNDLE');
  });

  it('a trusted root without validity start is refused before anything else', () => {
    const fx = makeCosignFixtures();
    const root = { ...EMPTY_TRUSTED_ROOT, ctlogs: [{ publicKey: { validFor: {} } }] };
    const b = messageSignatureBundle(fx.payload, fx.key);
    expect(errorsOf({ bundle: b, artifact: bytes(fx.payload), publicKey: fx.key.publicKeyPem, trustedRoot: root })).toEqual([
      'BAD_TRUSTED_ROOT: ctlogs[0].publicKey.validFor.start is missing',
    ]);
  });
});

// Keyless material comes from the public sigstore-conformance corpus, read in place.
const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/corpus/sigstore-conformance');
const HAVE_CORPUS = existsSync(join(CORPUS, 'cases'));

describe.skipIf(!HAVE_CORPUS)('keyless bundles from sigstore-conformance [skipped when ../shared/corpus/sigstore-conformance is absent]', () => {
  const ID = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const json = (rel: string): unknown => JSON.parse(readFileSync(join(CORPUS, rel), 'utf8'));
  const aTxt = () => readFileSync(join(CORPUS, 'cases', 'a.txt'));
  const production = () => json('production_trusted_root.json');
  const v03 = (over: Partial<VerifyBundleRequest> = {}): VerifyBundleRequest => ({
    bundle: json('cases/happy-path-v0.3/bundle.sigstore.json'),
    artifact: bytes(aTxt()),
    trustedRoot: production(),
    identity: ID,
    issuer: ISSUER,
    ...over,
  });

  it('verifies a v0.3 bundle and reports signer, issuer, log entry and time', () => {
    const r = verifySigstoreBundle(v03());
    expect(r).toEqual({
      ok: true,
      errors: [],
      warnings: [],
      details: {
        artifactSha256: 'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf',
        bundleMediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.3',
        content: 'messageSignature',
        verificationMaterial: 'certificate',
        thresholds: { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 },
        signerIdentity: ID,
        issuer: ISSUER,
        tlogEntries: [
          { logIndex: '79571823', logId: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d', kind: 'hashedrekord/0.0.1', integratedTime: '2024-03-19T17:26:26.000Z' },
        ],
        timestamps: [{ source: 'tlog', time: '2024-03-19T17:26:26.000Z' }],
      },
    });
    expect(verifySigstoreBundle(v03({ artifact: digest(aTxt()) })).ok).toBe(true);
  });

  it.each([
    ['a prefix', ID.slice(0, -4)],
    ['a substring', 'github.com/sigstore-conformance'],
    ['a regular expression', '.*'],
    ['another case', ID.toUpperCase()],
    ['a trailing newline', ID + '\n'],
  ])('matches the identity exactly: %s is refused', (_what, identity) => {
    expect(errorsOf(v03({ identity }))).toEqual([`POLICY: certificate identity ${JSON.stringify(ID)} is not the expected ${JSON.stringify(identity)}`]);
  });

  it('matches the issuer exactly', () => {
    expect(errorsOf(v03({ issuer: ISSUER + '/' }))).toEqual([`POLICY: certificate OIDC issuer ${JSON.stringify(ISSUER)} is not the expected ${JSON.stringify(ISSUER + '/')}`]);
  });

  it('refuses a signature attested after the reference time, and accepts one at it', () => {
    expect(errorsOf(v03({ at: new Date('2024-03-19T17:26:25Z') }))).toEqual([
      'TIME: the signature is attested at 2024-03-19T17:26:26.000Z (tlog), after the reference time 2024-03-19T17:26:25.000Z',
    ]);
    expect(verifySigstoreBundle(v03({ at: new Date('2024-03-19T17:26:26Z') })).ok).toBe(true);
  });

  it('refuses a v0.1 chain that carries the Fulcio root, but not one that carries only the intermediate', () => {
    const root = production() as { certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[] };
    const [intermediate, fulcioRoot] = root.certificateAuthorities[1]!.certChain.certificates;
    const b = json('cases/happy-path-v0.1/bundle.sigstore.json') as { verificationMaterial: { x509CertificateChain: { certificates: { rawBytes: string }[] } } };
    const leaf = b.verificationMaterial.x509CertificateChain.certificates[0]!;
    b.verificationMaterial.x509CertificateChain.certificates = [leaf, intermediate!];
    expect(verifySigstoreBundle(v03({ bundle: clone(b) })).ok).toBe(true);
    b.verificationMaterial.x509CertificateChain.certificates = [leaf, intermediate!, fulcioRoot!];
    expect(errorsOf(v03({ bundle: b }))).toEqual([
      'ROOT_CERT_IN_BUNDLE: verificationMaterial.x509CertificateChain.certificates[2] is a root (self-issued) certificate; trust roots come only from the pinned trusted root',
    ]);
  });

  it('refuses a trusted root whose log key has no validity start', () => {
    const dir = 'cases/trust-root-tlog-missing-validity-start_fail';
    expect(errorsOf(v03({ bundle: json(`${dir}/bundle.sigstore.json`), trustedRoot: json(`${dir}/trusted_root.json`) }))).toEqual([
      'BAD_TRUSTED_ROOT: tlogs[1].publicKey.validFor.start is missing',
    ]);
  });

  it('verifies an in-toto DSSE bundle whose subject is the artifact', () => {
    const r = verifySigstoreBundle(v03({ bundle: json('cases/happy-path-intoto-in-dsse-v3/bundle.sigstore.json') }));
    expect(r.ok).toBe(true);
    expect(r.details.inTotoSubject).toBe('a.txt');
    expect(errorsOf(v03({ bundle: json('cases/happy-path-intoto-in-dsse-v3/bundle.sigstore.json'), artifact: bytes(Buffer.from('x')) }))).toEqual([
      `ARTIFACT_MISMATCH: no in-toto subject has the artifact's sha256 ${sha256Hex(Buffer.from('x'))}`,
    ]);
  });
});
