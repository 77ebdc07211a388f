import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../src/shared/config';
import { probesRead, type BackendProbe, type ProbedBackend } from './backend-choice';

// WEBGL_debug_renderer_info.UNMASKED_RENDERER_WEBGL
const UNMASKED_RENDERER = 0x9246;

interface AdapterLike {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly device?: string;
    readonly description?: string;
    readonly isFallbackAdapter?: boolean;
  };
  /** Older Chromium spells it on the adapter, newer on its info. */
  readonly isFallbackAdapter?: boolean;
}
type GpuLike = { requestAdapter(): Promise<AdapterLike | null> };

async function probeWebGpu(): Promise<BackendProbe['webgpu']> {
  const gpu = (self.navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (gpu === undefined) {
    return { kind: 'missing', reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (err) {
    return { kind: 'missing', reason: `WebGPU adapter request failed: ${String(err)}` };
  }
  if (adapter === null) return { kind: 'missing', reason: 'WebGPU found no GPU adapter' };
  const info = adapter.info ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description]
    .filter((part) => !!part)
    .join(' ');
  return {
    kind: 'adapter',
    info: text,
    isFallbackAdapter: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true,
  };
}

function webgl2(attributes: WebGLContextAttributes): WebGL2RenderingContext | null {
  try {
    return new OffscreenCanvas(1, 1).getContext('webgl2', attributes);
  } catch {
    return null;
  }
}

function release(gl: WebGL2RenderingContext | null): void {
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
}

function probeWebGl(): BackendProbe['webgl'] {
  if (typeof OffscreenCanvas === 'undefined') {
    return { kind: 'missing', reason: 'this browser has no OffscreenCanvas for WebGL in a worker' };
  }
  const fast = webgl2({ failIfMajorPerformanceCaveat: true });
  release(fast);
  const gl = webgl2({});
  if (gl === null) return { kind: 'missing', reason: 'WebGL 2 is unavailable' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug === null ? gl.RENDERER : UNMASKED_RENDERER));
  release(gl);
  return { kind: 'context', renderer, majorPerformanceCaveat: fast === null };
}

/**
 * Why this engine must not start tfjs's threaded WASM build, or null. Firefox (ESR 153, measured
 * here): the threaded build's start hung in 2 page loads of 6, the worker never finishing
 * `setBackend('wasm')`, while 8 loads of 8 started on the single-threaded SIMD build. A race
 * cannot be detected as a feature can, so the engine is named.
 */
function threadsUnsafe(): string | null {
  return /\bFirefox\//.test(self.navigator.userAgent)
    ? 'threads are off in Firefox, where tfjs’s threaded build can hang as it starts'
    : null;
}

/** Why threads are unavailable, for a browser whose tfjs flag says so. */
function threadsMissing(): string {
  if (!self.crossOriginIsolated) return 'the page is not cross-origin isolated';
  if (typeof SharedArrayBuffer === 'undefined') return 'this browser has no SharedArrayBuffer';
  return 'this browser has no WebAssembly threads';
}

async function probeWasm(): Promise<BackendProbe['wasm']> {
  if (typeof WebAssembly === 'undefined') {
    return { kind: 'missing', reason: 'this browser has no WebAssembly' };
  }
  const unsafe = threadsUnsafe();
  // tfjs-backend-wasm picks its binary by this flag: set before the backend starts.
  if (unsafe !== null) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  const noThreads = threads === true ? null : (unsafe ?? threadsMissing());
  return { kind: 'ready', simd: simd === true, threads: threads === true, noThreads };
}

const probes: { readonly [K in ProbedBackend]: () => Promise<BackendProbe[K]> } = {
  webgpu: probeWebGpu,
  webgl: async () => probeWebGl(),
  wasm: probeWasm,
};

/** Each backend is looked at once per worker: adapters and contexts do not change under a page. */
const looked = new Map<ProbedBackend, Promise<BackendProbe[ProbedBackend]>>();

function lookAt<K extends ProbedBackend>(name: K): Promise<BackendProbe[K]> {
  if (!looked.has(name)) looked.set(name, probes[name]());
  return looked.get(name) as Promise<BackendProbe[K]>;
}

/**
 * What the choice needs to know about the backends (see probesRead): the rest are reported
 * missing, unlooked at, which a forced choice never reads. The looks run together: the adapter
 * request and the WebAssembly checks wait on other threads while the WebGL contexts are made.
 */
export async function probeBackends(forced: BackendName | null): Promise<BackendProbe> {
  const read = probesRead(forced);
  const skipped = {
    kind: 'missing',
    reason: `not looked at: ?backend=${forced} is forced`,
  } as const;
  const look = <K extends ProbedBackend>(name: K): Promise<BackendProbe[K] | typeof skipped> =>
    read.includes(name) ? lookAt(name) : Promise.resolve(skipped);
  const [webgpu, webgl, wasm] = await Promise.all([look('webgpu'), look('webgl'), look('wasm')]);
  return { webgpu, webgl, wasm };
}
