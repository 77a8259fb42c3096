/** An append-only list of numbers backed by a Float64Array: 8 bytes per id, no boxing. */
export class GrowableIds {
  #buf: Float64Array;
  #length = 0;

  constructor(initialCapacity = 1024) {
    this.#buf = new Float64Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#buf.length) {
      const next = new Float64Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf[this.#length++] = value;
  }

  pushAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]!);
  }

  /** An exact-length copy. */
  toArray(): Float64Array {
    return this.#buf.slice(0, this.#length);
  }
}
