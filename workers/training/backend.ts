import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { BACKENDS, type BackendName } from '../../src/shared/config';
import type { BackendReport } from '../../src/shared/api';
import { BackendError } from '../../src/shared/errors';

interface WebGpuBackendLike {
  device?: { lost: Promise<{ message: string; reason?: string }>; destroy(): void };
}

async function whyNotWebGpu(): Promise<string | null> {
  const gpu = (self.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'this browser has no WebGPU (navigator.gpu is missing)';
  try {
    if ((await gpu.requestAdapter()) === null) return 'WebGPU found no GPU adapter';
  } catch (err) {
    return `WebGPU adapter request failed: ${String(err)}`;
  }
  return null;
}

async function tryBackend(name: BackendName): Promise<string | null> {
  if (name === 'webgpu') {
    const reason = await whyNotWebGpu();
    if (reason !== null) return reason;
  }
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return null;
    }
    return `the ${name} backend failed to start`;
  } catch (err) {
    return `the ${name} backend failed to start: ${String(err)}`;
  }
}

/**
 * WebGPU first, then WebGL, then the CPU; the report says why a better backend was skipped. A
 * forced backend that cannot start is an error rather than a silent fallback.
 */
export async function selectBackend(forced: BackendName | null): Promise<BackendReport> {
  if (forced !== null) {
    const reason = await tryBackend(forced);
    if (reason !== null) {
      throw new BackendError(
        `The forced backend "${forced}" is unavailable: ${reason}. Remove ?backend= from the URL to let the trainer choose.`,
      );
    }
    return { backend: forced, fallbackReason: null };
  }
  const reasons: string[] = [];
  for (const name of BACKENDS) {
    const reason = await tryBackend(name);
    if (reason === null) {
      return { backend: name, fallbackReason: reasons.length > 0 ? reasons.join('; ') : null };
    }
    reasons.push(reason);
  }
  throw new BackendError(
    `No tfjs backend could start (${reasons.join('; ')}). Try another browser.`,
  );
}

/** Destroys the WebGPU device, which the browser reports through device.lost like a real loss. */
export function destroyDevice(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const device = (tf.backend() as unknown as WebGpuBackendLike).device;
  device?.destroy();
  return device !== undefined;
}

/** Calls back once if the WebGPU device is lost (driver reset, GPU process crash). */
export function watchDeviceLoss(onLost: (message: string) => void): void {
  if (tf.getBackend() !== 'webgpu') return;
  const device = (tf.backend() as unknown as WebGpuBackendLike).device;
  void device?.lost.then((info) => onLost(info.message || info.reason || 'device lost'));
}
