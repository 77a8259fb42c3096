/**
 * Hands bytes to the browser as a file download. A blob URL keeps the bytes exactly as the
 * workbench produced them (the digest shown beside the button matches the file) and needs
 * no network.
 */
export function saveBlob(data: BlobPart, fileName: string, mediaType: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([data], { type: mediaType }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
