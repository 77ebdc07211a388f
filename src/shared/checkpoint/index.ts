/** The checkpoint file format: safetensors with this trainer's metadata. */
export { encodeCheckpoint, checkpointFileName, CHECKPOINT_EXTENSION } from './checkpoint-write';
export {
  decodeCheckpoint,
  toSnapshotPayload,
  type CheckpointManifest,
  type DecodedCheckpoint,
  type DecodeOptions,
} from './checkpoint-read';
export type { BlobSource } from './safetensors-read';
export {
  CURRENT_FORMAT_VERSION,
  FORMAT_NAME,
  OLDEST_FORMAT_VERSION,
  formatTag,
} from './format-version';
export { MAX_ENTRY_CHARS, MAX_HEADER_BYTES, MAX_RANK, MAX_TENSORS } from './limits';
