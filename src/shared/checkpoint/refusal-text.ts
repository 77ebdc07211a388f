/** The "what to do next" halves of checkpoint refusals, so every message ends the same way. */
export const EXPORT_AGAIN = 'Export the checkpoint again from the trainer.';
export const COPY_AGAIN =
  'The file is incomplete: download or copy it again, or export it again from the trainer.';
export const CHOOSE_OURS = 'Choose a .safetensors checkpoint that this trainer exported.';

/** A name from the file, quoted and cut short: a hostile name must not flood the error area. */
export function quoteName(name: string): string {
  const quoted = JSON.stringify(name);
  return quoted.length <= 82 ? quoted : `${quoted.slice(0, 80)}…"`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
