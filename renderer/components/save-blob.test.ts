import { afterEach, describe, expect, it, vi } from 'vitest';
import { saveBlob } from './save-blob.ts';

/** Just enough of a document to watch the link saveBlob makes and clicks. */
function fakeDocument() {
  const events: string[] = [];
  const link = { href: '', download: '', rel: '', click: () => events.push(`click ${link.href} as ${link.download}`), remove: () => events.push('remove') };
  const doc = {
    createElement: (tag: string) => {
      events.push(`create ${tag}`);
      return link;
    },
    body: { appendChild: () => events.push('append') },
  } as unknown as Document;
  return { doc, link, events };
}

/** The blobs saveBlob hands to URL.createObjectURL, and the URLs it revokes. */
function watchObjectUrls() {
  const blobs: Blob[] = [];
  const revoked: string[] = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    blobs.push(blob as Blob);
    return `blob:test/${blobs.length}`;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url));
  return { blobs, revoked };
}

describe('saveBlob', () => {
  afterEach(() => vi.restoreAllMocks());

  it('clicks a detached download link to a blob of exactly the given bytes and type, then revokes it', async () => {
    const urls = watchObjectUrls();
    const { doc, link, events } = fakeDocument();
    saveBlob(new Uint8Array([0, 1, 2, 254, 255]), 'pack.tgz', 'application/gzip', doc);
    expect(events).toEqual(['create a', 'append', 'click blob:test/1 as pack.tgz', 'remove']);
    expect(link.rel).toBe('noopener');
    expect(urls.blobs[0]!.type).toBe('application/gzip');
    expect([...new Uint8Array(await urls.blobs[0]!.arrayBuffer())]).toEqual([0, 1, 2, 254, 255]);
    // Revoked once the click has been handled, not before.
    expect(urls.revoked).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    expect(urls.revoked).toEqual(['blob:test/1']);
  });

  it('keeps text as UTF-8 with the media type it was given', async () => {
    const urls = watchObjectUrls();
    saveBlob('région,Zürich\n', 'report.csv', 'text/csv;charset=utf-8', fakeDocument().doc);
    expect(urls.blobs[0]!.type).toBe('text/csv;charset=utf-8');
    expect([...new Uint8Array(await urls.blobs[0]!.arrayBuffer())]).toEqual([...new TextEncoder().encode('région,Zürich\n')]);
  });
});
