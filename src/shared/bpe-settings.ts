/**
 * Byte-level BPE's settings that the page (URL, form), the worker (trainer, encoder, import) and
 * the Python bridge (facts.json) share, written once (issue 20).
 */

/** Every byte is a token of its own: ids 0–255 are the bytes, so any file encodes. */
export const BPE_BASE_TOKENS = 256;
/** The vocabulary sizes a user may ask for (base tokens included). */
export const MIN_BPE_VOCAB = 512;
export const MAX_BPE_VOCAB = 32_768;
/** The size a URL with tokens=bpe and no vocabSize gets (the form's starting value). */
export const DEFAULT_BPE_VOCAB = 1024;
