/** The first index of an ascending Float64Array whose value is ≥ `value` (binary search). */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Binary search in an ascending Float64Array. */
export function contains(sorted: Float64Array, value: number): boolean {
  const i = lowerBound(sorted, value);
  return i < sorted.length && sorted[i] === value;
}

/** The ids of an ascending list from `first` through `last` (integers), as a view. */
export function idsBetween(sorted: Float64Array, first: number, last: number): Float64Array {
  return sorted.subarray(lowerBound(sorted, first), lowerBound(sorted, last + 1));
}

/** What two ascending id lists disagree on: ids only in `expected` (missing) and only in `actual` (unexpected). */
export function diffSorted(expected: Float64Array, actual: Float64Array, limit = 20): { missing: number[]; missingCount: number; unexpected: number[]; unexpectedCount: number } {
  const missing: number[] = [];
  const unexpected: number[] = [];
  let missingCount = 0;
  let unexpectedCount = 0;
  let i = 0;
  let j = 0;
  while (i < expected.length || j < actual.length) {
    const e = i < expected.length ? expected[i]! : Infinity;
    const a = j < actual.length ? actual[j]! : Infinity;
    if (e === a) {
      i++;
      j++;
    } else if (e < a) {
      if (missing.length < limit) missing.push(e);
      missingCount++;
      i++;
    } else {
      if (unexpected.length < limit) unexpected.push(a);
      unexpectedCount++;
      j++;
    }
  }
  return { missing, missingCount, unexpected, unexpectedCount };
}

export function equalSorted(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
