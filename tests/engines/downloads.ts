import { expect } from '@playwright/test';
import type { EnginePage } from './engine-page';

/**
 * Keeps the files the page hands to the browser as downloads (src/client/download.ts clicks a
 * link to a Blob), in the page, instead of the browser's download manager: the drivers differ
 * in how they expose downloads, and MiniBrowser asks where to save. What is checked is the
 * file's name and bytes, exactly as the page made them.
 */
export async function keepDownloads(page: EnginePage): Promise<void> {
  await page.run(`
    if (window.keptDownloads) return;
    window.keptDownloads = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
      if (!this.download || !this.href.startsWith('blob:')) return click.call(this);
      const kept = { name: this.download, base64: null };
      window.keptDownloads.push(kept);
      fetch(this.href).then((r) => r.arrayBuffer()).then((buffer) => {
        const bytes = new Uint8Array(buffer);
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) {
          text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        }
        kept.base64 = btoa(text);
      });
    };`);
}

/** Waits for the `index`-th kept download to be read, and returns its name and bytes. */
export async function keptDownload(
  page: EnginePage,
  index: number,
): Promise<{ name: string; bytes: Buffer }> {
  const read = () =>
    page.run<{ name: string; base64: string | null } | null>(
      `return window.keptDownloads?.[${index}] ?? null;`,
    );
  await expect.poll(async () => (await read())?.base64 ?? null).not.toBeNull();
  const kept = (await read())!;
  return { name: kept.name, bytes: Buffer.from(kept.base64!, 'base64') };
}

/** A safetensors file's `__metadata__`. */
export function metadataOf(bytes: Buffer): Record<string, string> {
  const length = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')).__metadata__;
}
