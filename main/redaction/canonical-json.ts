/**
 * RFC 8785 (JCS) canonical JSON, streamed. The plans of a 10M-vector purge hold tens of
 * millions of ids, so the writer emits chunks instead of one string and treats typed
 * arrays (the id lists) as arrays of numbers. For the value types plans use — objects,
 * arrays, strings, finite numbers, booleans, null — JCS is exactly: keys sorted by UTF-16
 * code units, no whitespace, strings and numbers as ECMAScript's JSON.stringify writes them.
 */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | Float64Array
  | Uint32Array
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

export class CanonicalJsonError extends Error {
  readonly code = 'BAD_INPUT';
  override name = 'CanonicalJsonError';
}

const CHUNK = 8192;

/** Calls `sink` with consecutive pieces whose concatenation is the canonical JSON of `value`. */
export function writeCanonical(value: CanonicalValue, sink: (chunk: string) => void, path = '$'): void {
  if (value === null) return sink('null');
  switch (typeof value) {
    case 'boolean':
      return sink(value ? 'true' : 'false');
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path}: ${value} has no JSON form`);
      return sink(JSON.stringify(value));
    case 'string':
      return sink(JSON.stringify(value));
  }
  if (value instanceof Float64Array || value instanceof Uint32Array) {
    sink('[');
    for (let i = 0; i < value.length; i += CHUNK) {
      const part = value.subarray(i, Math.min(value.length, i + CHUNK));
      for (const n of part) if (!Number.isFinite(n)) throw new CanonicalJsonError(`${path}[${i}]: ${n} has no JSON form`);
      sink((i === 0 ? '' : ',') + Array.prototype.join.call(part, ','));
    }
    return sink(']');
  }
  if (Array.isArray(value)) {
    sink('[');
    (value as readonly CanonicalValue[]).forEach((v, i) => {
      if (i > 0) sink(',');
      writeCanonical(v, sink, `${path}[${i}]`);
    });
    return sink(']');
  }
  if (typeof value === 'object') {
    const obj = value as { readonly [key: string]: CanonicalValue | undefined };
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    sink('{');
    keys.forEach((k, i) => {
      sink((i > 0 ? ',' : '') + JSON.stringify(k) + ':');
      writeCanonical(obj[k]!, sink, `${path}.${k}`);
    });
    return sink('}');
  }
  throw new CanonicalJsonError(`${path}: ${typeof value} has no JSON form`);
}

/** The canonical JSON as one string (for small values: receipts, certificates). */
export function canonicalJson(value: CanonicalValue): string {
  const parts: string[] = [];
  writeCanonical(value, (c) => parts.push(c));
  return parts.join('');
}
