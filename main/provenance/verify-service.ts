import type { VerifyReport } from '../../shared/domain/provenance.ts';
import { readPack } from './pack/pack-contents.ts';
import { verifyPackContents } from './pack/verify-pack.ts';
import { createDefaultRegistry } from './plugins/default-registry.ts';
import type { PluginRegistry } from './plugins/registry.ts';
import { checkPackReceipt } from './pack-log.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';

export interface VerifyPackOptions {
  at: Date;
  plugin?: string;
  offlineCacheDir?: string;
  /** Use only pinned material from offlineCacheDir; plugins must not fetch anything. */
  offline?: boolean;
  pluginOptions?: Record<string, unknown>;
  /** Also check the pack's transparency-log receipt. */
  tlog?: boolean;
  logKey?: string;
  registry?: PluginRegistry;
}

/** Reads a pack (folder or .tgz) and verifies it; see verifyPackContents for what is checked. */
export async function verifyPack(path: string, opts: VerifyPackOptions): Promise<VerifyReport> {
  if (opts.tlog && !opts.logKey) throw new WorkbenchError('BAD_INPUT', 'checking the log receipt needs the log key (--log-key)');
  const contents = await readPack(path);
  return verifyPackContents(contents, {
    registry: opts.registry ?? createDefaultRegistry(),
    at: opts.at,
    ...(opts.plugin ? { plugin: opts.plugin } : {}),
    ...(opts.offlineCacheDir ? { offlineCacheDir: opts.offlineCacheDir } : {}),
    pluginOptions: { ...(opts.pluginOptions ?? {}), offline: opts.offline ?? false },
    ...(opts.tlog && opts.logKey
      ? { tlog: (c) => checkPackReceipt(c, { logKey: opts.logKey!, ...(opts.offlineCacheDir ? { cacheDir: opts.offlineCacheDir } : {}) }).then(({ latestCheckpoint: _l, ...r }) => r) }
      : {}),
  });
}
