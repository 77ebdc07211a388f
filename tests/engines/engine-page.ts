/**
 * What the smoke suite does to a page, the same in every engine: the drivers differ (WebDriver
 * BiDi through puppeteer-core for Firefox, classic WebDriver through selenium-webdriver for
 * WebKitGTK), the suite does not. Everything the suite reads comes from the page's
 * `data-testid` elements; clicks and file choices go through the driver as a user's would.
 */
export interface EnginePage {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Runs `body` (a function body that may `return`) in the page and returns its result. */
  run<T>(body: string): Promise<T>;
  /** Clicks the enabled button whose text or aria-label is `name`. */
  click(name: string): Promise<void>;
  /** Chooses `file` in the file input labelled `label`. */
  chooseFile(label: string, file: string): Promise<void>;
}

export interface EngineBrowser {
  readonly page: EnginePage;
  /**
   * SIGKILLs the processes that hold the page (see each driver for which), as a crash or the
   * OOM killer would; `page` is then gone.
   */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export type EngineName = 'firefox' | 'webkit';

/** An XPath for an element whose text or aria-label is exactly `name`. */
export function byName(tag: string, name: string): string {
  const quoted = JSON.stringify(name);
  return `//${tag}[normalize-space(.)=${quoted} or @aria-label=${quoted}]`;
}

/** An XPath for the file input a `<label for>` names. */
export function fileInputLabelled(label: string): string {
  return `//input[@type="file" and @id=//label[normalize-space(.)=${JSON.stringify(label)}]/@for]`;
}
