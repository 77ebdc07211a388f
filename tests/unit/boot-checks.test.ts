import { describe, expect, it } from 'vitest';
import { degradedFeatures, missingFeatures, repairedLanguage } from '../../src/boot-checks';
import { BrowserFeatureMissingError } from '../../src/shared/errors';

const complete = {
  indexedDB: {},
  Worker: function Worker() {},
  crypto: { subtle: {} },
  navigator: { locks: {} },
};

describe('what the page needs before it starts', () => {
  it('a browser with IndexedDB, Web Workers, crypto.subtle and Web Locks lacks nothing', () => {
    expect(missingFeatures(complete)).toEqual([]);
    expect(degradedFeatures(complete)).toEqual([]);
  });

  it('without Web Locks the page starts, and says that tabs cannot coordinate', () => {
    expect(missingFeatures({ ...complete, navigator: {} })).toEqual([]);
    const said = degradedFeatures({ ...complete, navigator: {} });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/no Web Locks.*open each run in one tab only/);
  });

  it('names each missing API and what it is for', () => {
    const names = (scope: object) => missingFeatures(scope).map((f) => f.name);
    expect(names({ ...complete, indexedDB: undefined })).toEqual(['IndexedDB']);
    expect(names({ ...complete, indexedDB: null })).toEqual(['IndexedDB']);
    expect(names({ ...complete, Worker: undefined })).toEqual(['Web Workers']);
    // Plain http:// on a LAN address is not a secure context: no crypto.subtle there.
    expect(names({ ...complete, crypto: {} })).toEqual(['Web Crypto (crypto.subtle)']);
    expect(names({})).toEqual(['IndexedDB', 'Web Workers', 'Web Crypto (crypto.subtle)']);
  });

  it('an IndexedDB getter that throws (a sandboxed frame) counts as missing', () => {
    const scope = {
      ...complete,
      get indexedDB(): unknown {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    expect(missingFeatures(scope).map((f) => f.name)).toEqual(['IndexedDB']);
  });

  it('the refusal says what is missing, what for, and what to do', () => {
    const err = new BrowserFeatureMissingError(missingFeatures({ ...complete, Worker: undefined }));
    expect(err.message).toContain('Web Workers (training runs in one, beside the page)');
    expect(err.message).toContain('Open the page in a current Firefox, Chrome, Edge or Safari');
  });
});

describe("the browser's language, as Intl accepts it", () => {
  it('keeps a valid tag', () => {
    expect(repairedLanguage('en-US')).toBeNull();
    expect(repairedLanguage('de')).toBeNull();
  });

  it('replaces "C" (WebKitGTK under LANG=C), which Intl refuses, by the default locale', () => {
    expect(() => new Intl.NumberFormat('C')).toThrow(RangeError);
    const locale = repairedLanguage('C');
    expect(locale).toBe(new Intl.NumberFormat().resolvedOptions().locale);
    expect(() => new Intl.NumberFormat(locale!)).not.toThrow();
    expect(repairedLanguage('C.UTF-8')).toBe(locale);
    expect(repairedLanguage(undefined)).toBe(locale);
  });
});
