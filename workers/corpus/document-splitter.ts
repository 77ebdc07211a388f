import type { Separator } from '../../src/shared/text-mode';
import { separatorSpans } from '../training/prose-data';

/** Where the splitter hands what it decided: document bytes, and each separator found. */
export interface DocumentSink {
  content(bytes: Uint8Array): void;
  /** A separator of `bytes` bytes of the text. */
  separator(bytes: number): void;
}

const LF = 10;
const CR = 13;

/**
 * Cuts a byte stream that arrives in chunks into documents exactly as prose-data.ts's
 * separatorSpans cuts the whole text: each push hands on the bytes it has decided and carries
 * the rest (the start of a separator that the next bytes may complete) to the next push.
 *
 * Resuming needs no saved state: the carried bytes start where nothing before them can join a
 * separator, so a fresh splitter given the stream from byte `consumed - carried` goes on
 * exactly (checked against separatorSpans over random cuts in corpus-tokenize.test.ts).
 */
export class DocumentSplitter {
  private carry = new Uint8Array(0);
  private readonly literal: Uint8Array | null;

  constructor(private readonly separator: Separator) {
    this.literal = separator.kind === 'literal' ? new TextEncoder().encode(separator.text) : null;
  }

  get carried(): number {
    return this.carry.length;
  }

  push(chunk: Uint8Array, sink: DocumentSink): void {
    this.run(chunk, sink, false);
  }

  end(sink: DocumentSink): void {
    this.run(new Uint8Array(0), sink, true);
  }

  private run(chunk: Uint8Array, sink: DocumentSink, final: boolean): void {
    let b = chunk;
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry);
      b.set(chunk, this.carry.length);
    }
    const cut = final ? b.length : this.decidedLength(b);
    const decided = b.subarray(0, cut);
    const spans = separatorSpans(decided, this.separator);
    let from = 0;
    for (let s = 0; s < spans.length; s += 2) {
      sink.content(decided.subarray(from, spans[s]));
      sink.separator(spans[s + 1]! - spans[s]!);
      from = spans[s + 1]!;
    }
    sink.content(decided.subarray(from));
    this.carry = b.slice(cut);
  }

  /** The bytes before the first one whose part in a separator later bytes could change. */
  private decidedLength(b: Uint8Array): number {
    if (this.separator.kind === 'none') return b.length;
    if (this.literal === null) {
      // Blank lines: hold back the trailing run of line-break bytes. A span never reaches the
      // byte before that run (it is not a break), so the spans before it are final.
      let t = b.length;
      while (t > 0 && (b[t - 1] === LF || b[t - 1] === CR)) t -= 1;
      return t;
    }
    // A literal: the scan decides every start at which the whole literal fits; hold back from
    // the first start it could not check (separatorSpans skips matches left to right).
    const lit = this.literal;
    const first = lit[0]!;
    for (let i = b.indexOf(first); i !== -1;) {
      if (i + lit.length > b.length) return i;
      let match = true;
      for (let k = 1; k < lit.length && match; k++) match = b[i + k] === lit[k];
      i = b.indexOf(first, match ? i + lit.length : i + 1);
    }
    return b.length;
  }
}
