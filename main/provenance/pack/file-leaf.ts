import type { ManifestFile } from '../../../shared/domain/provenance.ts';

const encoder = new TextEncoder();

/**
 * The Merkle leaf data of one file: UTF-8 of `path \n size \n sha256hex`. Paths cannot
 * contain a newline-free ambiguity because size and hash have fixed grammars, and the
 * path is the first field.
 */
export function fileLeafData(file: Pick<ManifestFile, 'path' | 'size' | 'sha256'>): Uint8Array {
  return encoder.encode(`${file.path}\n${file.size}\n${file.sha256}`);
}

/** Bytewise UTF-8 order: the order of `manifest.files` and of the Merkle leaves. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
