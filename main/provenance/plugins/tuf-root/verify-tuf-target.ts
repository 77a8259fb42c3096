import { readFile } from 'node:fs/promises';
import { effectiveBaseline } from './baseline.ts';
import { issueFromError } from './classify-error.ts';
import { checkLengthAndHashes } from './digests.ts';
import { findTarget } from './delegation-walk.ts';
import { readTarget } from './fetch-file.ts';
import type { TufFetcher } from './http-fetcher.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import type { TufLimits } from './limits.ts';
import { openRepository } from './repo-source.ts';
import type { RepositoryLocation, RepositorySource } from './repo-source.ts';
import type { TufIssue } from './reasons.ts';
import { TufVerifyError } from './reasons.ts';
import { loadRootChain } from './root-chain.ts';
import { targetFilePath } from './target-path.ts';
import { loadSnapshot, loadTimestamp } from './top-level.ts';
import { loadTrustedStateDir, parseTrustedState, sortedRecord } from './trusted-state.ts';
import type { TrustedState } from './trusted-state.ts';

export interface VerifyTufTargetInput {
  /** The pinned initial root: bytes, JSON text, a parsed object, or a path to the file. */
  initialRoot: Uint8Array | string | object;
  /** A folder or http(s) base holding metadata/ and targets/, the two apart, or a source. */
  repo: RepositoryLocation | RepositorySource;
  /** The target name as the targets metadata lists it. */
  target: string;
  /** Reference time: expiry is judged at this instant, never the clock. */
  at: Date;
  /** The target's bytes, when the caller has them (the pack's manifest.json); otherwise read from the repository. */
  targetBytes?: Uint8Array;
  /** Versions seen before (rollback protection): an object, or a folder of previously trusted metadata. */
  trustedState?: TrustedState | string;
  /** For http(s) repositories; default node:http/https. */
  fetcher?: TufFetcher;
  limits?: Partial<TufLimits>;
}

export interface TufTargetInfo {
  name: string;
  length: number;
  hashes: Record<string, string>;
}

export interface TufVerifyDetails {
  /** The final trusted root's version (null when even the initial root failed). */
  rootVersion: number | null;
  /** Root versions trusted in turn, from the initial root. */
  rootChain: number[];
  timestampVersion: number | null;
  snapshotVersion: number | null;
  targetsVersion: number | null;
  consistentSnapshot: boolean | null;
  /** The target as trusted metadata describes it (null until found). */
  target: TufTargetInfo | null;
  /** Roles from "targets" to the one that lists the target ([] until found). */
  delegationPath: string[];
  /** On success: the versions to keep as the next run's trusted state. */
  trustedState: TrustedState | null;
}

export interface TufVerifyResult {
  ok: boolean;
  errors: TufIssue[];
  warnings: string[];
  details: TufVerifyDetails;
}

/**
 * Verifies, as of `at`, that `target` is a trusted target of a TUF repository whose trust
 * starts at `initialRoot`, following the spec's client workflow over a fresh in-memory copy
 * of that root. Reads only; never writes anything. Fails closed: any error, expected or
 * not, is `ok: false` with the reason. The result is plain JSON and deterministic.
 */
export async function verifyTufTarget(input: VerifyTufTargetInput): Promise<TufVerifyResult> {
  const warnings: string[] = [];
  const details: TufVerifyDetails = {
    rootVersion: null,
    rootChain: [],
    timestampVersion: null,
    snapshotVersion: null,
    targetsVersion: null,
    consistentSnapshot: null,
    target: null,
    delegationPath: [],
    trustedState: null,
  };
  try {
    const at = input.at;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TufVerifyError('BAD_INPUT', 'at: not a valid date');
    if (typeof input.target !== 'string' || input.target.length === 0) throw new TufVerifyError('BAD_INPUT', 'target: a non-empty target name is required');
    const limits: TufLimits = { ...DEFAULT_LIMITS, ...input.limits };
    const initialRoot = await initialRootBytes(input.initialRoot);
    const state = await resolveTrustedState(input.trustedState);
    const source = isSource(input.repo) ? input.repo : openRepository(input.repo, input.fetcher);

    const chain = await loadRootChain(initialRoot, source, limits, warnings);
    const root = chain.root;
    details.rootChain = chain.versions;
    details.rootVersion = root.signed.version;
    details.consistentSnapshot = root.signed.consistentSnapshot;
    const baseline = effectiveBaseline(state, chain, warnings);
    // Client workflow 5.3.10: the final root must not be expired.
    if (root.signed.isExpired(at)) throw new TufVerifyError('EXPIRED', `root v${root.signed.version} expired at ${root.signed.expires}`, 'root');

    const ctx = { source, root, at, limits, baseline };
    const timestamp = await loadTimestamp(ctx);
    details.timestampVersion = timestamp.signed.version;
    const snapshot = await loadSnapshot(ctx, timestamp);
    details.snapshotVersion = snapshot.signed.version;

    const found = await findTarget({ source, root, snapshot, at, limits }, input.target, (v) => {
      details.targetsVersion = v;
    });
    const tf = found.target;
    details.target = { name: input.target, length: tf.length, hashes: sortedRecord(tf.hashes) };
    details.delegationPath = found.delegationPath;

    let bytes = input.targetBytes;
    if (bytes === undefined) {
      const segments = targetFilePath(input.target, root.signed.consistentSnapshot, Object.values(tf.hashes)[0]);
      const got = await readTarget(source, segments, tf.length);
      if (!got) throw new TufVerifyError('TARGET_FILE_MISSING', `targets/${segments.join('/')} not found`, 'target');
      bytes = got;
    }
    checkLengthAndHashes(bytes, { length: tf.length, hashes: tf.hashes }, `target ${input.target}`, 'target', true);

    const targetsVersions: Record<string, number> = {};
    for (const [file, m] of Object.entries(snapshot.signed.meta)) if (file.endsWith('.json')) targetsVersions[file.slice(0, -5)] = m.version;
    details.trustedState = {
      rootVersion: root.signed.version,
      timestampVersion: timestamp.signed.version,
      snapshotVersion: snapshot.signed.version,
      targetsVersions: sortedRecord(targetsVersions),
    };
    return { ok: true, errors: [], warnings, details };
  } catch (e) {
    return { ok: false, errors: [issueFromError(e)], warnings, details };
  }
}

function isSource(repo: VerifyTufTargetInput['repo']): repo is RepositorySource {
  return typeof repo === 'object' && repo !== null && typeof (repo as RepositorySource).metadata === 'function';
}

async function initialRootBytes(v: VerifyTufTargetInput['initialRoot']): Promise<Uint8Array> {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') {
    if (v.trimStart().startsWith('{')) return new TextEncoder().encode(v);
    try {
      return new Uint8Array(await readFile(v));
    } catch (e) {
      throw new TufVerifyError('BAD_INPUT', `initial root file unreadable: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, 'root');
    }
  }
  if (typeof v === 'object' && v !== null) return new TextEncoder().encode(JSON.stringify(v));
  throw new TufVerifyError('BAD_INPUT', 'initialRoot: expected bytes, JSON text, an object or a file path', 'root');
}

async function resolveTrustedState(v: VerifyTufTargetInput['trustedState']): Promise<TrustedState> {
  if (v === undefined) return {};
  if (typeof v === 'string') return loadTrustedStateDir(v);
  return parseTrustedState(v);
}
