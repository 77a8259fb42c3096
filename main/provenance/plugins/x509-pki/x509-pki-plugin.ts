import { createHash } from 'node:crypto';
import type { AttestationPlugin, PluginInput, PluginResult } from '../plugin.ts';
import { verifyPayloadSignature } from './payload-signature.ts';
import { validatePath } from './path-validator.ts';
import { loadAnchors, loadCrls } from './trust-material.ts';
import { X509Error } from './x509-error.ts';

export const X509_PKI_PLUGIN_NAME = 'x509-pki';

/** The options this plugin reads from `PluginInput.options` (others are ignored: options are shared). */
export interface X509PkiOptions {
  /** PEM text (one or more certificates), DER bytes, or an array of these. */
  trustAnchors?: unknown;
  /** Required leaf key purpose: codeSigning (default), serverAuth, ..., or a dotted OID. */
  eku?: string;
  /** Most intermediates in a path, not counting self-issued ones (default 8). */
  maxDepth?: number;
  /** Pins the payload signature algorithm (see PAYLOAD_ALGORITHMS); by default the leaf key decides. */
  signatureAlgorithm?: string;
}

function readOptions(raw: Record<string, unknown> | undefined): X509PkiOptions {
  const o = raw ?? {};
  const out: X509PkiOptions = {};
  if (o.trustAnchors !== undefined) out.trustAnchors = o.trustAnchors;
  if (o.eku !== undefined) {
    if (typeof o.eku !== 'string') throw new X509Error('BAD_INPUT', 'options.eku: expected a key purpose name or OID string');
    out.eku = o.eku;
  }
  if (o.maxDepth !== undefined) {
    if (typeof o.maxDepth !== 'number' || !Number.isInteger(o.maxDepth) || o.maxDepth < 0) {
      throw new X509Error('BAD_INPUT', 'options.maxDepth: expected a non-negative integer');
    }
    out.maxDepth = o.maxDepth;
  }
  if (o.signatureAlgorithm !== undefined) {
    if (typeof o.signatureAlgorithm !== 'string') throw new X509Error('BAD_INPUT', 'options.signatureAlgorithm: expected a string');
    out.signatureAlgorithm = o.signatureAlgorithm;
  }
  return out;
}

function signerFingerprint(manifest: unknown): string | undefined {
  const signer = (manifest as { signer?: { keyFingerprint?: unknown } } | null)?.signer;
  return typeof signer?.keyFingerprint === 'string' ? signer.keyFingerprint : undefined;
}

async function verify(input: PluginInput): Promise<PluginResult> {
  const opts = readOptions(input.options);
  if (!input.signature) return { ok: false, errors: ['the pack carries no detached signature (attestations/signature.sig)'] };
  const [leaf, ...intermediates] = input.certs ?? [];
  if (!leaf) return { ok: false, errors: ['the pack carries no certificate chain (attestations/chain.pem)'] };
  const anchors = loadAnchors(opts.trustAnchors, input.offlineCacheDir);
  if (anchors.ders.length === 0) {
    return { ok: false, errors: ['no trust anchors: give options.trustAnchors or put PEM certificates in <offlineCacheDir>/anchors/'] };
  }
  const crls = loadCrls(input.offlineCacheDir);
  const path = validatePath(leaf, intermediates, anchors.ders, {
    at: input.at,
    crls: crls.ders,
    crlLabels: crls.sources,
    ...(opts.eku === undefined ? {} : { eku: opts.eku }),
    ...(opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth }),
  });
  const details: Record<string, unknown> = { crls: crls.sources };
  if (!path.ok || !path.leaf) return { ok: false, errors: path.errors, warnings: path.warnings, details };
  details.chain = path.chain;
  const key = path.leaf.key!;
  const verified = verifyPayloadSignature(key, input.payload, input.signature, opts.signatureAlgorithm);
  if (!verified) {
    return {
      ok: false,
      errors: [`the payload signature does not verify with the key of leaf "${path.leaf.cert.label}"`],
      warnings: path.warnings,
      details,
    };
  }
  details.signatureAlgorithm = verified.algorithm;
  const warnings = [...path.warnings];
  const claimed = signerFingerprint(input.manifest);
  const actual = createHash('sha256').update(path.leaf.cert.spki).digest('hex');
  if (claimed !== undefined && claimed.toLowerCase() !== actual) {
    warnings.push(`manifest signer.keyFingerprint ${claimed} differs from the leaf key's SHA-256 ${actual}`);
  }
  return { ok: true, errors: [], warnings, details };
}

/**
 * X.509 PKI attestation: the pack's detached signature over manifest.json, by the leaf of
 * its certificate chain, where the chain validates (RFC 5280 6.1, code-signing profile) to
 * a pinned trust anchor at `at`, with CRLs from the offline cache. Fails closed: any throw
 * is "not verified" with the error.
 */
export function createX509PkiPlugin(): AttestationPlugin {
  return {
    name: X509_PKI_PLUGIN_NAME,
    applies: (input) => input.signature !== undefined && (input.certs?.length ?? 0) > 0,
    async verify(input) {
      try {
        return await verify(input);
      } catch (e) {
        return { ok: false, errors: [e instanceof Error ? e.message : String(e)] };
      }
    },
  };
}
