import { createHash } from 'node:crypto';

/**
 * The digest a receipt carries: SHA-256 over the batch's ids in ascending order, each as an
 * 8-byte big-endian unsigned integer. Anyone with the plan's id list can recompute it.
 */
export function idsDigest(sortedIds: ArrayLike<number>): string {
  const buf = Buffer.allocUnsafe(sortedIds.length * 8);
  for (let i = 0; i < sortedIds.length; i++) {
    const id = sortedIds[i]!;
    buf.writeUInt32BE(Math.floor(id / 0x1_0000_0000), i * 8);
    buf.writeUInt32BE(id % 0x1_0000_0000, i * 8 + 4);
  }
  return createHash('sha256').update(buf).digest('hex');
}

/** Ascending copy of ids as a Float64Array (safe integers sort exactly as doubles). */
export function sortedIds(ids: ArrayLike<number>): Float64Array {
  return Float64Array.from(ids).sort();
}
