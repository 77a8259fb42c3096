import type { Metadata, Root, Snapshot, Timestamp } from '@tufjs/models';
import { checkLengthAndHashes } from './digests.ts';
import { checkNotExpired } from './expiry.ts';
import { readMetadata } from './fetch-file.ts';
import type { TufLimits } from './limits.ts';
import { parseMetadata } from './parse-metadata.ts';
import type { RepositorySource } from './repo-source.ts';
import { TufVerifyError } from './reasons.ts';
import { checkThreshold } from './signatures.ts';
import { metadataFileName } from './target-path.ts';
import type { TrustedState } from './trusted-state.ts';

export interface TopLevelContext {
  source: RepositorySource;
  root: Metadata<Root>;
  at: Date;
  limits: TufLimits;
  /** Rollback baseline (already reset if keys rotated, see effectiveBaseline). */
  baseline: TrustedState;
}

const rootLabel = (root: Metadata<Root>): string => `root v${root.signed.version}`;

/** Client workflow 5.4: timestamp signed by root's timestamp keys, no rollback, not expired. */
export async function loadTimestamp(ctx: TopLevelContext): Promise<Metadata<Timestamp>> {
  const file = 'timestamp.json';
  const bytes = await readMetadata(ctx.source, file, ctx.limits.timestampMaxLength, 'timestamp');
  if (!bytes) throw new TufVerifyError('MISSING_METADATA', `metadata/${file} not found`, 'timestamp');
  const md = parseMetadata('timestamp', bytes, file, 'timestamp').md;
  checkThreshold(ctx.root, rootLabel(ctx.root), 'timestamp', md, file);
  const v = md.signed.version;
  const { timestampVersion, snapshotVersion } = ctx.baseline;
  if (timestampVersion !== undefined && v < timestampVersion) {
    throw new TufVerifyError('ROLLBACK', `timestamp v${v} is older than trusted timestamp v${timestampVersion}`, 'timestamp');
  }
  const snapV = md.signed.snapshotMeta.version;
  if (snapshotVersion !== undefined && snapV < snapshotVersion) {
    throw new TufVerifyError('ROLLBACK', `timestamp records snapshot v${snapV}, older than trusted snapshot v${snapshotVersion}`, 'snapshot');
  }
  checkNotExpired(md.signed, 'timestamp', 'timestamp', ctx.at);
  return md;
}

/**
 * Client workflow 5.5: snapshot bytes match timestamp's record, signed by root's snapshot
 * keys, version as timestamp says, no targets role rolled back or dropped, not expired.
 */
export async function loadSnapshot(ctx: TopLevelContext, timestamp: Metadata<Timestamp>): Promise<Metadata<Snapshot>> {
  const meta = timestamp.signed.snapshotMeta;
  const file = metadataFileName('snapshot', ctx.root.signed.consistentSnapshot ? meta.version : undefined);
  const bytes = await readMetadata(ctx.source, file, meta.length ?? ctx.limits.snapshotMaxLength, 'snapshot', meta.length);
  if (!bytes) throw new TufVerifyError('MISSING_METADATA', `metadata/${file} not found`, 'snapshot');
  checkLengthAndHashes(bytes, meta, file, 'snapshot');
  const md = parseMetadata('snapshot', bytes, file, 'snapshot').md;
  checkThreshold(ctx.root, rootLabel(ctx.root), 'snapshot', md, file);
  if (md.signed.version !== meta.version) {
    throw new TufVerifyError('VERSION_MISMATCH', `${file} has version ${md.signed.version}, timestamp records ${meta.version}`, 'snapshot');
  }
  for (const [role, trusted] of Object.entries(ctx.baseline.targetsVersions ?? {})) {
    const entry = Object.hasOwn(md.signed.meta, `${role}.json`) ? md.signed.meta[`${role}.json`] : undefined;
    if (!entry) throw new TufVerifyError('ROLLBACK', `snapshot no longer lists ${role}.json (trusted v${trusted})`, role);
    if (entry.version < trusted) throw new TufVerifyError('ROLLBACK', `snapshot records ${role} v${entry.version}, older than trusted v${trusted}`, role);
  }
  checkNotExpired(md.signed, 'snapshot', 'snapshot', ctx.at);
  return md;
}
