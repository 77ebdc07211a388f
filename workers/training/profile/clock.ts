/** Milliseconds since some origin: what the profile's timings are read from. */
export type Clock = () => number;

let current: Clock = () => performance.now();
let currentName = 'wall time';

/**
 * Sets the clock every profile timing uses: wall time unless told otherwise. On a loaded
 * machine a process waits for a core for most of its wall time; Node's profile script reads
 * the process's CPU time instead, which that wait does not inflate.
 */
export function useClock(clock: Clock, name: string): void {
  current = clock;
  currentName = name;
}

export const now = (): number => current();
export const clockName = (): string => currentName;
