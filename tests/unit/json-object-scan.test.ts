import { describe, expect, it } from 'vitest';
import { scanObject } from '../../src/shared/checkpoint/json-object-scan';

function scan(text: string, max = 100) {
  return scanObject(text, text.indexOf('{'), max);
}

describe('scanObject', () => {
  it('lists members with their kinds and the exact text of each value', () => {
    const text =
      ' { "a" : {"x": "}]\\"{", "y": [1, {"z": []}]}, "b":[ "]" ], ' +
      '"c":"s\\u0022", "d": -1.5e3, "e": null }  ';
    const result = scan(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.members.map((m) => [m.key, m.kind])).toEqual([
      ['a', 'object'],
      ['b', 'array'],
      ['c', 'string'],
      ['d', 'number'],
      ['e', 'literal'],
    ]);
    for (const m of result.members) {
      const value = JSON.parse(text.slice(m.start, m.end)) as unknown;
      expect(value).toEqual((JSON.parse(text) as Record<string, unknown>)[m.key]);
    }
    expect(text.slice(result.end).trim()).toBe('');
  });

  it('accepts an empty object', () => {
    expect(scan('{ }')).toEqual({ ok: true, members: [], end: 3 });
  });

  it('finds duplicate keys that JSON.parse would silently merge, escapes included', () => {
    expect(scan('{"a":1,"b":2,"a":3}')).toEqual({ ok: false, reason: 'duplicate', key: 'a' });
    expect(scan('{"ab":1,"a\\u0062":2}')).toEqual({ ok: false, reason: 'duplicate', key: 'ab' });
  });

  it('stops at the member limit before reading further', () => {
    const result = scan('{"a":1,"b":2,"c":3, this is never read', 2);
    expect(result).toEqual({ ok: false, reason: 'too-many', limit: 2 });
  });

  for (const bad of [
    '{',
    '{"a"}',
    '{"a":}',
    '{"a":1,}',
    '{"a":1 "b":2}',
    '{a:1}',
    '{"a":tru}',
    '{"a":01}',
    '{"a":"unterminated}',
    '{"a":"raw\ncontrol"}',
    '{"bad\\escape":1}',
    '{"a":[1,2}',
  ]) {
    it(`reports a syntax error in ${JSON.stringify(bad)}`, () => {
      const result = scan(bad);
      // A nested container is only delimited; a wrong closer inside one is left to JSON.parse.
      if (result.ok) {
        const m = result.members[0];
        expect(() => JSON.parse(bad.slice(m.start, m.end))).toThrow();
      } else {
        expect(result.reason).toBe('syntax');
      }
    });
  }
});
