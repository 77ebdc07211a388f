// The same model trained by the project's PyTorch port (python/tabtrainer/step_bench.py: its
// models.py, AdamW and clipping, on Debian's torch), for the bench's browser ÷ PyTorch line.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TEXT = path.join(ROOT, 'workers/training/names.txt');

/**
 * Times `config` (a validated run config of byte tokens: the bench row's own) in PyTorch on
 * `threads` torch threads, on the bundled names' bytes as the bench's page trains: the parsed
 * result ({ step_ms_median, step_cpu_ms_median, tokens_per_s, params, torch, ... }), or
 * { error } saying why there is none (no python3 or torch here, or the script failed).
 */
export function pytorchStep(config, { threads = 1, warmup = 3, steps = 20 } = {}) {
  const args = ['-m', 'tabtrainer.step_bench', '--config', JSON.stringify(config)];
  args.push('--text', TEXT, '--threads', String(threads));
  args.push('--warmup', String(warmup), '--steps', String(steps));
  const run = spawnSync('python3', args, {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (run.error !== undefined) return { error: `python3 did not run: ${run.error.message}` };
  if (run.status !== 0) {
    return { error: `step_bench exited ${run.status}: ${run.stderr.trim().split('\n').at(-1)}` };
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}
