import type { ManifestFile } from '../../../shared/domain/provenance.ts';
import { merkleRoot } from '../merkle/merkle.ts';
import { fileLeafData } from './file-leaf.ts';

/** RFC 6962 root over the files' leaves, in the order given, as lower-case hex. */
export function filesMerkleRoot(files: ReadonlyArray<Pick<ManifestFile, 'path' | 'size' | 'sha256'>>): string {
  return Buffer.from(merkleRoot(files.map(fileLeafData))).toString('hex');
}
