import type { ReportExport } from '../../../shared/api/residency.ts';

/**
 * Hands an export to the browser as a file download. A blob URL keeps the bytes exactly as
 * the workbench produced them (the digest shown matches the file) and needs no network.
 */
export function downloadExport(file: ReportExport, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: `${file.mediaType};charset=utf-8` }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.rel = 'noopener';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
