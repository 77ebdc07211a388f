/** One profile in the browser, page to worker: see bench/profile-browser.mjs. */
export interface ProfileCase {
  readonly backend: 'wasm' | 'webgpu' | 'cpu';
  /**
   * WASM only: XNNPACK's threads (tfjs's own choice when absent: half the logical cores). The
   * worker then reports 2 × threads logical cores, as tfjs caps its pool at half of them.
   */
  readonly threads?: number;
  /** False: only the kernel comparisons (WASM), no training steps. */
  readonly profile?: boolean;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly profiledSteps: number;
}
