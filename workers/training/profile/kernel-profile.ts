import * as tf from '@tensorflow/tfjs';
import { clockName, now } from './clock';

/** One kernel at one set of input shapes in one phase, summed over its calls. */
export interface KernelRow {
  readonly phase: string;
  readonly op: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly msPerCall: number;
  /** The inputs' shapes, `96x288 288` style; `.` for a scalar. */
  readonly inputShapes: string;
}

/** One phase's share of the profiled work. */
export interface PhaseTotal {
  readonly phase: string;
  readonly calls: number;
  readonly kernelMs: number;
}

export interface KernelProfile {
  readonly backend: string;
  /** What the times were read from: wall time, or the process's CPU time (see clock.ts). */
  readonly clock: string;
  /** Time of the profiled body on the profile's clock, profiling included. */
  readonly elapsedMs: number;
  /** Time inside the backend's kernels, summed. elapsedMs minus this is tfjs's own JavaScript. */
  readonly kernelMs: number;
  readonly kernelCalls: number;
  readonly phases: readonly PhaseTotal[];
  /** Heaviest first. */
  readonly rows: readonly KernelRow[];
  /** customGrad scopes (logSoftmax...): their time is their inner kernels', already counted. */
  readonly scopes: readonly string[];
}

interface Recorded {
  readonly name: string;
  readonly inputShapes: readonly (readonly number[] | null)[];
  readonly kernelTimeMs: number | { error: string };
}

const shapeText = (shape: readonly number[] | null): string =>
  shape === null ? '-' : shape.length === 0 ? '.' : shape.join('x');

/**
 * Profiles every kernel `body` runs, through tf.profile (each kernel timed on the profile's
 * clock on WASM and CPU; by the backend's GPU timer on WebGPU). `mark(phase)` starts a phase:
 * kernels recorded after it count to it, so a training step can be split into forward,
 * backward and optimizer without tfjs knowing about phases.
 */
export async function profileKernels(
  firstPhase: string,
  body: (mark: (phase: string) => void) => Promise<void>,
): Promise<KernelProfile> {
  const engine = tf.engine();
  const marks: { phase: string; at: number }[] = [{ phase: firstPhase, at: 0 }];
  const mark = (phase: string) =>
    marks.push({ phase, at: engine.state.activeProfile.kernels.length });
  const backend = tf.getBackend();
  const timer = tf.backend() as { time(f: () => void): Promise<{ kernelMs: number }> };
  // On the CPU and WASM backends a kernel runs to its end inside time(f), which reads the wall
  // clock; the same measure, on the profile's clock. (WebGPU keeps its GPU timer.)
  const own = Object.hasOwn(timer, 'time');
  const original = timer.time;
  if (backend === 'cpu' || backend === 'wasm') {
    timer.time = async (f) => {
      const start = now();
      f();
      return { kernelMs: now() - start };
    };
  }
  const started = now();
  let info: Awaited<ReturnType<typeof tf.profile>>;
  try {
    info = await tf.profile(() => body(mark));
  } finally {
    if (own) timer.time = original;
    else delete (timer as Partial<typeof timer>).time;
  }
  const elapsedMs = now() - started;
  const scopes = new Set<string>();
  const rows = new Map<string, { row: Omit<KernelRow, 'msPerCall'>; ms: number; calls: number }>();
  const phases = new Map<string, PhaseTotal>();
  let kernelMs = 0;
  let kernelCalls = 0;
  (info.kernels as unknown as Recorded[]).forEach((kernel, index) => {
    // A customGrad op is recorded as a scope around kernels recorded before it.
    if (tf.getKernel(kernel.name, backend) === undefined) {
      scopes.add(kernel.name);
      return;
    }
    const phase = marks.filter((m) => m.at <= index).at(-1)!.phase;
    const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : NaN;
    const inputShapes = kernel.inputShapes.map(shapeText).join(' ');
    const key = `${phase}\u0000${kernel.name}\u0000${inputShapes}`;
    const entry = rows.get(key) ?? {
      row: { phase, op: kernel.name, calls: 0, totalMs: 0, inputShapes },
      ms: 0,
      calls: 0,
    };
    entry.ms += ms;
    entry.calls += 1;
    rows.set(key, entry);
    const total = phases.get(phase) ?? { phase, calls: 0, kernelMs: 0 };
    phases.set(phase, { phase, calls: total.calls + 1, kernelMs: total.kernelMs + ms });
    kernelMs += ms;
    kernelCalls += 1;
  });
  return {
    backend,
    clock: clockName(),
    elapsedMs,
    kernelMs,
    kernelCalls,
    phases: [...phases.values()],
    rows: [...rows.values()]
      .map(({ row, ms, calls }) => ({ ...row, calls, totalMs: ms, msPerCall: ms / calls }))
      .sort((a, b) => b.totalMs - a.totalMs),
    scopes: [...scopes],
  };
}

/** The rows summed per op over shapes and phases, heaviest first. */
export function totalsByOp(rows: readonly KernelRow[]): KernelRow[] {
  const byOp = new Map<string, { calls: number; ms: number }>();
  for (const row of rows) {
    const total = byOp.get(row.op) ?? { calls: 0, ms: 0 };
    byOp.set(row.op, { calls: total.calls + row.calls, ms: total.ms + row.totalMs });
  }
  return [...byOp]
    .map(([op, { calls, ms }]) => ({
      phase: '*',
      op,
      calls,
      totalMs: ms,
      msPerCall: ms / calls,
      inputShapes: '*',
    }))
    .sort((a, b) => b.totalMs - a.totalMs);
}

/** The profile of `steps` steps as the mean step: every count and time divided by `steps`. */
export function perStep(profile: KernelProfile, steps: number): KernelProfile {
  return {
    ...profile,
    elapsedMs: profile.elapsedMs / steps,
    kernelMs: profile.kernelMs / steps,
    kernelCalls: profile.kernelCalls / steps,
    phases: profile.phases.map((p) => ({
      ...p,
      calls: p.calls / steps,
      kernelMs: p.kernelMs / steps,
    })),
    rows: profile.rows.map((r) => ({ ...r, calls: r.calls / steps, totalMs: r.totalMs / steps })),
  };
}
