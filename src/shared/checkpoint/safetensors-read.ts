import { CheckpointFormatError, CheckpointLimitError, CheckpointTruncatedError } from '../errors';
import { MAX_HEADER_BYTES } from './limits';
import { CHOOSE_OURS, COPY_AGAIN, EXPORT_AGAIN } from './refusal-text';
import {
  parseSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors-header';

/** What the reader needs of a File or Blob; tests pass wrappers that record each slice. */
export type BlobSource = Pick<Blob, 'size' | 'slice'>;

export interface SafetensorsLayout extends SafetensorsHeader {
  /** Byte offset of the data section in the file: 8 + the header length. */
  readonly dataStart: number;
}

export const LENGTH_BYTES = 8;

/**
 * Reads and validates everything but the tensor bytes. It reads only the 8-byte length and then
 * the header (at most MAX_HEADER_BYTES), and it checks the data section's length against the
 * header from file.size alone, so a hostile file costs no more than its capped header.
 */
export async function readSafetensorsLayout(file: BlobSource): Promise<SafetensorsLayout> {
  if (file.size === 0)
    throw new CheckpointTruncatedError(`The file is empty (0 bytes). ${COPY_AGAIN}`);
  if (file.size < LENGTH_BYTES) {
    throw new CheckpointTruncatedError(
      `The file is only ${file.size} bytes, shorter than the 8-byte header length that starts ` +
        `every safetensors file. ${COPY_AGAIN}`,
    );
  }
  const prefix = await file.slice(0, LENGTH_BYTES).arrayBuffer();
  // Compared as BigInt: a u64 over 2^53 would round as a Number and could slip under a check.
  const declared = new DataView(prefix).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new CheckpointLimitError(
      `The file says its header is ${declared} bytes, over the ${MAX_HEADER_BYTES}-byte limit ` +
        `of this importer, so it was not read. The file is damaged or not a checkpoint of this ` +
        `trainer. ${CHOOSE_OURS}`,
    );
  }
  const headerBytes = Number(declared);
  if (LENGTH_BYTES + headerBytes > file.size) {
    throw new CheckpointTruncatedError(
      `The header length (${headerBytes} bytes) exceeds the file: only ` +
        `${file.size - LENGTH_BYTES} bytes follow it. ${COPY_AGAIN}`,
    );
  }
  const raw = await file.slice(LENGTH_BYTES, LENGTH_BYTES + headerBytes).arrayBuffer();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new CheckpointFormatError(
      `The checkpoint header is not valid UTF-8 text. ${EXPORT_AGAIN}`,
    );
  }
  const header = parseSafetensorsHeader(text);
  const dataStart = LENGTH_BYTES + headerBytes;
  const available = file.size - dataStart;
  if (available < header.dataBytes) {
    throw new CheckpointTruncatedError(
      `The data section is ${available} bytes, shorter than the ${header.dataBytes} bytes the ` +
        `header says (the file is truncated). ${COPY_AGAIN}`,
    );
  }
  if (available > header.dataBytes) {
    throw new CheckpointFormatError(
      `The file has ${available - header.dataBytes} bytes after the last tensor that the header ` +
        `does not describe. ${EXPORT_AGAIN}`,
    );
  }
  return { ...header, dataStart };
}

/** One tensor's bytes as its own ArrayBuffer, ready to hand to tfjs or the snapshot store. */
export function readTensorBytes(
  file: BlobSource,
  layout: SafetensorsLayout,
  entry: SafetensorsEntry,
): Promise<ArrayBuffer> {
  return file.slice(layout.dataStart + entry.begin, layout.dataStart + entry.end).arrayBuffer();
}
