import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** Every tensor of a safetensors file as float32/int32 values, by name. */
export function tensorsOf(file: string): Map<string, Float32Array | Int32Array> {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
  const base = 8 + length;
  const out = new Map<string, Float32Array | Int32Array>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const {
      dtype,
      data_offsets: [begin, end],
    } = entry as { dtype: string; data_offsets: [number, number] };
    const slice = bytes.buffer.slice(
      bytes.byteOffset + base + begin,
      bytes.byteOffset + base + end,
    );
    out.set(name, dtype === 'I32' ? new Int32Array(slice) : new Float32Array(slice));
  }
  return out;
}

/** A file's `__metadata__`, its JSON values parsed. */
export function metadataOf(file: string): Record<string, unknown> {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const meta = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'))['__metadata__'];
  return Object.fromEntries(
    Object.entries(meta as Record<string, string>).map(([k, v]) => {
      try {
        return [k, JSON.parse(v)];
      } catch {
        return [k, v];
      }
    }),
  );
}

/** Exports the shown run's newest snapshot once the page shows it committed at `step`. */
export async function exportAt(page: Page, step: number, file: string): Promise<void> {
  await expect(page.getByTestId('last-snapshot-step')).toHaveText(String(step));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export checkpoint' }).click();
  await (await download).saveAs(file);
}

/** Values that differ between two files' tensors (bitwise, -0 apart from 0), and the largest gap. */
export function compare(a: string, b: string): { differing: number; largest: number } {
  const want = tensorsOf(a);
  const got = tensorsOf(b);
  expect([...got.keys()]).toEqual([...want.keys()]);
  let largest = 0;
  let differing = 0;
  for (const [name, values] of want) {
    const other = got.get(name)!;
    for (let i = 0; i < values.length; i++) {
      const d = Math.abs(values[i]! - other[i]!);
      if (d !== 0 || Object.is(values[i], -0) !== Object.is(other[i], -0)) differing++;
      largest = Math.max(largest, d);
    }
  }
  return { differing, largest };
}
