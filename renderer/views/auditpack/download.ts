import type { DownloadFile } from '../../../shared/api/auditpack.ts';

/** The base64 the workbench sent, as bytes. */
export function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Hands a download to the browser as a file. A blob URL keeps the bytes exactly as the
 * workbench produced them (the SHA-256 shown matches the file) and needs no network.
 * Returns false when the file has no bytes to hand over (a pack over the download limit:
 * the caller shows its path instead).
 */
export function saveDownload(file: DownloadFile, doc: Document = document): boolean {
  if (file.base64 === null) return false;
  const url = URL.createObjectURL(new Blob([bytesOf(file.base64)], { type: file.mediaType }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.rel = 'noopener';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return true;
}
