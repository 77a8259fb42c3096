import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier, type SignedEntity, type Signer } from '@sigstore/verify';
import { artifactSha256, type ArtifactInput } from './artifact-input.ts';
import { parseBundle } from './bundle-checks.ts';
import { CosignError, describeError } from './cosign-error.ts';
import { checkDsseArtifact } from './dsse-subject.ts';
import { checkMessageDigest, messageSignatureContent } from './message-content.ts';
import { EMPTY_TRUSTED_ROOT, trustMaterialFrom } from './trusted-root.ts';

export interface VerifyBundleRequest {
  /** Parsed Sigstore bundle JSON. */
  bundle: unknown;
  artifact: ArtifactInput;
  /** Parsed trusted-root JSON. Without it only a key-based bundle with no log entry and no timestamp can verify. */
  trustedRoot?: unknown;
  /** PEM public key (or key object): the bundle must be key-based and signed by it. */
  publicKey?: string | KeyObject;
  /** Expected certificate SAN (URI or e-mail), matched exactly. Keyless bundles only. */
  identity?: string;
  /** Expected OIDC issuer (Fulcio extension), matched exactly. Keyless bundles only. */
  issuer?: string;
  /** Reference time: a signature attested after it is refused. */
  at?: Date;
}

export interface VerifyBundleResult {
  ok: boolean;
  errors: string[];
  warnings: string[];
  details: Record<string, unknown>;
}

interface Thresholds {
  tlogThreshold: number;
  ctlogThreshold: number;
  timestampThreshold: number;
}

const DEFAULT_THRESHOLDS: Thresholds = { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 };
// Only for key-based bundles that carry nothing to count: never lowered for a bundle with entries.
const NO_ENTRY_THRESHOLDS: Thresholds = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };

function readPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  if (!key.includes('-----BEGIN')) throw new CosignError('BAD_INPUT', 'the public key is not PEM text');
  try {
    return createPublicKey(key);
  } catch (e) {
    throw new CosignError('BAD_INPUT', `the public key cannot be read: ${(e as Error).message}`);
  }
}

function carriesNoEntries(bundle: Bundle): boolean {
  const vm = bundle.verificationMaterial;
  return vm.tlogEntries.length === 0 && (vm.timestampVerificationData?.rfc3161Timestamps.length ?? 0) === 0;
}

/** The signed entity the library verifies, with our message-signature content (EdDSA, digest-only). */
function signedEntity(bundle: Bundle, artifact: ArtifactInput): SignedEntity {
  const bytes = artifact.kind === 'bytes' ? Buffer.from(artifact.bytes) : Buffer.alloc(0);
  const entity = toSignedEntity(bundle, bytes);
  if (bundle.content.$case === 'messageSignature') entity.signature = messageSignatureContent(bundle.content.messageSignature, artifact);
  return entity;
}

/** Exact comparisons: the library's SAN check is an unanchored regular expression. */
function checkPolicy(signer: Signer, identity: string, issuer: string): void {
  const san = signer.identity?.subjectAlternativeName;
  if (san !== identity) throw new CosignError('POLICY', `certificate identity ${JSON.stringify(san ?? null)} is not the expected ${JSON.stringify(identity)}`);
  const got = signer.identity?.extensions?.issuer;
  if (got !== issuer) throw new CosignError('POLICY', `certificate OIDC issuer ${JSON.stringify(got ?? null)} is not the expected ${JSON.stringify(issuer)}`);
}

/** The times the library has just verified (SET-backed integrated times, TSA times), in bundle order. */
type AttestedTime = { source: 'tlog' | 'tsa'; time: string };

function attestedTimes(entity: SignedEntity): AttestedTime[] {
  return entity.timestamps.flatMap((t): AttestedTime[] => {
    if (t.$case === 'timestamp-authority') return [{ source: 'tsa', time: t.timestamp.signingTime.toISOString() }];
    if (!t.tlogEntry.inclusionPromise) return [];
    return [{ source: 'tlog', time: new Date(Number(t.tlogEntry.integratedTime) * 1000).toISOString() }];
  });
}

