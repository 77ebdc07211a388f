/**
 * Asks the browser to keep this origin's storage under pressure (no answer is an error: the
 * storage meter shows whether it was granted). Asked at boot and again after the site's data
 * was cleared under a training tab.
 */
export function askToPersist(): void {
  void navigator.storage?.persist?.().catch(() => false);
}
