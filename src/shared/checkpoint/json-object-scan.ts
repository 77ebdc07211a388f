/**
 * Lists the members of one JSON object without building it. JSON.parse silently keeps the last
 * of two equal keys and builds every value at once; the header reader must refuse duplicates,
 * count entries before parsing any, and parse each value on its own so that memory stays
 * proportional to what it keeps.
 *
 * The scan checks the object's own punctuation and decodes each key with JSON.parse (so `"a"` and
 * `"\u0061"` are the same key). A nested value is only delimited, strings skipped and brackets
 * counted, so the caller must JSON.parse every value it uses, which also validates it.
 */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'literal';

export interface JsonMember {
  readonly key: string;
  readonly kind: JsonKind;
  /** The value's text is text.slice(start, end). */
  readonly start: number;
  readonly end: number;
}

export type ScanResult =
  | { readonly ok: true; readonly members: readonly JsonMember[]; readonly end: number }
  | { readonly ok: false; readonly reason: 'syntax'; readonly at: number }
  | { readonly ok: false; readonly reason: 'duplicate'; readonly key: string }
  | { readonly ok: false; readonly reason: 'too-many'; readonly limit: number };

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const LITERALS = new Set(['true', 'false', 'null']);

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string that opens at i, or -1. Raw control characters are not JSON. */
function stringEnd(text: string, i: number): number {
  for (i++; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    i += c === 0x5c ? 2 : 1;
  }
  return -1;
}

function containerEnd(text: string, i: number): number {
  let depth = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    i++;
    if (depth === 0) return i;
  }
  return -1;
}

function valueAt(text: string, i: number): { kind: JsonKind; end: number } | null {
  const c = text.charCodeAt(i);
  if (c === 0x22) {
    const end = stringEnd(text, i);
    return end < 0 ? null : { kind: 'string', end };
  }
  if (c === 0x7b || c === 0x5b) {
    const end = containerEnd(text, i);
    return end < 0 ? null : { kind: c === 0x7b ? 'object' : 'array', end };
  }
  let end = i;
  while (end < text.length && !/[\s,\]}]/.test(text[end])) end++;
  const word = text.slice(i, end);
  if (NUMBER.test(word)) return { kind: 'number', end };
  return LITERALS.has(word) ? { kind: 'literal', end } : null;
}

function decodeKey(text: string, start: number, end: number): string | null {
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return null;
  }
}

/** Scans the object whose `{` is at text[start]; stops as soon as it has seen maxMembers + 1. */
export function scanObject(text: string, start: number, maxMembers: number): ScanResult {
  const members: JsonMember[] = [];
  const seen = new Set<string>();
  let i = skipSpace(text, start + 1);
  if (text[i] === '}') return { ok: true, members, end: i + 1 };
  for (;;) {
    if (text[i] !== '"') return { ok: false, reason: 'syntax', at: i };
    const keyEnd = stringEnd(text, i);
    const key = keyEnd < 0 ? null : decodeKey(text, i, keyEnd);
    if (key === null) return { ok: false, reason: 'syntax', at: i };
    if (seen.has(key)) return { ok: false, reason: 'duplicate', key };
    if (members.length === maxMembers) return { ok: false, reason: 'too-many', limit: maxMembers };
    seen.add(key);
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') return { ok: false, reason: 'syntax', at: i };
    i = skipSpace(text, i + 1);
    const value = valueAt(text, i);
    if (value === null) return { ok: false, reason: 'syntax', at: i };
    members.push({ key, kind: value.kind, start: i, end: value.end });
    i = skipSpace(text, value.end);
    if (text[i] === '}') return { ok: true, members, end: i + 1 };
    if (text[i] !== ',') return { ok: false, reason: 'syntax', at: i };
    i = skipSpace(text, i + 1);
  }
}
