import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../src/shared/config';
import type { BackendReport } from '../../src/shared/api';
import { BackendError } from '../../src/shared/errors';
import { chooseBackend, describeChoice, type BackendProbe } from './backend-choice';
import { probeBackends } from './backend-probe';
import { loadBundledKernels } from './kernels/bundled-kernels';
import { CPU_KERNEL_SET, installCpuKernels } from './kernels/cpu/install-cpu-kernels';
import { describeProductThreads, startProductThreads } from './kernels/cpu/cpu-threads';
import { installWasmKernels, WASM_KERNEL_SET } from './kernels/install';
import { installWebGpuKernels, WEBGPU_KERNEL_SET } from './kernels/webgpu/install-webgpu';
import { useBundledWasm } from './wasm-files';
import { wantedWasmThreads, withWasmThreads } from './wasm-threads';

interface WebGpuBackendLike {
  device?: { lost: Promise<{ message: string; reason?: string }>; destroy(): void };
}

/** What a caller may choose beyond the backend: the bench measures WASM at 1 thread and at all. */
export interface BackendOptions {
  /** XNNPACK's threads on a fresh wasm backend; every logical core (at most 8) by default. */
  readonly wasmThreads?: number;
}

async function tryBackend(
  name: BackendName,
  probe: BackendProbe,
  options: BackendOptions,
): Promise<string | null> {
  try {
    const start = async () => {
      if (!(await tf.setBackend(name))) return false;
      await tf.ready();
      return true;
    };
    let started: boolean;
    if (name === 'wasm') {
      useBundledWasm();
      const threads = probe.wasm.kind === 'ready' && probe.wasm.threads;
      started = await withWasmThreads(options.wasmThreads ?? wantedWasmThreads(threads), start);
      if (started) wasmKernels = await installKernels();
    } else {
      started = await start();
      // Plain JavaScript, nothing to load: the CPU backend always runs the trainer's kernels,
      // their products on a helper per further core where the page is cross-origin isolated.
      if (started && name === 'cpu') {
        installCpuKernels();
        await startProductThreads();
      }
      // WGSL run by tfjs-webgpu itself: nothing to fetch or attach, so nothing that can fail here.
      if (started && name === 'webgpu') installWebGpuKernels();
    }
    return started ? null : `the ${name} backend failed to start`;
  } catch (err) {
    return `the ${name} backend failed to start: ${String(err)}`;
  }
}

/** Whether the trainer's wasm kernels run (their set), or why tfjs-wasm's own do instead. */
let wasmKernels: { ok: true } | { ok: false; reason: string } = { ok: false, reason: 'not tried' };

async function installKernels(): Promise<typeof wasmKernels> {
  try {
    await installWasmKernels(loadBundledKernels);
    return { ok: true };
  } catch (err) {
    // The op layer runs its composites then: slower, never wrong.
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** What the started backend runs on, for the badge. */
function detailOf(name: BackendName, probe: BackendProbe): string | null {
  if (name === 'wasm' && probe.wasm.kind === 'ready') {
    const threads = getThreadsCount();
    const cores = self.navigator.hardwareConcurrency;
    const why = !probe.wasm.threads
      ? `, ${probe.wasm.noThreads ?? 'the page is not cross-origin isolated'}`
      : ` of ${cores} logical core${cores === 1 ? '' : 's'}`;
    const kernels = wasmKernels.ok
      ? `trainer kernels ${WASM_KERNEL_SET}`
      : `tfjs kernels only (${wasmKernels.reason})`;
    return `${probe.wasm.simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${why}, ${kernels}`;
  }
  if (name === 'cpu') return `${describeProductThreads()}, trainer kernels ${CPU_KERNEL_SET}`;
  if (name === 'webgpu' && probe.webgpu.kind === 'adapter') {
    return `${probe.webgpu.info ? `${probe.webgpu.info}, ` : ''}trainer kernels ${WEBGPU_KERNEL_SET}`;
  }
  if (name === 'webgl' && probe.webgl.kind === 'context') return probe.webgl.renderer;
  return null;
}

/**
 * Starts the best backend by what is real and fast (see backend-choice.ts), or the forced one,
 * or, for a resumed run, the backend its snapshot was made on when it is still here. The report
 * says what runs and why the others were passed over. A forced backend that cannot start is an
 * error rather than a silent fallback.
 */
export async function selectBackend(
  forced: BackendName | null,
  previous: BackendName | null = null,
  options: BackendOptions = {},
): Promise<BackendReport> {
  const probe = await probeBackends(forced);
  const choice = chooseBackend({ probe, forced, previous });
  const failures = new Map<BackendName, string>();
  for (const name of choice.candidates) {
    const probed = name === 'cpu' ? null : probe[name];
    const reason =
      probed?.kind === 'missing' ? probed.reason : await tryBackend(name, probe, options);
    if (reason === null) {
      watchCurrentDevice();
      const text = describeChoice(choice, name, detailOf(name, probe), failures, previous);
      return { backend: name, fallbackReason: text };
    }
    failures.set(name, reason);
  }
  const reasons = [...choice.notes, ...failures].map(([, reason]) => reason);
  if (forced !== null) {
    throw new BackendError(
      `The forced backend "${forced}" is unavailable: ${failures.get(forced)}. Remove ?backend= from the URL to let the trainer choose.`,
    );
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

let lossListener: ((message: string) => void) | null = null;
const watchedDevices = new WeakSet<object>();
let lost = false;

/**
 * Whether the WebGPU device this worker computes on has been lost, waiting up to `ms` for the
 * loss to be reported: a readback cut short by the loss rejects ("Buffer was unmapped before
 * mapping was resolved") before device.lost resolves. Work that failed on a lost device failed
 * for that reason, not its own: the page restarts the worker, and the work goes on there.
 */
export async function deviceLost(ms = 2000): Promise<boolean> {
  if (lost) return true;
  if (tf.getBackend() !== 'webgpu') return false;
  const device = (tf.backend() as unknown as WebGpuBackendLike).device;
  if (device === undefined) return false;
  const reported = device.lost.then(() => true);
  return Promise.race([reported, new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

/** Watches the device of the WebGPU backend, if that is the one running now. */
function watchCurrentDevice(): void {
  if (tf.getBackend() !== 'webgpu' || lossListener === null) return;
  const device = (tf.backend() as unknown as WebGpuBackendLike).device;
  if (device === undefined || watchedDevices.has(device)) return;
  watchedDevices.add(device);
  void device.lost.then((info) => {
    // A resume may have moved the run to another backend since: then the loss does not matter.
    if (tf.getBackend() !== 'webgpu') return;
    lost = true;
    lossListener?.(info.message || info.reason || 'device lost');
  });
}

/**
 * Calls back once if the WebGPU device is lost (driver reset, GPU process crash) while WebGPU
 * is the backend, including when a later resume switches to WebGPU.
 */
export function watchDeviceLoss(onLost: (message: string) => void): void {
  lossListener = onLost;
  watchCurrentDevice();
}
