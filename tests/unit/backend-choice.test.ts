import { describe, expect, it } from 'vitest';
import {
  chooseBackend,
  describeChoice,
  probesRead,
  softwareGpu,
  type BackendProbe,
  type ProbedBackend,
} from '../../workers/training/backend-choice';
import type { BackendName } from '../../src/shared/config';

// Detection inputs as browsers report them.
const SWIFTSHADER_ADAPTER = 'google swiftshader  SwiftShader Device (Subzero)';
const REAL_ADAPTER = 'nvidia ampere  NVIDIA GeForce RTX 3070';
const SWIFTSHADER_GL =
  'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const LLVMPIPE_GL = 'llvmpipe (LLVM 15.0.6, 256 bits)';
const REAL_GL = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3070 Direct3D11 vs_5_0 ps_5_0, D3D11)';

type Gpu = 'software' | 'fallback' | 'real' | 'none';
type Gl = 'software' | 'caveat' | 'real' | 'none';

function probe(gpu: Gpu, gl: Gl, wasm = true): BackendProbe {
  return {
    webgpu:
      gpu === 'none'
        ? { kind: 'missing', reason: 'WebGPU found no GPU adapter' }
        : {
            kind: 'adapter',
            info: gpu === 'software' ? SWIFTSHADER_ADAPTER : REAL_ADAPTER,
            isFallbackAdapter: gpu === 'fallback',
          },
    webgl:
      gl === 'none'
        ? { kind: 'missing', reason: 'WebGL 2 is unavailable' }
        : {
            kind: 'context',
            renderer: gl === 'software' ? SWIFTSHADER_GL : REAL_GL,
            majorPerformanceCaveat: gl === 'caveat',
          },
    wasm: wasm
      ? { kind: 'ready', simd: true, threads: true }
      : { kind: 'missing', reason: 'this browser has no WebAssembly' },
  };
}

function choose(p: BackendProbe, forced: BackendName | null = null, previous = null) {
  const choice = chooseBackend({ probe: p, forced, previous });
  const chosen = choice.candidates[0]!;
  return { choice, chosen, text: describeChoice(choice, chosen, 'DETAIL', new Map(), previous) };
}

describe('automatic backend choice', () => {
  it.each([
    // [WebGPU adapter, WebGL renderer, chosen, candidates in order]
    ['real', 'real', 'webgpu', ['webgpu', 'webgl', 'wasm', 'cpu']],
    ['real', 'software', 'webgpu', ['webgpu', 'wasm', 'cpu', 'webgl']],
    ['real', 'none', 'webgpu', ['webgpu', 'wasm', 'cpu']],
    ['software', 'real', 'webgl', ['webgl', 'wasm', 'cpu', 'webgpu']],
    ['software', 'software', 'wasm', ['wasm', 'cpu', 'webgl', 'webgpu']],
    ['software', 'none', 'wasm', ['wasm', 'cpu', 'webgpu']],
    ['fallback', 'caveat', 'wasm', ['wasm', 'cpu', 'webgl', 'webgpu']],
    ['none', 'real', 'webgl', ['webgl', 'wasm', 'cpu']],
    ['none', 'software', 'wasm', ['wasm', 'cpu', 'webgl']],
    ['none', 'none', 'wasm', ['wasm', 'cpu']],
  ] as const)('WebGPU %s, WebGL %s: %s', (gpu, gl, chosen, order) => {
    const { choice } = choose(probe(gpu, gl));
    expect(choice.candidates).toEqual(order);
    expect(choice.candidates[0]).toBe(chosen);
  });

  it('says why the software GPUs were passed over', () => {
    expect(choose(probe('software', 'software')).text).toBe(
      'DETAIL — WebGPU adapter is SwiftShader, a software GPU; WebGL renders on SwiftShader, a software GPU',
    );
    expect(choose(probe('fallback', 'caveat')).text).toBe(
      'DETAIL — WebGPU adapter is a fallback (software) adapter; WebGL has a major performance caveat (software rendering)',
    );
    expect(choose(probe('none', 'none')).text).toBe(
      'DETAIL — WebGPU found no GPU adapter; WebGL 2 is unavailable',
    );
  });

  it('says nothing against the others when a real GPU wins', () => {
    expect(choose(probe('real', 'software')).text).toBe('DETAIL');
  });

  it('falls back to the CPU without WebAssembly, and names why', () => {
    const { choice, text } = choose(probe('software', 'none', false));
    expect(choice.candidates).toEqual(['cpu', 'webgpu']);
    expect(text).toContain('this browser has no WebAssembly');
  });

  it('names a backend that failed to start and goes on to the next', () => {
    const choice = chooseBackend({
      probe: probe('software', 'software'),
      forced: null,
      previous: null,
    });
    const failures = new Map([['wasm', 'the wasm backend failed to start']] as const);
    expect(describeChoice(choice, 'cpu', null, failures, null)).toContain(
      'the wasm backend failed to start',
    );
  });

  it('recognises the software renderers by name', () => {
    expect(softwareGpu(SWIFTSHADER_ADAPTER)).toBe('SwiftShader');
    expect(softwareGpu(LLVMPIPE_GL)).toBe('llvmpipe');
    expect(softwareGpu('Microsoft Basic Render Driver')).toBe('Microsoft Basic Render Driver');
    expect(softwareGpu(REAL_GL)).toBeNull();
    expect(softwareGpu(REAL_ADAPTER)).toBeNull();
  });
});

