import type { Metadata, Root } from '@tufjs/models';
import { readMetadata } from './fetch-file.ts';
import type { TufLimits } from './limits.ts';
import { parseMetadata } from './parse-metadata.ts';
import type { RepositorySource } from './repo-source.ts';
import { TufVerifyError } from './reasons.ts';
import { checkThreshold } from './signatures.ts';
import { metadataFileName } from './target-path.ts';

export interface RootChain {
  /** The final trusted root. */
  root: Metadata<Root>;
  /** Versions trusted in turn, the initial root's first. */
  versions: number[];
  byVersion: Map<number, Metadata<Root>>;
}

/**
 * Loads the pinned initial root (self-signed to its own threshold; its expiry does not
 * matter) and walks `<N+1>.root.json` until the repository has no next version (client
 * workflow 5.3): each new root must be signed by the threshold of the trusted root, carry
 * version N+1, and be signed by its own threshold.
 */
export async function loadRootChain(initialRoot: Uint8Array, source: RepositorySource, limits: TufLimits, warnings: string[]): Promise<RootChain> {
  let current: Metadata<Root>;
  try {
    current = parseMetadata('root', initialRoot, 'initial root', 'root').md;
  } catch (e) {
    throw e instanceof TufVerifyError ? new TufVerifyError('BAD_INPUT', e.message, 'root') : e;
  }
  const first = current.signed.version;
  checkThreshold(current, `initial root v${first}`, 'root', current, `initial root v${first}`);
  const versions = [first];
  const byVersion = new Map([[first, current]]);

  let reachedEnd = false;
  for (let i = 0; i < limits.maxRootRotations; i++) {
    const next = current.signed.version + 1;
    const file = metadataFileName('root', next);
    const bytes = await readMetadata(source, file, limits.rootMaxLength, 'root');
    if (!bytes) {
      reachedEnd = true;
      break;
    }
    const md = parseMetadata('root', bytes, file, 'root').md;
    checkThreshold(current, `root v${current.signed.version}`, 'root', md, file);
    if (md.signed.version !== next) throw new TufVerifyError('VERSION_MISMATCH', `${file} has version ${md.signed.version}, expected ${next}`, 'root');
    checkThreshold(md, `root v${next}`, 'root', md, file);
    current = md;
    versions.push(next);
    byVersion.set(next, md);
  }
  if (!reachedEnd) warnings.push(`stopped the root walk after ${limits.maxRootRotations} rotations at root v${current.signed.version}`);
  return { root: current, versions, byVersion };
}
