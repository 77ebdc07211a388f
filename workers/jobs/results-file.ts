import { csvHeader, csvRow, jsonLine } from '../../src/shared/jobs/results-format';
import type { JobRecord, ResultsFormat } from '../../src/shared/jobs/job-types';
import type { JobStore } from '../store';

/** Rows read per page: what the worker's heap holds of a results file at any time. */
export const RESULTS_PAGE = 1000;

/**
 * The committed results [0, cursor) as a file, read from storage a page at a time; each page
 * becomes its own Blob at once, and the file is a Blob of those, so the browser (not the JS
 * heap) holds the bytes and a 100,000-item result never sits whole in the worker's memory.
 */
export async function resultsFile(
  jobs: JobStore,
  job: JobRecord,
  format: ResultsFormat,
  signal?: AbortSignal,
): Promise<Blob> {
  const { kind } = job.manifest;
  const parts: Blob[] = [];
  if (format === 'csv') parts.push(new Blob([csvHeader(kind)]));
  let from = 0;
  while (from < job.cursor) {
    signal?.throwIfAborted();
    const rows = await jobs.results(job.id, from, Math.min(RESULTS_PAGE, job.cursor - from));
    if (rows.length === 0) break;
    const text = rows.map((row) => (format === 'csv' ? csvRow(kind, row) : jsonLine(kind, row)));
    parts.push(new Blob([text.join('')]));
    from = rows[rows.length - 1]!.index + 1;
  }
  const type = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  return new Blob(parts, { type: `${type};charset=utf-8` });
}

export function resultsFileName(job: JobRecord, format: ResultsFormat): string {
  const { kind, snapshotStep, itemCount } = job.manifest;
  return `${kind}-step${snapshotStep}-${itemCount}-items.${format === 'csv' ? 'csv' : 'jsonl'}`;
}
