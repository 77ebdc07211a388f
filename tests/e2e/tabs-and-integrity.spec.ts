import { expect, test } from '@playwright/test';
import { TINY, stepOf, pauseAndSnapshot, waitForStep } from './helpers';

const URL = `/?backend=cpu&${TINY}&snapshotSeconds=1`;

test('two tabs on one run: one trains, the other watches, then takes over', async ({ context }) => {
  const writer = await context.newPage();
  await writer.goto(URL);
  await waitForStep(writer, 3);
  await expect(writer.getByTestId('status')).toHaveText('training');

  const watcher = await context.newPage();
  await watcher.goto(URL);
  await expect(watcher.getByTestId('notice')).toContainText('training in another tab');
  // The watcher shows the writer's progress, relayed across tabs, while its own buttons rest.
  const mirrored = (await stepOf(writer)) + 3;
  await waitForStep(watcher, mirrored);
  await expect(watcher.getByTestId('status')).toHaveText('watching');
  await expect(watcher.getByRole('button', { name: 'Start' })).toBeDisabled();
  await expect(watcher.getByRole('button', { name: 'Pause' })).toBeDisabled();
  await expect(writer.getByTestId('run-item')).toHaveCount(1);

  await expect
    .poll(async () => Number(await writer.getByTestId('last-snapshot-step').textContent()))
    .toBeGreaterThan(0);
  const committed = Number(await writer.getByTestId('last-snapshot-step').textContent());
  await writer.close();
  await expect(watcher.getByTestId('notice')).toContainText('Took over');
  const from = Number(
    /from step (\d+)/.exec((await watcher.getByTestId('notice').textContent())!)![1],
  );
  expect(from).toBeGreaterThanOrEqual(committed);
  await expect(watcher.getByTestId('status')).toHaveText('training');
  await waitForStep(watcher, from + 3);
  await expect(watcher.getByTestId('error')).toHaveText('');
});

test('a corrupted newest snapshot makes the resume fall back to the previous one', async ({
  page,
}) => {
  await page.goto(`/?backend=cpu&${TINY}&snapshotSeconds=600`);
  await waitForStep(page, 3);
  const newest = await pauseAndSnapshot(page);
  await expect(page.getByTestId('snapshot-row')).toHaveCount(2); // step 0 and the newest

  // Flip one byte of one tensor of the newest snapshot, straight in IndexedDB.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('tab-trainer');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const [run] = await request(db.transaction('runs').objectStore('runs').getAll());
    const id = run.latestSnapshotId as string;
    const tensors = db.transaction('tensors').objectStore('tensors');
    const row = await request(tensors.get(IDBKeyRange.bound([id], [id, []])));
    const bytes = new Uint8Array(await (row.data as Blob).arrayBuffer());
    bytes[0] ^= 0x01;
    // Reading the Blob is not an IndexedDB request, so the first transaction has ended.
    const write = db.transaction('tensors', 'readwrite').objectStore('tensors');
    await request(write.put({ ...row, data: new Blob([bytes]) }));
    db.close();
  });

  await page.reload();
  await expect(page.getByTestId('notice')).toContainText('from step 0');
  await expect(page.getByTestId('notice')).toContainText(
    `the snapshot at step ${newest} was skipped`,
  );
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, 2);
});
