/** Bounds of a job, checked before anything is written. */
export const JOB_LIMITS = {
  maxItems: 100_000,
  /** A prompts or scoring file, in UTF-16 code units of its text. */
  maxFileChars: 10 * 1024 * 1024,
  maxLineChars: 10_000,
  maxLength: 1_000,
  maxSeed: 0xffffffff,
  /** Items per batch (one commit each). */
  maxBatch: 1024,
} as const;

export const DEFAULT_GENERATE = {
  count: 100,
  seed: 1,
  maxLength: 32,
  temperature: 1,
  topK: 0,
  /** 1: off. */
  topP: 1,
  /** 0: sized by time from the first batch. */
  batchSize: 0,
} as const;
