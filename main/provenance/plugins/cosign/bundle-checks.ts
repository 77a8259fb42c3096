import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { CosignError, describeError } from './cosign-error.ts';

/** The bundle versions this plugin understands (v0.1 to v0.3, both v0.3 spellings). */
export const SUPPORTED_BUNDLE_MEDIA_TYPES: readonly string[] = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The certificates a bundle carries, with where they sit (for error messages). */
function bundleCertificates(bundle: Bundle): { where: string; der: Buffer<ArrayBuffer> }[] {
  const vm = bundle.verificationMaterial.content;
  if (vm.$case === 'certificate') return [{ where: 'verificationMaterial.certificate', der: Buffer.from(vm.certificate.rawBytes) }];
  if (vm.$case === 'x509CertificateChain') {
    return vm.x509CertificateChain.certificates.map((c, i) => ({
      where: `verificationMaterial.x509CertificateChain.certificates[${i}]`,
      der: Buffer.from(c.rawBytes),
    }));
  }
  return [];
}

/**
 * Refuses a bundle that ships a self-issued certificate: trust must come from the pinned
 * trusted root, and a root inside the bundle invites a verifier to anchor on it.
 */
export function rejectRootCertificates(bundle: Bundle): void {
  for (const { where, der } of bundleCertificates(bundle)) {
    let cert: X509Certificate;
    try {
      cert = X509Certificate.parse(der);
    } catch (e) {
      throw new CosignError('BAD_BUNDLE', `${where} is not a DER certificate: ${(e as Error).message}`);
    }
    if (cert.subject.equals(cert.issuer)) {
      throw new CosignError('ROOT_CERT_IN_BUNDLE', `${where} is a root (self-issued) certificate; trust roots come only from the pinned trusted root`);
    }
  }
}

/**
 * Parses and checks a bundle's JSON: a supported version, the library's structural
 * checks, non-negative log indexes and no root certificate. Anything the library throws
 * (TypeError on odd shapes included) comes back as a BAD_BUNDLE CosignError.
 */
export function parseBundle(json: unknown): Bundle {
  if (!isRecord(json)) throw new CosignError('BAD_BUNDLE', 'the bundle is not a JSON object');
  if (typeof json.mediaType !== 'string' || !SUPPORTED_BUNDLE_MEDIA_TYPES.includes(json.mediaType)) {
    throw new CosignError('BAD_BUNDLE', `unsupported bundle mediaType ${JSON.stringify(json.mediaType)}`);
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    const line = describeError(e);
    throw new CosignError('BAD_BUNDLE', line.startsWith('BAD_BUNDLE: ') ? line.slice('BAD_BUNDLE: '.length) : `the bundle cannot be read: ${(e as Error).message}`);
  }
  bundle.verificationMaterial.tlogEntries.forEach((entry, i) => {
    // The library keeps int64 fields as strings; a sign or garbage here is a forged entry.
    if (!/^\d+$/.test(entry.logIndex)) {
      throw new CosignError('BAD_BUNDLE', `verificationMaterial.tlogEntries[${i}].logIndex ${JSON.stringify(entry.logIndex)} is not a non-negative integer`);
    }
  });
  rejectRootCertificates(bundle);
  return bundle;
}