function tlogDetails(bundle: Bundle): Record<string, unknown>[] {
  return bundle.verificationMaterial.tlogEntries.map((e) => ({
    logIndex: e.logIndex,
    logId: Buffer.from(e.logId?.keyId ?? []).toString('hex'),
    kind: e.kindVersion ? `${e.kindVersion.kind}/${e.kindVersion.version}` : null,
    integratedTime: e.integratedTime && e.integratedTime !== '0' ? new Date(Number(e.integratedTime) * 1000).toISOString() : null,
  }));
}

function verifyOrThrow(req: VerifyBundleRequest, details: Record<string, unknown>, warnings: string[]): void {
  const key = req.publicKey === undefined ? undefined : readPublicKey(req.publicKey);
  const bundle = parseBundle(req.bundle);
  const material = bundle.verificationMaterial.content.$case;
  details.bundleMediaType = bundle.mediaType;
  details.content = bundle.content.$case;
  details.verificationMaterial = material;

  const keyBased = material === 'publicKey';
  if (keyBased) {
    if (!key) throw new CosignError('NO_TRUST', 'the bundle is signed with a public key but no public key was given');
    if (req.identity !== undefined || req.issuer !== undefined) {
      throw new CosignError('KEY_MISMATCH', 'the bundle is signed with a public key: an expected identity/issuer cannot be checked against it');
    }
  } else {
    if (key) throw new CosignError('KEY_MISMATCH', 'a public key was given but the bundle is signed with a certificate (keyless)');
    if (req.identity === undefined || req.issuer === undefined) {
      throw new CosignError('BAD_INPUT', 'a keyless bundle needs both an expected identity and an expected issuer');
    }
  }

  const noEntries = carriesNoEntries(bundle);
  let rootJson = req.trustedRoot;
  if (rootJson === undefined) {
    if (!(keyBased && noEntries)) throw new CosignError('NO_TRUST', 'no trusted root was given and the bundle needs one (certificate, log entry or timestamp)');
    rootJson = EMPTY_TRUSTED_ROOT;
  }
  const trust = trustMaterialFrom(rootJson, key);

  if (bundle.content.$case === 'messageSignature') checkMessageDigest(bundle.content.messageSignature, req.artifact);
  else {
    const subject = checkDsseArtifact(bundle.content.dsseEnvelope, req.artifact);
    if (subject !== undefined) details.inTotoSubject = subject;
  }

  const thresholds = keyBased && noEntries ? NO_ENTRY_THRESHOLDS : DEFAULT_THRESHOLDS;
  if (thresholds === NO_ENTRY_THRESHOLDS) warnings.push('the bundle carries no transparency-log entry and no timestamp: when it was signed is not attested');
  details.thresholds = thresholds;

  let entity: SignedEntity;
  try {
    entity = signedEntity(bundle, req.artifact);
  } catch (e) {
    // e.g. an RFC 3161 timestamp or certificate the library cannot parse.
    throw new CosignError('BAD_BUNDLE', `the bundle cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const signer = new Verifier(trust, thresholds).verify(entity);
  if (!keyBased) {
    checkPolicy(signer, req.identity!, req.issuer!);
    details.signerIdentity = signer.identity?.subjectAlternativeName ?? null;
    details.issuer = signer.identity?.extensions?.issuer ?? null;
  } else {
    details.publicKeyHint = bundle.verificationMaterial.content.$case === 'publicKey' ? bundle.verificationMaterial.content.publicKey.hint : null;
  }
  details.tlogEntries = tlogDetails(bundle);
  const times = attestedTimes(entity);
  details.timestamps = times;
  if (req.at) {
    const late = times.find((t) => Date.parse(t.time) > req.at!.getTime());
    if (late) throw new CosignError('TIME', `the signature is attested at ${late.time} (${late.source}), after the reference time ${req.at.toISOString()}`);
  }
}

/**
 * Verifies a Sigstore bundle fully offline against pinned trust. Never throws: anything
 * that goes wrong (a library TypeError included) is "not verified" with the error.
 */
export function verifySigstoreBundle(req: VerifyBundleRequest): VerifyBundleResult {
  const details: Record<string, unknown> = {};
  const warnings: string[] = [];
  try {
    details.artifactSha256 = artifactSha256(req.artifact).toString('hex');
    verifyOrThrow(req, details, warnings);
    return { ok: true, errors: [], warnings, details };
  } catch (e) {
    const line = describeError(e);
    return { ok: false, errors: [line], warnings, details: { ...details, errorCode: line.slice(0, line.indexOf(':')) } };
  }
}
