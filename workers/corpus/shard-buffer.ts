import { bytesPerToken, type ShardDtype } from './corpus-manifest';

/**
 * Collects ids into shards of `shardTokens`, as the bytes a shard file holds (little-endian,
 * as typed arrays are in every browser engine). Full shards are handed out as they fill.
 */
export class ShardBuffer {
  private current: Uint16Array | Uint32Array;
  private used = 0;
  private full: Uint8Array[] = [];

  constructor(
    readonly dtype: ShardDtype,
    private readonly shardTokens: number,
  ) {
    this.current = this.fresh();
  }

  append(ids: ArrayLike<number> & { subarray(a: number, b?: number): ArrayLike<number> }): void {
    let from = 0;
    while (from < ids.length) {
      const take = Math.min(this.shardTokens - this.used, ids.length - from);
      this.current.set(ids.subarray(from, from + take), this.used);
      this.used += take;
      from += take;
      if (this.used === this.shardTokens) {
        this.full.push(this.bytesOf(this.current));
        this.current = this.fresh();
        this.used = 0;
      }
    }
  }

  /** The shards filled since the last call, in order. */
  takeFull(): Uint8Array[] {
    const out = this.full;
    this.full = [];
    return out;
  }

  /** The last, partial shard (null when empty); call after the full ones are taken. */
  takeRest(): Uint8Array | null {
    if (this.used === 0) return null;
    const rest = this.bytesOf(this.current).subarray(0, this.used * bytesPerToken(this.dtype));
    this.used = 0;
    return rest;
  }

  private fresh(): Uint16Array | Uint32Array {
    return this.dtype === 'uint16'
      ? new Uint16Array(this.shardTokens)
      : new Uint32Array(this.shardTokens);
  }

  private bytesOf(a: Uint16Array | Uint32Array): Uint8Array {
    return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  }
}
