/** One profile in the browser, page to worker: see bench/profile-browser.mjs. */
export interface ProfileCase {
  readonly backend: 'wasm' | 'webgpu' | 'cpu';
  /**
   * WASM only: XNNPACK's threads (the app's choice when absent: every logical core).
   */
  readonly threads?: number;
  /** False: only the kernel comparisons (WASM), no training steps. */
  readonly profile?: boolean;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly profiledSteps: number;
}
