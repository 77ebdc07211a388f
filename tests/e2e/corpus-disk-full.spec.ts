import { expect, test, type Page } from '@playwright/test';
import { MiB, whilePausedTokenizing } from './corpus-quota';
import { corpusFile } from './generated-corpus';
import { waitForStep } from './helpers';

/** Every file of every corpus in the origin private file system, with its size. */
function corpusFiles(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const out: Record<string, number> = {};
    const root = await navigator.storage.getDirectory();
    const corpora = await root.getDirectoryHandle('corpora');
    for await (const [address, folder] of corpora as unknown as AsyncIterable<
      [string, FileSystemDirectoryHandle]
    >) {
      for await (const [name, file] of folder as unknown as AsyncIterable<
        [string, FileSystemFileHandle]
      >) {
        out[`${address.slice(0, 8)}/${name}`] = (await file.getFile()).size;
      }
    }
    return out;
  });
}

/** For each shard the corpus's manifest names: whether its bytes hash to the SHA-256 given. */
function shardsMatchManifest(page: Page): Promise<boolean[]> {
  return page.evaluate(async () => {
    const hex = (buf: ArrayBuffer) =>
      [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const corpora = await (await navigator.storage.getDirectory()).getDirectoryHandle('corpora');
    const out: boolean[] = [];
    for await (const folder of (
      corpora as unknown as { values(): AsyncIterable<FileSystemDirectoryHandle> }
    ).values()) {
      const manifest = JSON.parse(
        await (await (await folder.getFileHandle('manifest.json')).getFile()).text(),
      ) as { shardSha256: string[] };
      for (const [i, sha] of manifest.shardSha256.entries()) {
        const name = `shard-${String(i).padStart(5, '0')}.bin`;
        const bytes = await (await (await folder.getFileHandle(name)).getFile()).arrayBuffer();
        out.push(hex(await crypto.subtle.digest('SHA-256', bytes)) === sha);
      }
    }
    return out;
  });
}

test('a full disk while tokenizing: the box says paused (disk full) and retries by itself; space back and Retry pressed, it finishes and trains', async () => {
  test.setTimeout(300_000);
  // 20 MB of text: byte tokens as uint16 make shards of 16 MiB, 16 MiB and about 8 MiB.
  const file = corpusFile('corpus-disk-full', 20, 3);
  await whilePausedTokenizing(file, async ({ page, setQuota }) => {
    const status = page.getByTestId('dataset-status');
    const warning = page.getByTestId('dataset-warning');
    await expect(warning).toContainText('The disk is full');
    await expect(warning).toContainText('Tokenizing is paused and goes on by itself');
    await expect(warning).toContainText('or press Cancel');
    console.log(`warning: ${await warning.textContent()}`);
    await expect(page.getByTestId('dataset-retry')).toBeVisible();
    await expect(page.getByTestId('dataset-cancel')).toBeVisible();
    // Nothing half-written: the first shard whole, no temporary file, no second shard.
    const files = await corpusFiles(page);
    console.log(`while paused: ${JSON.stringify(files)}`);
    const names = Object.keys(files);
    expect(names.filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('/shard-00000.bin')).map((n) => files[n])).toEqual([
      16 * MiB,
    ]);
    expect(names.some((n) => n.endsWith('/shard-00001.bin'))).toBe(false);
    expect(names.some((n) => n.endsWith('/manifest.json'))).toBe(false);

    // Still full: it tries again by itself (the first wait is 2 s) and pauses again, longer.
    await expect(page.getByTestId('dataset-retry-in')).toHaveText('4', { timeout: 60_000 });
    await expect(status).toHaveText('paused (disk full)');
    await expect(page.getByTestId('status')).toHaveText('idle');

    await setQuota(null);
    await page.getByTestId('dataset-retry').click();
    await expect(status).toHaveText('ready', { timeout: 120_000 });
    await expect(warning).toHaveText('');
    await expect(page.getByTestId('dataset-retry')).toBeHidden();
    await expect(page.getByTestId('status')).toHaveText('training');
    await waitForStep(page, 3);
    const done = await corpusFiles(page);
    console.log(`finished: ${JSON.stringify(done)}`);
    const shardSizes = Object.entries(done)
      .filter(([n]) => /\/shard-\d+\.bin$/.test(n))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, size]) => size);
    expect(shardSizes.length).toBe(3);
    expect(shardSizes.slice(0, 2)).toEqual([16 * MiB, 16 * MiB]);
    // Every shard is the one the manifest's SHA-256 names: none was torn by the refusals.
    expect(await shardsMatchManifest(page)).toEqual([true, true, true]);
    expect(Object.keys(done).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});

test('Cancel while paused on a full disk stops it: the box says stopped, the shard committed stays', async () => {
  test.setTimeout(300_000);
  const file = corpusFile('corpus-disk-full-cancel', 20, 4);
  await whilePausedTokenizing(file, async ({ page }) => {
    await page.getByTestId('dataset-cancel').click();
    await expect(page.getByTestId('error')).toContainText('Tokenizing was cancelled');
    await expect(page.getByTestId('dataset-status')).toHaveText('stopped');
    await expect(page.getByTestId('dataset-warning')).toHaveText('');
    await expect(page.getByTestId('dataset-retry')).toBeHidden();
    await expect(page.getByTestId('status')).toHaveText('idle');
    const files = await corpusFiles(page);
    const names = Object.keys(files);
    expect(names.filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('/shard-00000.bin')).map((n) => files[n])).toEqual([
      16 * MiB,
    ]);
  });
});
