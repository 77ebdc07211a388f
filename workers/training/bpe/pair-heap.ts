/** Whether (count a, key a) is popped before (count b, key b). */
function ahead(countA: number, keyA: number, countB: number, keyB: number): boolean {
  return countA > countB || (countA === countB && keyA < keyB);
}

/**
 * The trainer's queue of pairs: a binary max-heap of (count, pair key), the larger count
 * first and, between equal counts, the smaller key (the pair with the smaller left id, then
 * the smaller right id). Entries go stale as counts fall; the trainer checks each it pops.
 */
export class PairHeap {
  private counts = new Float64Array(1024);
  private keys = new Int32Array(1024);
  private length = 0;

  get size(): number {
    return this.length;
  }

  /** The top entry's count and key: call only when size > 0. */
  topCount(): number {
    return this.counts[0]!;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  push(count: number, key: number): void {
    if (this.length === this.keys.length) {
      const counts = new Float64Array(this.length * 2);
      counts.set(this.counts);
      const keys = new Int32Array(this.length * 2);
      keys.set(this.keys);
      [this.counts, this.keys] = [counts, keys];
    }
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!ahead(count, key, this.counts[parent]!, this.keys[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.counts[i] = count;
    this.keys[i] = key;
  }

  /** Removes the top entry. */
  pop(): void {
    const last = --this.length;
    const count = this.counts[last]!;
    const key = this.keys[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (
        right < last &&
        ahead(this.counts[right]!, this.keys[right]!, this.counts[child]!, this.keys[child]!)
      ) {
        child = right;
      }
      if (!ahead(this.counts[child]!, this.keys[child]!, count, key)) break;
      this.move(child, i);
      i = child;
    }
    this.counts[i] = count;
    this.keys[i] = key;
  }

  private move(from: number, to: number): void {
    this.counts[to] = this.counts[from]!;
    this.keys[to] = this.keys[from]!;
  }
}
