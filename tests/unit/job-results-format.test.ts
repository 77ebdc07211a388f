import { describe, expect, it } from 'vitest';
import { csvHeader, csvRow, jsonLine } from '../../src/shared/jobs/results-format';

describe('the results file rows', () => {
  it('JSON Lines: one object per line, fixed key order, non-ASCII and newlines escaped by JSON', () => {
    const line = jsonLine('generate', {
      index: 3,
      input: 'Zoë "q"\n',
      output: 'ἀλφα,β',
      error: null,
    });
    expect(line).toBe('{"index":3,"input":"Zoë \\"q\\"\\n","output":"ἀλφα,β","error":null}\n');
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line)).toEqual({
      index: 3,
      input: 'Zoë "q"\n',
      output: 'ἀλφα,β',
      error: null,
    });
    expect(jsonLine('generate', { index: 0, input: null, output: '', error: null })).toBe(
      '{"index":0,"input":null,"output":"","error":null}\n',
    );
  });

  it('JSON Lines for a score: NLL, tokens, per character, perplexity and bits per byte', () => {
    const row = JSON.parse(
      jsonLine('score', { index: 1, input: 'ab', nll: 3, tokens: 3, bytes: 4, error: null }),
    );
    expect(row).toEqual({
      index: 1,
      input: 'ab',
      nll: 3,
      tokens: 3,
      nll_per_char: 1,
      perplexity: Math.E,
      bits_per_byte: 3 / (4 * Math.LN2),
      error: null,
    });
    expect(Object.keys(row)).toEqual([
      'index',
      'input',
      'nll',
      'tokens',
      'nll_per_char',
      'perplexity',
      'bits_per_byte',
      'error',
    ]);
    // An item scored before items counted their bytes has no figure rather than a wrong one.
    const older = JSON.parse(
      jsonLine('score', { index: 0, input: 'a', nll: 1, tokens: 2, error: null }),
    );
    expect(older.bits_per_byte).toBeNull();
    const failed = JSON.parse(
      jsonLine('score', { index: 2, input: 'x', tokens: 2, error: 'non-finite' }),
    );
    expect(failed).toMatchObject({
      nll: null,
      nll_per_char: null,
      perplexity: null,
      bits_per_byte: null,
      error: 'non-finite',
    });
  });

  it('CSV: RFC 4180 quoting (comma, quote, CR, LF), CRLF ends, UTF-8 text kept as is', () => {
    expect(csvHeader('generate')).toBe('index,input,output,error\r\n');
    expect(csvRow('generate', { index: 0, input: null, output: 'plain', error: null })).toBe(
      '0,,plain,\r\n',
    );
    expect(csvRow('generate', { index: 1, input: 'a,b', output: 'say "hi"', error: null })).toBe(
      '1,"a,b","say ""hi""",\r\n',
    );
    expect(
      csvRow('generate', { index: 2, input: 'x\ny', output: 'r\rs', error: 'bad, very' }),
    ).toBe('2,"x\ny","r\rs","bad, very"\r\n');
    expect(csvRow('generate', { index: 3, input: 'Zoë', output: 'ἀλφα 名前', error: null })).toBe(
      '3,Zoë,ἀλφα 名前,\r\n',
    );
    expect(csvHeader('score')).toBe(
      'index,input,nll,tokens,nll_per_char,perplexity,bits_per_byte,error\r\n',
    );
    expect(
      csvRow('score', { index: 4, input: 'ab', nll: 1.5, tokens: 3, bytes: 3, error: null }),
    ).toBe(`4,ab,1.5,3,0.5,${Math.exp(0.5)},${1.5 / (3 * Math.LN2)},\r\n`);
  });
});
