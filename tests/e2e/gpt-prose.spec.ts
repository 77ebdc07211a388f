import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stepOf } from './helpers';
import { test } from './own-browser';

/**
 * The Gospel of Mark (tests/fixtures/text/mark.txt, public domain) hard-wrapped at 72 columns,
 * as books are: a line break every few dozen bytes, which windows of a stream cross.
 */
function wrappedMark(): Buffer {
  const text = readFileSync(path.join(import.meta.dirname, '../fixtures/text/mark.txt'), 'utf8');
  const wrapped = text.split('\n').map((paragraph) => {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + 1 + word.length > 72) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    return [...lines, line].join('\n');
  });
  return Buffer.from(wrapped.join('\n'));
}

/** A gpt at gpt-nano's settings, smaller, so that WASM trains a few hundred steps in a minute. */
const GPT =
  'model=gpt&embed=32&width=128&layers=2&heads=2&context=32&batch=8&lr=0.003&warmup=20&seed=4';

const bitsPerByte = async (page: Page) => {
  const text = await page.getByTestId('bits-per-byte').textContent();
  return text === '' || text === null ? Infinity : Number(text);
};

test('a gpt on byte-level prose learns: validation bits per byte fall well below 8, samples cross lines, a prompt sample streams', async ({
  ownPage: page,
}, info) => {
  test.setTimeout(420_000);
  // Counts how often the generated text of a prompt sample changes: more than once is a stream.
  await page.addInitScript(() => {
    const w = window as unknown as { sampleUpdates: number };
    w.sampleUpdates = 0;
    new MutationObserver(() => {
      const text = document.querySelector('.sample-text');
      if (text !== null && text.textContent !== '') w.sampleUpdates++;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`/?backend=wasm&autostart=0&${GPT}`);
  await expect(page.getByTestId('status')).toHaveText('idle');
  await page.getByLabel('Training text file').setInputFiles({
    name: 'mark-wrapped.txt',
    mimeType: 'text/plain',
    buffer: wrappedMark(),
  });
  await expect(page.getByTestId('notice')).toContainText('New run: gpt on mark-wrapped.txt');
  await expect(page.getByTestId('status')).toHaveText('training');

  // The first validation (step 25) is near the uniform byte model's 8 bits; it then falls.
  await expect.poll(() => bitsPerByte(page), { timeout: 120_000 }).toBeLessThan(Infinity);
  const first = await bitsPerByte(page);
  await expect
    .poll(() => bitsPerByte(page), { timeout: 300_000, intervals: [1000] })
    .toBeLessThan(Math.min(4.4, first - 0.8));
  const reached = `validation bits per byte ${first} at step 25, ${await bitsPerByte(page)} at step ${await stepOf(page)}`;
  info.annotations.push({ type: 'gpt-learning', description: reached });
  console.log(reached);

  // Samples continue a line break and run on across lines, as windows of the stream do.
  await expect
    .poll(
      async () => (await page.getByTestId('samples').locator('li').allTextContents()).join('|'),
      {
        timeout: 120_000,
      },
    )
    .toMatch(/\S\n\S/);

  // A prompt sample: the prompt, then its continuation, arriving piece by piece.
  const prompt = 'And Jesus said to them,';
  await page.getByRole('textbox', { name: 'Prompt' }).fill(prompt);
  await page.getByLabel('Length (tokens)').fill('300');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-output')).toHaveAttribute('data-sample', /\d+/);
  await expect(page.getByTestId('sample-status')).toContainText('300 tokens', { timeout: 60_000 });
  await expect(page.getByTestId('sample-output')).toContainText(prompt);
  const sample = (await page.getByTestId('sample-output').textContent())!;
  expect(sample.startsWith(prompt)).toBe(true);
  expect(sample.length).toBeGreaterThan(prompt.length + 100);
  const updates = await page.evaluate(
    () => (window as unknown as { sampleUpdates: number }).sampleUpdates,
  );
  expect(updates).toBeGreaterThan(5);
  console.log(`prompt sample: ${JSON.stringify(sample.slice(0, 160))}… in ${updates} updates`);

  // Paused, the same seed at the same step gives the same text; another seed another.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  const output = page.getByTestId('sample-output');
  const sampleOnce = async () => {
    const before = Number(await output.getAttribute('data-sample'));
    await page.getByRole('button', { name: 'Sample', exact: true }).click();
    await expect(output).toHaveAttribute('data-sample', String(before + 1));
    await expect(page.getByTestId('sample-status')).toContainText('300 tokens', {
      timeout: 60_000,
    });
    return output.textContent();
  };
  const a = await sampleOnce();
  expect(await sampleOnce()).toBe(a);
  await page.getByLabel('Sample seed').fill('2');
  expect(await sampleOnce()).not.toBe(a);
});
