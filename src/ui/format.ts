const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * Human-readable size: whole bytes below 1 KB, then KB, MB, GB or TB (powers of 1024) with one
 * decimal. Never shows "1024.0 KB": a value that rounds up to the next unit moves to it.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (Math.round(bytes) < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (unit < UNITS.length - 1 && Math.round(value * 10) / 10 >= 1024) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Epoch milliseconds as the user's local date and time. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}
