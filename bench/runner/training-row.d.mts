import type { TrainingCase, TrainingRow } from '../bench-api';

/** A row that says only which case it is, `status: 'error'` and `reason`, until measured. */
export function emptyTrainingRow(
  spec: Pick<TrainingCase, 'config' | 'size' | 'backend' | 'warmupSteps'>,
  reason: string | null,
): TrainingRow;
