import { totalsByOp, type KernelProfile, type KernelRow } from './kernel-profile';
import type { GpuStepWork, StepProfile } from './step-profile-requests';

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** Text columns (those in `left`) align left, numbers right. */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  left: readonly number[] = [0],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function kernelLines(rows: readonly KernelRow[], kernelMs: number): string[][] {
  return rows.map((r) => [
    r.phase === '*' ? r.op : `${r.phase} ${r.op}`,
    String(r.calls),
    ms(r.totalMs),
    ((100 * r.totalMs) / kernelMs).toFixed(1),
    r.msPerCall.toFixed(3),
    r.inputShapes,
  ]);
}

/**
 * The profile as text: totals, the phases, every op summed over shapes, then the `top` heaviest
 * (phase, op, shapes) rows.
 */
export function formatProfile(profile: KernelProfile, top = 40): string {
  const { kernelMs, elapsedMs } = profile;
  const header = ['op', 'calls', 'total ms', '%', 'ms/call', 'input shapes'];
  return [
    `${profile.backend}: ${profile.kernelCalls} kernel calls, ${ms(kernelMs)} ms in kernels of ` +
      `${ms(elapsedMs)} ms in all (${ms(elapsedMs - kernelMs)} ms outside kernels), ${profile.clock}` +
      (profile.scopes.length > 0 ? `; customGrad scopes: ${profile.scopes.join(', ')}` : ''),
    '',
    ...table(
      ['phase', 'calls', 'kernel ms', '%'],
      profile.phases.map((p) => [
        p.phase,
        String(p.calls),
        ms(p.kernelMs),
        ((100 * p.kernelMs) / kernelMs).toFixed(1),
      ]),
    ),
    '',
    ...table(header, kernelLines(totalsByOp(profile.rows), kernelMs), [0, 5]),
    '',
    ...table(header, kernelLines(profile.rows.slice(0, top), kernelMs), [0, 5]),
  ].join('\n');
}

/** The `?debug=1` panel's line on a step's GPU work: WebGPU's counts, `n/a` elsewhere. */
export function formatGpuWork(gpu: GpuStepWork | null, backend: string): string {
  if (gpu === null)
    return `GPU work: n/a (${backend}; dispatches and submits are counted on webgpu)`;
  return (
    `GPU work of step ${gpu.step} (the step before the profiled one, counted unprofiled): ` +
    `${gpu.dispatches} dispatches, ${gpu.submits} queue submits, ${gpu.passes} compute passes`
  );
}

/** The `?debug=1` panel's text: the GPU work line, then the profile's tables. */
export function formatStepProfile({ profile, gpu }: StepProfile): string {
  return `${formatGpuWork(gpu, profile.backend)}\n${formatProfile(profile)}`;
}
