import {
  CorpusNotTextError,
  CorpusTooLargeError,
  MAX_CORPUS_BYTES,
  TextEmptyError,
} from '../../src/shared/errors';

/**
 * Binary formats people pick by mistake, by their first bytes. Prose takes any bytes (invalid
 * UTF-8 and NUL included), so only a file that is plainly something else is refused.
 */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (or a .docx, .xlsx, .epub)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a Zstandard archive' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
  { bytes: [0x00, 0x61, 0x73, 0x6d], what: 'a WebAssembly module' },
  { bytes: [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], what: 'a NumPy array' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database' },
];
const HEAD_BYTES = 8;

/** Refuses, by name, a corpus file that is empty, over the limit or not text. */
export async function checkCorpusFile(name: string, file: Blob): Promise<void> {
  if (file.size === 0) throw new TextEmptyError(name, 'prose');
  if (file.size > MAX_CORPUS_BYTES) throw new CorpusTooLargeError(name, file.size);
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  for (const { bytes, what } of SIGNATURES) {
    if (bytes.every((b, i) => head[i] === b)) throw new CorpusNotTextError(name, what);
  }
}
