import { bytesPerToken, type ShardDtype } from './corpus-manifest';

type ShardArray = Uint16Array | Uint32Array;

/**
 * Collects ids into shards of `shardTokens`, as the bytes a shard file holds (little-endian,
 * as typed arrays are in every browser engine). Full shards are handed out as they fill.
 *
 * A shard handed out is a view of the buffer's own memory, valid until the next append: write
 * it out before appending more (tokenize-corpus.ts commits each chunk's shards before the next
 * chunk). Reusing the memory matters: a fresh 16 MiB array per shard cost a page fault per
 * 4 KiB written and full garbage collections to return the old ones.
 */
export class ShardBuffer {
  private current: ShardArray;
  private used = 0;
  private full: ShardArray[] = [];
  private handedOut: ShardArray[] = [];
  private readonly spare: ShardArray[] = [];

  constructor(
    readonly dtype: ShardDtype,
    private readonly shardTokens: number,
  ) {
    this.current = this.fresh();
  }

  append(ids: Uint8Array | Uint16Array | Uint32Array): void {
    if (this.handedOut.length > 0) this.recycle();
    const n = ids.length;
    if (n <= this.shardTokens - this.used) {
      // The common case, a document inside the shard: one copy (TypedArray.set converts bytes
      // to uint16 natively), no views made.
      this.current.set(ids, this.used);
      this.used += n;
      if (this.used === this.shardTokens) this.seal();
      return;
    }
    let from = 0;
    while (from < n) {
      const take = Math.min(this.shardTokens - this.used, n - from);
      this.current.set(ids.subarray(from, from + take), this.used);
      this.used += take;
      from += take;
      if (this.used === this.shardTokens) this.seal();
    }
  }

  /** The shards filled since the last call, in order. */
  takeFull(): Uint8Array[] {
    const out = this.full;
    this.full = [];
    this.handedOut.push(...out);
    return out.map((a) => this.bytesOf(a));
  }

  /** The last, partial shard (null when empty); call after the full ones are taken. */
  takeRest(): Uint8Array | null {
    if (this.used === 0) return null;
    const rest = this.bytesOf(this.current).subarray(0, this.used * bytesPerToken(this.dtype));
    this.used = 0;
    return rest;
  }

  private seal(): void {
    this.full.push(this.current);
    this.current = this.fresh();
    this.used = 0;
  }

  private recycle(): void {
    this.spare.push(...this.handedOut);
    this.handedOut = [];
  }

  private fresh(): ShardArray {
    const reused = this.spare.pop();
    if (reused !== undefined) return reused;
    return this.dtype === 'uint16'
      ? new Uint16Array(this.shardTokens)
      : new Uint32Array(this.shardTokens);
  }

  private bytesOf(a: ShardArray): Uint8Array {
    return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  }
}
