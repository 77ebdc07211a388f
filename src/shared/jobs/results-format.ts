import type { JobItem, JobKind } from './job-types';

/**
 * The results file's rows. They hold only what the model, the input and the parameters
 * decide (no times, no job ids), so two identical jobs write byte-identical files. Numbers are
 * JavaScript's shortest round-trip form, which is deterministic.
 */

/** One JSON object per line, keys in a fixed order. */
export function jsonLine(kind: JobKind, item: JobItem): string {
  return `${JSON.stringify(rowObject(kind, item))}\n`;
}

export function csvHeader(kind: JobKind): string {
  return `${csvColumns(kind).join(',')}\r\n`;
}

/** RFC 4180: CRLF line ends; a field holding a comma, quote, CR or LF is quoted, quotes doubled. */
export function csvRow(kind: JobKind, item: JobItem): string {
  const row = rowObject(kind, item);
  return `${csvColumns(kind)
    .map((column) => csvField(row[column]))
    .join(',')}\r\n`;
}

function csvColumns(kind: JobKind): string[] {
  return kind === 'generate'
    ? ['index', 'input', 'output', 'error']
    : ['index', 'input', 'nll', 'tokens', 'nll_per_char', 'perplexity', 'bits_per_byte', 'error'];
}

function rowObject(kind: JobKind, item: JobItem): Record<string, string | number | null> {
  if (kind === 'generate') {
    return { index: item.index, input: item.input, output: item.output ?? null, error: item.error };
  }
  const perChar =
    item.nll !== undefined && item.tokens !== undefined && item.tokens > 0
      ? item.nll / item.tokens
      : null;
  return {
    index: item.index,
    input: item.input,
    nll: item.nll ?? null,
    tokens: item.tokens ?? null,
    nll_per_char: perChar,
    perplexity: perChar === null ? null : Math.exp(perChar),
    bits_per_byte:
      item.nll !== undefined && item.bytes !== undefined && item.bytes > 0
        ? item.nll / (item.bytes * Math.LN2)
        : null,
    error: item.error,
  };
}

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
