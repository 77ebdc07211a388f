// The training suite's report under its table: gpt-nano against issue 19's targets, browser ÷
// PyTorch, the CPU backend's ×10, and each gpt-nano row's step profile.
import process from 'node:process';
import { pytorchStep } from './pytorch-step.mjs';
import { GPT_NANO, GPT_NANO_TARGETS } from './training-cases.mjs';
import { fixed } from './table.mjs';

/**
 * The browser ÷ PyTorch: the same gpt-nano (the row's own config) trained by the
 * project's PyTorch port on one torch thread, right after the browser's cases, against the WASM
 * 1-thread row (BENCH_PYTORCH=0 leaves it out).
 */
function againstPytorch(row) {
  if (row === undefined || process.env['BENCH_PYTORCH'] === '0') return [];
  const torch = pytorchStep(row.config, { threads: 1 });
  if (torch.error !== undefined) return [`  PyTorch port, 1 thread: not measured (${torch.error})`];
  if (torch.params !== row.params) {
    return [
      `  PyTorch port: ${torch.params} parameters, not the browser's ${row.params}: no ratio`,
    ];
  }
  return [
    `  PyTorch port (python/, torch ${torch.torch}, 1 thread, same model, AdamW and clipping): ` +
      `${fixed(0)(torch.tokens_per_s)} tokens/s (${fixed(1)(torch.step_ms_median)} ms a step wall, ` +
      `${fixed(1)(torch.step_cpu_ms_median)} ms CPU)`,
    `  browser ÷ PyTorch (WASM, 1 thread): ${fixed(2)(row.tokens_per_s / torch.tokens_per_s)}`,
  ];
}

/** gpt-nano on the CPU backend against the issue's ×10, when the bench measured it there. */
function gptNanoOnCpu(rows) {
  const ok = rows.filter(
    (r) => r.size === GPT_NANO.size && r.backend === 'cpu' && r.status === 'ok',
  );
  const ours = ok.find((r) => r.kernels === 'trainer');
  if (ours === undefined) return [];
  const before = ok.find((r) => r.kernels === 'tfjs');
  const ratio =
    before === undefined
      ? 'no baseline in this run (BENCH_BASELINE=1)'
      : `${fixed(2)(ours.tokens_per_s / before.tokens_per_s)}× tfjs-cpu's kernels' ` +
        `${fixed(0)(before.tokens_per_s)} tokens/s (target ≥ 10×: ` +
        `${ours.tokens_per_s >= 10 * before.tokens_per_s ? 'met' : 'not met'})`;
  return [
    `  CPU backend, trainer kernels: ${fixed(0)(ours.tokens_per_s)} tokens/s ` +
      `(${fixed(1)(ours.step_ms_median)} ms a step); ${ratio}`,
  ];
}

/** gpt-nano's tokens/s beside the targets, and each gpt-nano row's step profile. */
export function trainingReport(rows) {
  const cpu = gptNanoOnCpu(rows);
  const nano = rows.filter(
    (r) =>
      r.size === GPT_NANO.size &&
      r.backend === 'wasm' &&
      r.status === 'ok' &&
      r.kernels === 'trainer',
  );
  if (nano.length === 0) return cpu.join('\n');
  const lines = [
    "gpt-nano on WASM (the preset: TinyGPT's small model, 366,432 parameters) against issue 19's targets:",
  ];
  for (const row of [...nano].sort((a, b) => a.threads - b.threads)) {
    const target = row.threads === 1 ? GPT_NANO_TARGETS[0] : GPT_NANO_TARGETS[1];
    const met = row.tokens_per_s >= target.tokensPerS ? 'met' : 'not met';
    lines.push(
      `  ${row.threads} thread${row.threads === 1 ? '' : 's'}: ${fixed(0)(row.tokens_per_s)} tokens/s ` +
        `(${fixed(1)(row.step_ms_median)} ms a step; target ≥ ${target.tokensPerS}: ${met})`,
    );
  }
  lines.push(...againstPytorch(nano.find((r) => r.threads === 1)));
  lines.push(...cpu);
  for (const row of nano) {
    lines.push(
      '',
      `per-kernel profile of one gpt-nano step, ${row.threads} thread(s) (wall time):`,
      row.profile ?? '-',
    );
  }
  return lines.join('\n');
}
