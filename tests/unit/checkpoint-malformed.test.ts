import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES, decodeCheckpoint } from '../../src/shared/checkpoint';
import type { BlobSource } from '../../src/shared/checkpoint/safetensors-read';
import expected from '../fixtures/malformed/expected.json';
import { CORPUS_DIR, SHARED_FIXTURES_DIR, recordingSource } from './checkpoint-fixtures';

function fileBlob(dir: string, name: string): Blob {
  return new Blob([readFileSync(join(dir, name))]);
}

/** The refusal a decode ends in; fails the test if the file was accepted. */
async function refusal(source: BlobSource): Promise<Error> {
  try {
    await decodeCheckpoint(source);
  } catch (err) {
    return err as Error;
  }
  throw new Error('the file was accepted');
}

describe('malformed corpus (tests/fixtures/make-malformed.mjs)', () => {
  it('lists every file it holds', () => {
    const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.safetensors'));
    expect(files.sort()).toEqual(
      [...Object.keys(expected.malformed), ...Object.keys(expected.valid)].sort(),
    );
  });

  for (const [file, { error, message }] of Object.entries(expected.malformed)) {
    it(`${file}: ${error} "${message}"`, async () => {
      const { source, slices } = recordingSource(fileBlob(CORPUS_DIR, file));
      const err = await refusal(source);
      expect(err.name).toBe(error);
      expect(err.message).toContain(message);
      // Each message ends by telling the user what to do.
      expect(err.message.split(/\.\s+/).pop()).toMatch(/again|update|Choose|Reload/);
      // Only a hash check reads tensor bytes: every other refusal comes from the length prefix
      // and the header alone.
      if (error !== 'CheckpointIntegrityError') expect(slices.length).toBeLessThanOrEqual(2);
      for (const [start, end] of slices) expect(end - start).toBeLessThanOrEqual(MAX_HEADER_BYTES);
    });
  }

  it('refuses 100k+ tensor entries quickly, from the count alone', async () => {
    const started = performance.now();
    const err = await refusal(fileBlob(CORPUS_DIR, 'too-many-tensors.safetensors'));
    expect(err.name).toBe('CheckpointLimitError');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('shared safetensors fixtures: the verdicts of their README', () => {
  const verdicts: Record<string, [string, string]> = {
    'foreign-model.safetensors': ['CheckpointMismatchError', 'not a checkpoint of this trainer'],
    'empty.safetensors': ['CheckpointTruncatedError', 'empty'],
    'truncated-header.safetensors': ['CheckpointTruncatedError', 'header length'],
    'truncated-data.safetensors': ['CheckpointTruncatedError', 'data section is 6319 bytes'],
    'header-length-huge.safetensors': ['CheckpointLimitError', 'over the 16777216-byte limit'],
    'header-not-json.safetensors': ['CheckpointFormatError', 'not valid JSON'],
    'header-not-utf8.safetensors': ['CheckpointFormatError', 'not valid UTF-8'],
    'overlapping-offsets.safetensors': ['CheckpointFormatError', 'overlap'],
    'unknown-dtype.safetensors': ['CheckpointFormatError', 'unknown dtype "Q7"'],
    'shape-mismatch.safetensors': ['CheckpointFormatError', 'does not match its byte span'],
    'metadata-not-string.safetensors': ['CheckpointFormatError', 'values must be strings'],
  };

  it('covers every file there', () => {
    const files = readdirSync(SHARED_FIXTURES_DIR).filter((f) => f.endsWith('.safetensors'));
    expect(files.sort()).toEqual(Object.keys(verdicts).sort());
  });

  for (const [file, [name, message]] of Object.entries(verdicts)) {
    it(`${file}: ${name}`, async () => {
      const err = await refusal(fileBlob(SHARED_FIXTURES_DIR, file));
      expect(err.name).toBe(name);
      expect(err.message).toContain(message);
    });
  }
});

describe('a hostile header length', () => {
  /** A file that claims to be huge and answers only the 8-byte prefix. */
  function claimedFile(size: number, headerLength: bigint): { source: BlobSource; read: number[] } {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, headerLength, true);
    const read: number[] = [];
    const source: BlobSource = {
      size,
      slice(start = 0, end = size): Blob {
        read.push(end - start);
        if (start !== 0 || end !== 8) throw new Error(`read [${start}, ${end})`);
        return new Blob([prefix]);
      },
    };
    return { source, read };
  }

  for (const length of [2n ** 40n, 2n ** 63n + 5n, 2n ** 64n - 1n, BigInt(MAX_HEADER_BYTES) + 1n]) {
    it(`of ${length} bytes is refused after reading 8 bytes`, async () => {
      const { source, read } = claimedFile(2 ** 52, length);
      const err = await refusal(source);
      expect(err.name).toBe('CheckpointLimitError');
      expect(err.message).toContain(String(length));
      expect(read).toEqual([8]);
    });
  }

  it('just under the cap but past the end of the file is refused as truncated', async () => {
    const { source, read } = claimedFile(4096, BigInt(MAX_HEADER_BYTES));
    const err = await refusal(source);
    expect(err.name).toBe('CheckpointTruncatedError');
    expect(err.message).toContain('exceeds the file');
    expect(read).toEqual([8]);
  });
});
