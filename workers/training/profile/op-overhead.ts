import * as tf from '@tensorflow/tfjs';
import { now } from './clock';

/** Microseconds per call of one way of running an Add, on the current backend. */
export interface OverheadRow {
  readonly path: string;
  readonly shape: string;
  readonly usPerCall: number;
}

type KernelFunc = (params: {
  inputs: tf.NamedTensorMap;
  backend: unknown;
  attrs: Record<string, never>;
}) => tf.TensorInfo;

function perCall(calls: number, run: () => void): number {
  run(); // warm: the first call compiles and allocates
  const started = now();
  for (let i = 0; i < calls; i++) run();
  return ((now() - started) * 1000) / calls;
}

/**
 * What one op costs beyond its arithmetic, measured with an Add at `shape` three ways: the
 * public op (argument checks, the engine's bookkeeping, the kernel), the engine's runKernel
 * (no op wrapper), and the backend's kernel function alone (on WASM: the JS wrapper, malloc
 * and the call into WebAssembly). A [1] Add's time is all overhead.
 */
export function measureOpOverhead(shape: readonly number[], calls: number): OverheadRow[] {
  const a = tf.fill([...shape], 1.5);
  const b = tf.fill([...shape], 0.25);
  const text = shape.join('x');
  const backend = tf.backend();
  const kernel = tf.getKernel('Add', tf.getBackend())!.kernelFunc as unknown as KernelFunc;
  const chunk = (body: () => void) => () => tf.tidy(body);
  const rows: OverheadRow[] = [
    {
      path: 'tf.add',
      shape: text,
      usPerCall: perCall(
        calls,
        chunk(() => void tf.add(a, b)),
      ),
    },
    {
      path: 'engine.runKernel',
      shape: text,
      usPerCall: perCall(
        calls,
        chunk(() => void tf.engine().runKernel('Add', { a, b }, {})),
      ),
    },
    {
      path: 'kernelFunc',
      shape: text,
      usPerCall: perCall(calls, () => {
        const out = kernel({ inputs: { a, b }, backend, attrs: {} });
        backend.disposeData(out.dataId);
      }),
    },
  ];
  a.dispose();
  b.dispose();
  return rows;
}