describe('forced and remembered backends', () => {
  it('a forced backend is the only candidate, even a software one', () => {
    const choice = chooseBackend({
      probe: probe('software', 'software'),
      forced: 'webgpu',
      previous: null,
    });
    expect(choice.candidates).toEqual(['webgpu']);
    expect(describeChoice(choice, 'webgpu', null, new Map(), null)).toBe(
      'forced by ?backend=webgpu; WebGPU adapter is SwiftShader, a software GPU',
    );
  });

  it("a resumed run stays on its snapshot's backend when it is here", () => {
    const choice = chooseBackend({
      probe: probe('software', 'software'),
      forced: null,
      previous: 'webgpu',
    });
    expect(choice.candidates[0]).toBe('webgpu');
    expect(describeChoice(choice, 'webgpu', null, new Map(), 'webgpu')).toContain(
      "kept from the run's snapshots, so the resume is bitwise exact (wasm would rank first)",
    );
  });

  it('a run whose backend is gone continues on the best one, exact up to float rounding', () => {
    const choice = chooseBackend({
      probe: probe('none', 'none'),
      forced: null,
      previous: 'webgpu',
    });
    expect(choice.candidates[0]).toBe('wasm');
    expect(describeChoice(choice, 'wasm', null, new Map(), 'webgpu')).toBe(
      'WebGPU found no GPU adapter; WebGL 2 is unavailable; the run was trained on webgpu; on wasm it continues exact up to float rounding',
    );
  });

  it('a forced backend wins over the run’s, with the rounding notice', () => {
    const choice = chooseBackend({ probe: probe('real', 'real'), forced: 'cpu', previous: 'wasm' });
    expect(choice.candidates).toEqual(['cpu']);
    expect(describeChoice(choice, 'cpu', null, new Map(), 'wasm')).toContain(
      'the run was trained on wasm; on cpu it continues exact up to float rounding',
    );
  });

  // A worker started with ?backend= looks only at what probesRead names (backend-probe.ts).
  it.each([
    ['webgpu', ['webgpu']],
    ['webgl', ['webgpu', 'webgl']],
    ['wasm', ['webgpu', 'webgl', 'wasm']],
    ['cpu', ['webgpu', 'webgl', 'wasm']],
    [null, ['webgpu', 'webgl', 'wasm']],
  ] as const)('forced %s: only the probes its badge reads are looked at', (forced, read) => {
    expect(probesRead(forced)).toEqual(read);
    const unread: ProbedBackend[] = (['webgpu', 'webgl', 'wasm'] as const).filter(
      (name) => !probesRead(forced).includes(name),
    );
    const gpus: Gpu[] = ['software', 'fallback', 'real', 'none'];
    const gls: Gl[] = ['software', 'caveat', 'real', 'none'];
    for (const gpu of gpus) {
      for (const gl of gls) {
        for (const previous of [null, 'webgpu', 'wasm'] as const) {
          const full = probe(gpu, gl);
          const partial: BackendProbe = { ...full };
          const skipped = { kind: 'missing', reason: 'not looked at' } as const;
          for (const name of unread) Object.assign(partial, { [name]: skipped });
          const a = chooseBackend({ probe: full, forced, previous });
          const b = chooseBackend({ probe: partial, forced, previous });
          expect(b.candidates).toEqual(a.candidates);
          const chosen = a.candidates[0]!;
          const failed = new Map([[chosen, 'it failed to start']]);
          expect(describeChoice(b, chosen, 'DETAIL', new Map(), previous)).toBe(
            describeChoice(a, chosen, 'DETAIL', new Map(), previous),
          );
          expect(describeChoice(b, chosen, null, failed, previous)).toBe(
            describeChoice(a, chosen, null, failed, previous),
          );
        }
      }
    }
  });
});
