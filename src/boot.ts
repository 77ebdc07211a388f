import { missingFeatures, repairedLanguage } from './boot-checks';
import {
  BrowserFeatureMissingError,
  PageStartError,
  errorText,
  serializeError,
} from './shared/errors';
import { createErrorArea } from './ui/error-area';

// The page's entry: it checks what the page needs, then loads the page (main.ts) and its
// libraries. A browser that lacks something, or a module that throws while it loads, gets a
// message in the error area instead of a page of empty panels.

function showBootFailure(err: Error): void {
  const root = document.getElementById('error-area');
  if (root !== null) createErrorArea(root).show(serializeError(err));
  document.documentElement.dataset['boot'] = 'failed';
}

const missing = missingFeatures(self);
if (missing.length > 0) {
  showBootFailure(new BrowserFeatureMissingError(missing));
} else {
  // uPlot builds `new Intl.NumberFormat(navigator.language)` as its module loads: a language
  // Intl refuses (WebKitGTK under LANG=C says "C") would stop the page there. The browser's
  // own default locale stands in for it, on this page only.
  const language = repairedLanguage(navigator.language);
  if (language !== null) {
    Object.defineProperty(navigator, 'language', { value: language, configurable: true });
    Object.defineProperty(navigator, 'languages', { value: [language], configurable: true });
  }
  // Until main.ts has built the drop zones (and its own guard), a file dropped on the page
  // would make the browser open it in place of the page: refuse drops while the page loads.
  const refuseDrop = (event: DragEvent): void => event.preventDefault();
  for (const type of ['dragover', 'drop'] as const) document.addEventListener(type, refuseDrop);
  import('./main')
    .catch((err: unknown) => showBootFailure(new PageStartError(errorText(err))))
    .finally(() => {
      for (const type of ['dragover', 'drop'] as const) {
        document.removeEventListener(type, refuseDrop);
      }
    });
}
