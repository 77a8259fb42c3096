import type { RepositorySource } from './repo-source.ts';
import { TufVerifyError } from './reasons.ts';

/**
 * Reads `metadata/<file>` and gives errors the role they concern. A file over the limit is
 * LENGTH_MISMATCH when the delegating metadata recorded its length, TOO_LARGE otherwise.
 */
export async function readMetadata(source: RepositorySource, file: string, maxLength: number, role: string, recordedLength?: number): Promise<Uint8Array | null> {
  return withRole(() => source.metadata(file, maxLength), role, recordedLength);
}

export async function readTarget(source: RepositorySource, segments: string[], length: number): Promise<Uint8Array | null> {
  return withRole(() => source.target(segments, length), 'target', length);
}

async function withRole(read: () => Promise<Uint8Array | null>, role: string, recordedLength: number | undefined): Promise<Uint8Array | null> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof TufVerifyError) {
      if (e.code === 'TOO_LARGE' && recordedLength !== undefined) {
        throw new TufVerifyError('LENGTH_MISMATCH', `${e.message} (metadata records ${recordedLength} bytes)`, role);
      }
      throw new TufVerifyError(e.code, e.message, role);
    }
    throw new TufVerifyError('FETCH_FAILED', e instanceof Error ? e.message : String(e), role);
  }
}
