import { badRedactionInput } from './redaction-error.ts';

/** Embeddings are stored as little-endian float32: 4 bytes per dimension. */
export const MIN_DIMENSION = 2;
export const MAX_DIMENSION = 4096;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function checkDimension(dimension: number, where = 'dimension'): number {
  if (!Number.isInteger(dimension) || dimension < MIN_DIMENSION || dimension > MAX_DIMENSION) {
    throw badRedactionInput(where, `must be a whole number from ${MIN_DIMENSION} to ${MAX_DIMENSION}, got ${dimension}`, { value: dimension });
  }
  return dimension;
}

/** The stored bytes of an embedding (a copy: the caller's array stays its own). */
export function encodeEmbedding(vector: ArrayLike<number>, dimension: number, where = 'embedding'): Buffer {
  if (vector.length !== dimension) throw badRedactionInput(where, `has ${vector.length} dimensions, the store holds ${dimension}`, { length: vector.length, dimension });
  const out = Buffer.alloc(dimension * 4);
  for (let i = 0; i < dimension; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) throw badRedactionInput(where, `component ${i} is ${x}, not a finite number`, { index: i });
    out.writeFloatLE(x, i * 4);
  }
  return out;
}

/** Float32 view of stored bytes (copied when unaligned or on a big-endian machine). */
export function decodeEmbedding(bytes: Uint8Array, dimension: number): Float32Array {
  if (bytes.byteLength !== dimension * 4) throw badRedactionInput('embedding', `holds ${bytes.byteLength} bytes, expected ${dimension * 4}`);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, dimension);
  const out = new Float32Array(dimension);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < dimension; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Squared Euclidean distance between a probe and stored bytes, without allocating. */
export function squaredDistance(probe: Float32Array, bytes: Uint8Array): number {
  const stored = decodeEmbedding(bytes, probe.length);
  let sum = 0;
  for (let i = 0; i < probe.length; i++) {
    const d = probe[i]! - stored[i]!;
    sum += d * d;
  }
  return sum;
}
