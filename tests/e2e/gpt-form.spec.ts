import { expect, test, type Page } from '@playwright/test';
import { stepOf, waitForStep } from './helpers';

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });
const TIE = 'Tied output (1 tied, 0 own matrix)';

/**
 * gpt's parameters by hand: per block 4d² + 2dw + 9d + w (two layer norms, qkv and projection
 * with biases, the MLP's two layers with biases); the token and position embeddings and the
 * final layer norm; the output tied to the token embedding.
 */
function gptParameters(d: number, w: number, layers: number, context: number, vocab: number) {
  return vocab * d + context * d + 2 * d + layers * (4 * d * d + 2 * d * w + 9 * d + w);
}

test('a preset fills the form, every field stays editable, and the parameter count follows the form', async ({
  page,
}) => {
  await page.goto('/?backend=cpu&autostart=0');
  await expect(page.getByTestId('status')).toHaveText('idle');
  await page.getByLabel('Preset').selectOption('gpt-nano');
  await expect(field(page, 'Model')).toHaveValue('gpt');
  const nano: [string, string][] = [
    ['Embedding size', '96'],
    ['Width', '384'],
    ['Layers', '3'],
    ['Heads', '3'],
    ['Context', '64'],
    ['Batch size', '16'],
    ['Learning rate', '0.001'],
    ['Weight decay', '0.1'],
    ['Adam β1', '0.9'],
    ['Adam β2', '0.95'],
  ];
  for (const [label, value] of nano) await expect(field(page, label)).toHaveValue(value);
  await expect(field(page, 'Tokens')).toHaveValue('byte');
  await expect(field(page, 'Text')).toHaveValue('prose');
  await expect(page.getByTestId('params')).toHaveText('366,432');
  expect(gptParameters(96, 384, 3, 64, 256)).toBe(366_432);

  // Every field stays editable: the count follows, and the preset says the form is its own now.
  await field(page, 'Layers').fill('4');
  await expect(page.getByLabel('Preset')).toHaveValue('');
  await expect(page.getByTestId('params')).toHaveText(
    gptParameters(96, 384, 4, 64, 256).toLocaleString('en'),
  );
  // A separator is one more token: one more row of the (tied) token embedding.
  await page.getByLabel('Separator', { exact: true }).selectOption('literal');
  await field(page, 'Separator text').fill('<|endoftext|>');
  await expect(page.getByTestId('params')).toHaveText(
    gptParameters(96, 384, 4, 64, 257).toLocaleString('en'),
  );
  // Characters: the alphabet is the text's, which no run here has read yet.
  await field(page, 'Tokens').selectOption('char');
  await expect(page.getByTestId('params')).toHaveText('');
  await page.getByLabel('Preset').selectOption('gpt-nano');
  await expect(page.getByTestId('params')).toHaveText('366,432');

  await page.goto('/?backend=cpu&autostart=0&preset=gpt-mini');
  await expect(page.getByLabel('Preset')).toHaveValue('gpt-mini');
  await expect(page.getByTestId('params')).toHaveText('14,393,088');
});

test('New run from the form trains the gpt it shows, and the link and a reload keep every gpt setting', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('status')).toHaveText('training');
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await page.getByLabel('Preset').selectOption('gpt-nano');
  for (const [label, value] of [
    ['Embedding size', '16'],
    ['Width', '64'],
    ['Layers', '1'],
    ['Heads', '2'],
    ['Context', '8'],
    ['Batch size', '4'],
    ['Dropout', '0.1'],
    [TIE, '0'],
  ]) {
    await field(page, label).fill(value);
  }
  await page.getByText('Schedule, clipping and divergence guard').click();
  await field(page, 'Warm-up steps').fill('5');
  await expect(page.getByTestId('params')).toHaveText(
    (gptParameters(16, 64, 1, 8, 256) + 16 * 256).toLocaleString('en'),
  );
  await page.getByRole('button', { name: 'New run' }).click();
  await expect(page.getByTestId('notice')).toContainText('New run: gpt on names (bundled)');
  await expect(page.getByTestId('status')).toHaveText('training');
  const link = new URL(page.url()).searchParams;
  for (const [key, value] of Object.entries({
    model: 'gpt',
    tokens: 'byte',
    text: 'prose',
    separator: 'none',
    dropout: '0.1',
    tie: '0',
    weightDecay: '0.1',
    beta2: '0.95',
    embed: '16',
    context: '8',
  })) {
    expect(link.get(key), key).toBe(value);
  }
  // Validation every 25 steps: bits per byte shows; tokens seen is steps × batch × context.
  await expect(page.getByTestId('bits-per-byte')).toHaveText(/^\d+\.\d{4}$/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  const step = await stepOf(page);
  await expect(page.getByTestId('tokens-seen')).toHaveText(String(step * 4 * 8));

  await page.reload();
  await expect(page.getByTestId('notice')).toContainText(`Resuming gpt on names (bundled)`);
  await waitForStep(page, step + 1);
  await expect(field(page, 'Model')).toHaveValue('gpt');
  await expect(field(page, 'Dropout')).toHaveValue('0.1');
  await expect(field(page, TIE)).toHaveValue('0');
  await expect(field(page, 'Tokens')).toHaveValue('byte');
  await expect(page.getByTestId('params')).toHaveText(
    (gptParameters(16, 64, 1, 8, 256) + 16 * 256).toLocaleString('en'),
  );
  await expect(page.getByTestId('bits-per-byte')).toHaveText(/^\d+\.\d{4}$/);
});
