import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { attentionDims, requireDtype } from '../kernel-checks';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';

// Causal attention straight out of the qkv projection [batch, t, 3·d] (q, k, v side by side,
// head h in columns h·hd of each), heads merged on the way out: no split, transposes or mask.
// For each (batch, head), rows i ascending, positions j ≤ i ascending; every sum in a double,
// in that order (dk_j and dv_j over i ascending). Positions after i are skipped, and their
// probabilities written as 0, which is what the composite's additive −1e9 mask gives.

interface AttentionAttrs {
  readonly heads: number;
  readonly scale: number;
}

/** Outputs: y [batch, t, d] (heads merged) and the probabilities [batch, heads, t, t]. */
function attentionForward(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const { qkv } = args.inputs as { qkv: tf.TensorInfo };
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  requireDtype(TP.causalAttention, 'qkv', qkv, 'float32');
  const { batch, t, hd } = attentionDims(qkv, heads);
  const d = heads * hd;
  const w3 = 3 * d;
  const x = call.floats(qkv);
  const y = new Float32Array(batch * t * d);
  const probs = new Float32Array(batch * heads * t * t);
  const e = new Float64Array(t);
  const acc = new Float64Array(hd);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < t; i++) {
        const qo = (b * t + i) * w3 + h * hd;
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          const ko = (b * t + j) * w3 + d + h * hd;
          let s = 0;
          for (let c = 0; c < hd; c++) s += x[qo + c]! * x[ko + c]!;
          e[j] = s * scale;
          if (e[j]! > max) max = e[j]!;
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          e[j] = Math.exp(e[j]! - max);
          sum += e[j]!;
        }
        const po = ((b * heads + h) * t + i) * t;
        acc.fill(0);
        for (let j = 0; j <= i; j++) {
          const p = Math.fround(e[j]! / sum);
          probs[po + j] = p;
          const vo = (b * t + j) * w3 + 2 * d + h * hd;
          for (let c = 0; c < hd; c++) acc[c] += p * x[vo + c]!;
        }
        const yo = (b * t + i) * d + h * hd;
        for (let c = 0; c < hd; c++) y[yo + c] = acc[c]!;
      }
    }
  }
  return [call.output([batch, t, d], y), call.output([batch, heads, t, t], probs)];
}

/** Output: dqkv (qkv's shape). */
function attentionBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const inputs = args.inputs as Record<'dy' | 'qkv' | 'probs', tf.TensorInfo>;
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  const { batch, t, hd } = attentionDims(inputs.qkv, heads);
  const d = heads * hd;
  const w3 = 3 * d;
  const [g, x, probs] = [
    call.floats(inputs.dy),
    call.floats(inputs.qkv),
    call.floats(inputs.probs),
  ];
  const dqkv = new Float32Array(x.length);
  const dp = new Float64Array(t);
  const dq = new Float64Array(hd);
  const dk = new Float64Array(t * hd);
  const dv = new Float64Array(t * hd);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      dk.fill(0);
      dv.fill(0);
      for (let i = 0; i < t; i++) {
        const go = (b * t + i) * d + h * hd;
        const qo = (b * t + i) * w3 + h * hd;
        const po = ((b * heads + h) * t + i) * t;
        let rowDot = 0;
        for (let j = 0; j <= i; j++) {
          const vo = (b * t + j) * w3 + 2 * d + h * hd;
          let s = 0;
          for (let c = 0; c < hd; c++) s += g[go + c]! * x[vo + c]!;
          dp[j] = s;
          rowDot += probs[po + j]! * s;
        }
        dq.fill(0);
        for (let j = 0; j <= i; j++) {
          const p = probs[po + j]!;
          const ds = p * (dp[j]! - rowDot) * scale;
          const ko = (b * t + j) * w3 + d + h * hd;
          const jo = j * hd;
          for (let c = 0; c < hd; c++) {
            dq[c] += ds * x[ko + c]!;
            dk[jo + c] += ds * x[qo + c]!;
            dv[jo + c] += p * g[go + c]!;
          }
        }
        for (let c = 0; c < hd; c++) dqkv[qo + c] = dq[c]!;
      }
      for (let j = 0; j < t; j++) {
        const ko = (b * t + j) * w3 + d + h * hd;
        for (let c = 0; c < hd; c++) {
          dqkv[ko + c] = dk[j * hd + c]!;
          dqkv[ko + d + c] = dv[j * hd + c]!;
        }
      }
    }
  }
  return call.output(inputs.qkv.shape, dqkv);
}

export const CPU_ATTENTION_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.causalAttention, backendName: 'cpu', kernelFunc: attentionForward },
  { kernelName: TP.causalAttentionGrad, backendName: 'cpu', kernelFunc: attentionBackward },
];
