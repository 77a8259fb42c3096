import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AttestationPlugin, PluginInput, PluginResult } from '../plugin.ts';
import { issueFromError } from './classify-error.ts';
import type { TufFetcher } from './http-fetcher.ts';
import { formatIssue, TufVerifyError } from './reasons.ts';
import type { RepositoryLocation } from './repo-source.ts';
import { parseTufRef } from './tuf-ref.ts';
import type { TufRef } from './tuf-ref.ts';
import type { TrustedState } from './trusted-state.ts';
import { verifyTufTarget } from './verify-tuf-target.ts';

/**
 * `options.tuf` of the plugin input: what the verifying side pins or allows. Everything
 * here beats the pack's tufRef, which only names a repository and a target.
 */
export interface TufPluginOptions {
  /** The pinned initial root: a file path, JSON text, parsed JSON or bytes. */
  initialRoot?: string | object | Uint8Array;
  /** A folder or URL (or metadata/targets pair) to read instead of what tufRef names. */
  repository?: RepositoryLocation;
  /** Previously trusted versions: an object or a folder of trusted metadata. */
  trustedState?: TrustedState | string;
  /** Allow reading an http(s) repository (off by default: verification is offline). */
  allowNetwork?: boolean;
  fetcher?: TufFetcher;
}

const OptionsSchema = z.strictObject({
  initialRoot: z.union([z.string().min(1), z.instanceof(Uint8Array), z.record(z.string(), z.unknown())]).optional(),
  repository: z.union([z.string().min(1), z.strictObject({ metadata: z.string().min(1), targets: z.string().min(1) })]).optional(),
  trustedState: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  allowNetwork: z.boolean().optional(),
  fetcher: z.custom<TufFetcher>((f) => typeof (f as TufFetcher | null)?.get === 'function', 'an object with get(url, maxLength)').optional(),
});

function parseOptions(options: Record<string, unknown> | undefined): TufPluginOptions {
  const raw = options?.tuf;
  if (raw === undefined) return {};
  const r = OptionsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new TufVerifyError('BAD_INPUT', `${['options.tuf', ...i.path.map(String)].join('.')}: ${i.message}`);
  }
  return r.data as TufPluginOptions;
}

interface Resolved {
  repo: RepositoryLocation;
  /** How the repository is reached, for the report (never a local path). */
  via: 'option' | 'offline-cache' | 'network';
  initialRoot: string | object | Uint8Array;
  trustedState?: TrustedState | string;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/**
 * Where to read, what root to start from, what state to compare with. The offline cache is
 * `<offlineCacheDir>/tuf/<name>/` holding `initial_root.json`, `metadata/`, `targets/` and
 * optionally `trusted/` (previously trusted metadata, tuf-js layout).
 */
function resolve(ref: TufRef, opts: TufPluginOptions, offlineCacheDir: string | undefined): Resolved {
  const name = ref.cacheName ?? (typeof ref.repository === 'string' && !/^https?:/i.test(ref.repository) ? ref.repository : undefined);
  const cacheDir = name !== undefined && offlineCacheDir !== undefined ? path.join(offlineCacheDir, 'tuf', name) : undefined;
  const cached = cacheDir !== undefined && isDir(cacheDir) ? cacheDir : undefined;

  let repo: RepositoryLocation;
  let via: Resolved['via'];
  if (opts.repository !== undefined) {
    repo = opts.repository;
    via = 'option';
  } else if (cached) {
    repo = cached;
    via = 'offline-cache';
  } else if (typeof ref.repository === 'string' && !/^https?:/i.test(ref.repository)) {
    throw new TufVerifyError('BAD_INPUT', `tufRef.repository ${JSON.stringify(ref.repository)}: no offline cache folder tuf/${ref.repository}${offlineCacheDir ? '' : ' (no offlineCacheDir given)'}`);
  } else if (opts.allowNetwork === true) {
    repo = ref.repository;
    via = 'network';
  } else {
    throw new TufVerifyError('BAD_INPUT', `tufRef.repository is remote and network access is off (set options.tuf.allowNetwork, or mirror it under tuf/${name ?? '<cacheName>'} in the offline cache)`);
  }

  const pinnedRoot = cached ? path.join(cached, 'initial_root.json') : undefined;
  const initialRoot = opts.initialRoot ?? (pinnedRoot && existsSync(pinnedRoot) ? pinnedRoot : undefined);
  if (initialRoot === undefined) {
    throw new TufVerifyError('BAD_INPUT', `no pinned initial root: set options.tuf.initialRoot or provide tuf/${name ?? '<cacheName>'}/initial_root.json in the offline cache`, 'root');
  }
  const trustedDir = cached ? path.join(cached, 'trusted') : undefined;
  const trustedState = opts.trustedState ?? (trustedDir && isDir(trustedDir) ? trustedDir : undefined);
  return { repo, via, initialRoot, ...(trustedState !== undefined ? { trustedState } : {}) };
}

/**
 * The "tuf-root" attestation plugin: the pack's manifest.json bytes must be a target of a
 * TUF repository, trusted from a pinned initial root as of `at`.
 */
export const tufRootPlugin: AttestationPlugin = {
  name: 'tuf-root',

  applies(input: PluginInput): boolean {
    return input.tufRef !== undefined && input.tufRef !== null;
  },

  async verify(input: PluginInput): Promise<PluginResult> {
    let ref: TufRef | undefined;
    try {
      ref = parseTufRef(input.tufRef);
      const opts = parseOptions(input.options);
      const r = resolve(ref, opts, input.offlineCacheDir);
      const result = await verifyTufTarget({
        initialRoot: r.initialRoot,
        repo: r.repo,
        target: ref.targetName,
        at: input.at,
        targetBytes: input.payload,
        ...(r.trustedState !== undefined ? { trustedState: r.trustedState } : {}),
        ...(opts.fetcher ? { fetcher: opts.fetcher } : {}),
      });
      return {
        ok: result.ok,
        errors: result.errors.map(formatIssue),
        warnings: result.warnings,
        details: { repository: ref.repository, via: r.via, targetName: ref.targetName, reasons: result.errors.map((e) => e.reason), ...result.details },
      };
    } catch (e) {
      const issue = issueFromError(e);
      return {
        ok: false,
        errors: [formatIssue(issue)],
        warnings: [],
        details: { repository: ref?.repository ?? null, via: null, targetName: ref?.targetName ?? null, reasons: [issue.reason] },
      };
    }
  },
};
