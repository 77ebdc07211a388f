/** Every phase mark's name starts with this, so a reader can tell them from other marks. */
const PHASE_PREFIX = 'trainer:';

/**
 * Marks the moment this worker reaches a phase of its boot or of a resume on its performance
 * timeline (`trainer:<phase>`). The bench's recovery suite reads them to say where a restart's
 * time goes; a mark costs a few microseconds and nothing else reads them.
 */
export function markPhase(phase: string): void {
  performance.mark(`${PHASE_PREFIX}${phase}`);
}
