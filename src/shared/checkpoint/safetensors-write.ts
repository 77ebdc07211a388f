import { byteSize, type TensorBytes } from '../snapshot';
import { CheckpointLimitError } from '../errors';
import { elementCount } from '../model-spec';
import { MAX_HEADER_BYTES } from './limits';
import { dtypeBytes, type SafetensorsDType } from './safetensors-dtype';
import { METADATA_KEY } from './safetensors-header';

export interface TensorToWrite {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly data: TensorBytes;
}

const SPACE = 0x20;

function jsonObject(members: readonly (readonly [string, string])[]): string {
  // Built by hand rather than from an object so that member order is exactly the given order.
  return `{${members.map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(',')}}`;
}

/**
 * The 8-byte little-endian length followed by the UTF-8 JSON header, padded with spaces so the
 * data section starts on an 8-byte boundary (safetensors' rule, so readers can map F64 in place).
 */
export function encodeSafetensorsHeader(
  tensors: readonly Omit<TensorToWrite, 'data'>[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array<ArrayBuffer> {
  const members: [string, string][] = [
    [METADATA_KEY, jsonObject(Object.entries(metadata).map(([k, v]) => [k, JSON.stringify(v)]))],
  ];
  let offset = 0;
  for (const t of tensors) {
    const end = offset + elementCount(t.shape) * dtypeBytes(t.dtype);
    members.push([
      t.name,
      JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] }),
    ]);
    offset = end;
  }
  const json = new TextEncoder().encode(jsonObject(members));
  const padded = Math.ceil(json.length / 8) * 8;
  // The app must never write a file that its own importer refuses.
  if (padded > MAX_HEADER_BYTES) {
    throw new CheckpointLimitError(
      `The checkpoint header would be ${padded} bytes, over the ${MAX_HEADER_BYTES}-byte limit ` +
        `that import accepts (the loss history is too long to export).`,
    );
  }
  const out = new Uint8Array(8 + padded);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(SPACE, 8 + json.length);
  return out;
}

/**
 * The parts of a whole safetensors file, to hand to `new Blob(parts)`: the header and then each
 * tensor's own buffer, so the file is assembled without first copying every tensor into one.
 */
export function safetensorsParts(
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>>,
): BlobPart[] {
  for (const t of tensors) {
    const expected = elementCount(t.shape) * dtypeBytes(t.dtype);
    if (byteSize(t.data) !== expected) {
      throw new RangeError(
        `tensor ${t.name} has ${byteSize(t.data)} bytes, its shape ` +
          `[${t.shape.join(', ')}] needs ${expected}`,
      );
    }
  }
  return [encodeSafetensorsHeader(tensors, metadata), ...tensors.map((t) => t.data)];
}
