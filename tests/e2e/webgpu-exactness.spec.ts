import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stepOf, waitForStep } from './helpers';

const STEPS = 60;
const URL = `/?backend=webgpu&model=mlp&batch=16&width=32&embed=8&context=3&seed=5&steps=${STEPS}`;

/** Every tensor of a safetensors file as float32/int32 values, by name. */
function tensorsOf(file: string): Map<string, Float32Array | Int32Array> {
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

async function exportAt(page: Page, step: number, file: string): Promise<void> {
  await expect(page.getByTestId('last-snapshot-step')).toHaveText(String(step));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export checkpoint' }).click();
  await (await download).saveAs(file);
}

test('on WebGPU, a run interrupted and resumed matches the uninterrupted run', async ({
  browser,
}, info) => {
  const straight = await (await browser.newContext()).newPage();
  await straight.goto(URL);
  await expect(straight.getByTestId('backend')).toHaveText('webgpu');
  await waitForStep(straight, STEPS);
  await expect(straight.getByTestId('status')).toHaveText('paused');
  const a = path.join(info.outputDir, 'straight.safetensors');
  await exportAt(straight, STEPS, a);

  const broken = await (await browser.newContext()).newPage();
  await broken.goto(URL);
  await waitForStep(broken, 5);
  await broken.getByRole('button', { name: 'Pause' }).click();
  await broken.getByRole('button', { name: 'Snapshot now' }).click();
  const k = await stepOf(broken);
  expect(k).toBeLessThan(STEPS - 10); // the interruption must leave steps to redo
  await expect(broken.getByTestId('last-snapshot-step')).toHaveText(String(k));
  await broken.reload();
  await expect(broken.getByTestId('notice')).toContainText(`from step ${k}`);
  await waitForStep(broken, STEPS);
  await expect(broken.getByTestId('status')).toHaveText('paused');
  const b = path.join(info.outputDir, 'resumed.safetensors');
  await exportAt(broken, STEPS, b);

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
  const figure = `interrupted at step ${k}, compared at step ${STEPS}: ${differing} differing values, largest difference ${largest}`;
  info.annotations.push({ type: 'webgpu-exactness', description: figure });
  console.log(`WebGPU exactness: ${figure}`);
  expect(differing).toBe(0);
});
