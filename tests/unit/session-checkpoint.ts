import { encodeCheckpoint } from '../../src/shared/checkpoint';
import { sha256Hex } from '../../src/shared/hash';
import type { DatasetInfo, SnapshotPayload, TensorRecord } from '../../src/shared/snapshot';
import type { TrainingSession } from '../../workers/training/session';
import { captureState, disposeCaptured, tensorBytes } from '../../workers/training/state-capture';

/**
 * A session's state as checkpoint file bytes, with every field that is not training state fixed
 * (time, versions, names), so the same session always gives the same bytes.
 */
export async function sessionCheckpoint(
  session: TrainingSession,
  dataset: DatasetInfo,
  runName = 'golden run',
): Promise<Uint8Array<ArrayBuffer>> {
  const captured = captureState(session);
  const tensors: TensorRecord[] = [];
  const data: ArrayBuffer[] = [];
  for (const [name, tensor] of captured.tensors) {
    const bytes = (await tensorBytes(tensor)).slice(0);
    tensors.push({
      name,
      dtype: tensor.dtype as 'float32' | 'int32',
      shape: tensor.shape,
      byteLength: bytes.byteLength,
      sha256: await sha256Hex(bytes),
    });
    data.push(bytes);
  }
  disposeCaptured(captured);
  const payload: SnapshotPayload = {
    manifest: {
      ...captured.host,
      trainingMs: 0,
      id: 'golden',
      runId: 'golden',
      createdAt: Date.UTC(2025, 0, 1),
      trigger: 'manual',
      config: session.config,
      dataset,
      backend: 'cpu',
      appVersion: 'golden',
      tfjsVersion: 'golden',
      tensors,
      bytes: data.reduce((sum, b) => sum + b.byteLength, 0),
      valLoss: null,
      pinned: false,
    },
    data,
  };
  return new Uint8Array(await encodeCheckpoint(payload, runName).arrayBuffer());
}
