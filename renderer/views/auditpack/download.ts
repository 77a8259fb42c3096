import type { DownloadFile } from '../../../shared/api/auditpack.ts';
import { saveBlob } from '../../components/save-blob.ts';

/** The base64 the workbench sent, as bytes. */
export function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Hands a download to the browser as a file. Returns false when the file has no bytes to
 * hand over (a pack over the download limit: the caller shows its path instead).
 */
export function saveDownload(file: DownloadFile, doc: Document = document): boolean {
  if (file.base64 === null) return false;
  saveBlob(bytesOf(file.base64), file.fileName, file.mediaType, doc);
  return true;
}
