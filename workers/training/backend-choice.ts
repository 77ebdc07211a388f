import type { BackendName } from '../../src/shared/config';

/** What the worker found out about each backend before starting any (see backend-probe.ts). */
export interface BackendProbe {
  readonly webgpu:
    | { readonly kind: 'missing'; readonly reason: string }
    | {
        readonly kind: 'adapter';
        /** GPUAdapterInfo's vendor, architecture, device and description, joined. */
        readonly info: string;
        readonly isFallbackAdapter: boolean;
      };
  readonly webgl:
    | { readonly kind: 'missing'; readonly reason: string }
    | {
        readonly kind: 'context';
        /** The unmasked renderer string (WEBGL_debug_renderer_info), else RENDERER. */
        readonly renderer: string;
        /** A context with failIfMajorPerformanceCaveat was refused: the browser says it is slow. */
        readonly majorPerformanceCaveat: boolean;
      };
  readonly wasm:
    | { readonly kind: 'missing'; readonly reason: string }
    | {
        readonly kind: 'ready';
        readonly simd: boolean;
        readonly threads: boolean;
        /** Why the backend runs without threads; null when it runs with them. */
        readonly noThreads?: string | null;
      };
}

export interface BackendChoiceInput {
  readonly probe: BackendProbe;
  /** ?backend=: only this one is tried. */
  readonly forced: BackendName | null;
  /** The backend the resumed snapshot was made on; null for a new run. */
  readonly previous: BackendName | null;
}

/** The backends to try, best first; the first that starts is used. */
export interface BackendChoice {
  readonly candidates: readonly BackendName[];
  /** Why each backend was passed over or ranked down, in the product's order of preference. */
  readonly notes: ReadonlyMap<BackendName, string>;
  /** Why the list starts where it does: forced, or kept from the run. */
  readonly lead: string | null;
}

// Software rasterizers and fallback adapters, as adapter info and renderer strings name them.
const SOFTWARE_GPUS: readonly [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/softpipe/i, 'softpipe'],
  [/basic render/i, 'Microsoft Basic Render Driver'],
  [/\bwarp\b/i, 'WARP'],
  [/software/i, 'a software renderer'],
];

/** The name of the software GPU a string describes, or null for anything else. */
export function softwareGpu(text: string): string | null {
  for (const [pattern, name] of SOFTWARE_GPUS) if (pattern.test(text)) return name;
  return null;
}

/** The product's order when every backend is real: a GPU first, then the fastest CPU path. */
const PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The backends a probe looks at (the CPU backend is always there). */
export type ProbedBackend = keyof BackendProbe;

/**
 * The probes a choice reads: every one for the automatic choice; for a forced backend, its own
 * and those of the backends before it in PREFERENCE, whose notes its badge gives (describeChoice
 * stops at the chosen one). The rest need not be looked at: a worker started with
 * ?backend=webgpu then opens no WebGL contexts and asks nothing of WebAssembly.
 */
export function probesRead(forced: BackendName | null): ProbedBackend[] {
  const upTo = forced === null ? PREFERENCE.length : PREFERENCE.indexOf(forced) + 1;
  return PREFERENCE.slice(0, upTo).filter((name): name is ProbedBackend => name !== 'cpu');
}

function softwareNote(probe: BackendProbe, name: 'webgpu' | 'webgl'): string | null {
  if (name === 'webgpu') {
    const gpu = probe.webgpu;
    if (gpu.kind !== 'adapter') return null;
    const soft = softwareGpu(gpu.info);
    if (soft !== null) return `WebGPU adapter is ${soft}, a software GPU`;
    if (gpu.isFallbackAdapter) return 'WebGPU adapter is a fallback (software) adapter';
    return null;
  }
  const gl = probe.webgl;
  if (gl.kind !== 'context') return null;
  const soft = softwareGpu(gl.renderer);
  if (soft !== null) return `WebGL renders on ${soft}, a software GPU`;
  if (gl.majorPerformanceCaveat) return 'WebGL has a major performance caveat (software rendering)';
  return null;
}

function missingNote(probe: BackendProbe, name: BackendName): string | null {
  if (name === 'cpu') return null;
  const p = probe[name];
  return p.kind === 'missing' ? p.reason : null;
}

/**
 * Orders the backends by what is real and fast. A real GPU (WebGPU, then WebGL) comes first;
 * then WebAssembly, then the plain-JS CPU backend; a software GPU (an emulation on the CPU
 * that shares its cores) comes last, behind both CPU paths. A forced backend is the only
 * candidate. A resumed run keeps its previous backend when that one is present, so its
 * continuation stays bitwise exact.
 */
export function chooseBackend({ probe, forced, previous }: BackendChoiceInput): BackendChoice {
  const notes = new Map<BackendName, string>();
  const real: BackendName[] = [];
  const software: BackendName[] = [];
  for (const name of PREFERENCE) {
    const missing = missingNote(probe, name);
    if (missing !== null) {
      notes.set(name, missing);
      continue;
    }
    const soft = name === 'webgpu' || name === 'webgl' ? softwareNote(probe, name) : null;
    if (soft !== null) {
      notes.set(name, soft);
      software.push(name);
    } else real.push(name);
  }
  // Of two software GPUs, WebGL's kernels have measured faster than WebGPU's on SwiftShader.
  const ranked = [...real, ...software.reverse()];
  if (forced !== null) {
    return { candidates: [forced], notes, lead: `forced by ?backend=${forced}` };
  }
  if (previous !== null && ranked.includes(previous)) {
    const lead =
      previous === ranked[0]
        ? null
        : `kept from the run's snapshots, so the resume is bitwise exact (${ranked[0]} would rank first)`;
    return { candidates: [previous, ...ranked.filter((b) => b !== previous)], notes, lead };
  }
  return { candidates: ranked, notes, lead: null };
}

/**
 * The text beside the badge's name: the backend's detail, and why the backends ranked above it
 * were passed over; for a resumed run on another backend than its snapshot's, that the
 * continuation is exact only up to float rounding. Null when there is nothing to say.
 */
export function describeChoice(
  choice: BackendChoice,
  chosen: BackendName,
  detail: string | null,
  failures: ReadonlyMap<BackendName, string>,
  previous: BackendName | null,
): string | null {
  const why: string[] = [];
  if (choice.lead !== null) why.push(choice.lead);
  const own = choice.notes.get(chosen);
  if (own !== undefined) why.push(own);
  for (const name of PREFERENCE) {
    if (name === chosen) break;
    const reason = failures.get(name) ?? choice.notes.get(name);
    if (reason !== undefined) why.push(reason);
  }
  if (previous !== null && previous !== chosen) {
    why.push(
      `the run was trained on ${previous}; on ${chosen} it continues exact up to float rounding`,
    );
  }
  const reasons = why.length === 0 ? null : why.join('; ');
  if (detail === null) return reasons;
  return reasons === null ? detail : `${detail} — ${reasons}`;
}
