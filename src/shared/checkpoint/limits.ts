/**
 * Caps the importer applies before it allocates anything a file asks for. A hostile or broken
 * file can claim any header length or tensor count; these bound the work and memory spent on it.
 *
 * MAX_HEADER_BYTES: 16 MiB. A real header carries the config, the vocabulary, a SHA-256 per
 * tensor (~80 bytes each) and the loss history (~25 bytes per recorded row), so a long run's
 * metrics dominate: 16 MiB holds over half a million rows. The safetensors library's own cap is
 * 100 MB; ours is lower because the header is held as a string in a worker. A declared length over
 * the cap is refused from the 8-byte prefix alone, and the writer refuses to make such a file.
 *
 * MAX_TENSORS: 10,000 entries. The largest model the config allows has under 200 tensors with
 * its optimizer state; the cap stops a header of many tiny entries before they are parsed.
 *
 * MAX_ENTRY_CHARS and MAX_RANK bound one tensor entry, so that no single entry (say, a shape of
 * millions of dimensions) is parsed into a large array.
 */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
export const MAX_TENSORS = 10_000;
export const MAX_ENTRY_CHARS = 1024;
export const MAX_RANK = 32;
