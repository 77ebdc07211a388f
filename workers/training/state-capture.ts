import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../src/shared/config';
import type { HostState, SnapshotPayload, TensorDType } from '../../src/shared/snapshot';
import { captureAdam, restoreAdam } from './adam-state';
import type { TextDataset } from './text-dataset';
import { TrainingSession } from './session';

/** A step-boundary copy of the whole state: host values plus device tensors to read later. */
export interface CapturedState {
  readonly host: HostState;
  /** [checkpoint name, tensor]; each is this capture's own reference, disposed after readback. */
  readonly tensors: readonly [string, tf.Tensor][];
}

/**
 * Phase one of a snapshot. tf.clone adds a reference to the same device buffer and tfjs never
 * writes a buffer in place (assign swaps buffers), so the copy costs no device work and the
 * loop goes on at once; the old buffers live until the readback has finished with them.
 */
export function captureState(session: TrainingSession): CapturedState {
  const tensors: [string, tf.Tensor][] = session.model.variables.map(({ name, variable }) => [
    `model/${name}`,
    tf.clone(variable),
  ]);
  tensors.push(...captureAdam(session.optimizer, session.model.variables).entries);
  return { host: session.hostState(), tensors };
}

export function disposeCaptured(captured: CapturedState): void {
  for (const [, tensor] of captured.tensors) tensor.dispose();
}

/** The tensor's bytes as a standalone buffer, little-endian as typed arrays are here. */
export async function tensorBytes(tensor: tf.Tensor): Promise<ArrayBuffer> {
  const values = (await tensor.data()) as Float32Array | Int32Array;
  // Backends may hand back their own storage (the CPU backend does): copy only when the view
  // does not span its buffer, and never mutate or transfer it.
  if (values.byteOffset === 0 && values.byteLength === values.buffer.byteLength) {
    return values.buffer as ArrayBuffer;
  }
  return values.slice().buffer;
}

export interface TensorData {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly data: ArrayBuffer;
}

/** Rebuilds a session from saved host state and tensors, exactly as it was captured. */
export async function restoreSession(
  config: RunConfig,
  dataset: TextDataset,
  host: HostState,
  tensors: readonly TensorData[],
): Promise<TrainingSession> {
  const session = TrainingSession.atState(config, dataset, host);
  try {
    await restoreTensors(session, tensors);
  } catch (err) {
    session.dispose();
    throw err;
  }
  return session;
}

/**
 * Puts saved weights and Adam state into a session whose host side is already at that
 * snapshot (a resume, or a rewind into the live session).
 */
export async function restoreTensors(
  session: TrainingSession,
  tensors: readonly TensorData[],
): Promise<void> {
  const loaded = new Map<string, tf.Tensor>();
  try {
    for (const t of tensors) {
      const values = t.dtype === 'int32' ? new Int32Array(t.data) : new Float32Array(t.data);
      loaded.set(t.name, tf.tensor(values, [...t.shape], t.dtype));
    }
    for (const { name, variable } of session.model.variables) {
      const value = loaded.get(`model/${name}`);
      if (value === undefined) throw new Error(`model/${name} is missing`);
      variable.assign(value);
    }
    await restoreAdam(session.optimizer, session.model.variables, (name) => loaded.get(name));
  } finally {
    for (const tensor of loaded.values()) tensor.dispose();
  }
}

/** A loaded snapshot's tensors with their bytes, as restoreTensors takes them. */
export function payloadTensors(payload: SnapshotPayload): TensorData[] {
  const { manifest, data } = payload;
  return manifest.tensors.map((t, i) => ({ ...t, data: data[i]! }));
}

/** Rebuilds a session from a loaded snapshot (its manifest is the host state). */
export function restorePayload(
  config: RunConfig,
  dataset: TextDataset,
  payload: SnapshotPayload,
): Promise<TrainingSession> {
  return restoreSession(config, dataset, payload.manifest, payloadTensors(payload));
}
