import { TlogError } from './tlog-error.ts';

/** Entries are length-prefixed with a big-endian uint16. */
export const MAX_ENTRY_BYTES = 0xffff;

/** An entry bundle: each entry as a big-endian uint16 length followed by its bytes. */
export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const e of entries) total += 2 + e.length;
  const out = Buffer.allocUnsafe(total);
  let off = 0;
  entries.forEach((e, i) => {
    if (e.length > MAX_ENTRY_BYTES) throw new TlogError('BAD_INPUT', `entry ${i} is ${e.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`);
    out.writeUInt16BE(e.length, off);
    out.set(e, off + 2);
    off += 2 + e.length;
  });
  return out;
}

/** Decodes an entry bundle that must hold exactly `count` entries; BAD_TILE names `where` otherwise. */
export function decodeBundle(data: Uint8Array, count: number, where: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < data.length) {
    if (off + 2 > data.length) throw new TlogError('BAD_TILE', `${where}: truncated length prefix at byte ${off}`);
    const len = (data[off]! << 8) | data[off + 1]!;
    if (off + 2 + len > data.length) throw new TlogError('BAD_TILE', `${where}: entry ${out.length} runs past the end of the bundle`);
    out.push(data.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  if (out.length !== count) throw new TlogError('BAD_TILE', `${where}: holds ${out.length} entries, expected ${count}`);
  return out;
}
