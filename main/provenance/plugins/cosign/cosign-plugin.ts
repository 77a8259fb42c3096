import type { AttestationPlugin, PluginInput, PluginResult } from '../plugin.ts';
import { CosignError, describeError } from './cosign-error.ts';
import { loadTrustedRootJson } from './trusted-root.ts';
import { verifySigstoreBundle } from './verify-bundle.ts';

export const COSIGN_PLUGIN_NAME = 'cosign';

/** The options this plugin reads from `PluginInput.options` (see docs/cosign.md). */
export interface CosignOptions {
  identity?: string;
  issuer?: string;
  publicKey?: string;
  trustedRoot?: unknown;
}

function optionalString(options: Record<string, unknown>, name: string): string | undefined {
  const v = options[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new CosignError('BAD_INPUT', `options.${name} must be a non-empty string`);
  return v;
}

export function readCosignOptions(options: Record<string, unknown> | undefined): CosignOptions {
  const o = options ?? {};
  const out: CosignOptions = {};
  const identity = optionalString(o, 'identity');
  const issuer = optionalString(o, 'issuer');
  const publicKey = optionalString(o, 'publicKey');
  if (identity !== undefined) out.identity = identity;
  if (issuer !== undefined) out.issuer = issuer;
  if (publicKey !== undefined) out.publicKey = publicKey;
  if (o.trustedRoot !== undefined) out.trustedRoot = o.trustedRoot;
  return out;
}

/**
 * Verifies the pack's Sigstore bundle over the manifest bytes, offline, against a pinned
 * trusted root (keyless: exact identity and issuer) or a given public key.
 */
export function createCosignPlugin(): AttestationPlugin {
  return {
    name: COSIGN_PLUGIN_NAME,
    applies: (input: PluginInput) => input.bundle !== undefined,
    verify: async (input: PluginInput): Promise<PluginResult> => {
      try {
        if (input.bundle === undefined) throw new CosignError('BAD_INPUT', 'the pack carries no Sigstore bundle');
        const opts = readCosignOptions(input.options);
        const trustedRoot = loadTrustedRootJson(opts.trustedRoot, input.offlineCacheDir);
        const r = verifySigstoreBundle({
          bundle: input.bundle,
          artifact: { kind: 'bytes', bytes: input.payload },
          trustedRoot,
          publicKey: opts.publicKey,
          identity: opts.identity,
          issuer: opts.issuer,
          at: input.at,
        });
        return { ok: r.ok, errors: r.errors, warnings: r.warnings, details: r.details };
      } catch (e) {
        const line = describeError(e);
        return { ok: false, errors: [line], warnings: [], details: { errorCode: line.slice(0, line.indexOf(':')) } };
      }
    },
  };
}

export const cosignPlugin: AttestationPlugin = createCosignPlugin();
