import { TrainerPage } from './client/trainer-page';
import { watchLifecycle } from './client/lifecycle';
import {
  configFromParams,
  DEFAULT_CONFIG,
  DEFAULT_SETTINGS,
  type RunConfig,
} from './shared/config';
import { serializeError } from './shared/errors';
import { createConfigForm } from './ui/config-form';
import { createControls } from './ui/controls';
import { createDatasetPicker } from './ui/dataset-picker';
import { createErrorArea } from './ui/error-area';
import { createLossChart } from './ui/loss-chart';
import { createNotice } from './ui/notice';
import { createSamples } from './ui/samples';
import { createStats } from './ui/stats';

function mount(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html lacks #${id}`);
  return el;
}

const errors = createErrorArea(mount('error-area'));
const params = new URLSearchParams(location.search);
let initialConfig: RunConfig = DEFAULT_CONFIG;
let settings = DEFAULT_SETTINGS;
try {
  ({ config: initialConfig, settings } = configFromParams(params));
} catch (err) {
  errors.show(serializeError(err));
}

/** Runs a page action, showing any failure in the error area instead of losing it. */
function act(action: () => Promise<void>): void {
  controls.setBusy(true);
  action()
    .catch((err: unknown) => errors.show(serializeError(err)))
    .finally(() => controls.setBusy(false));
}

const form = createConfigForm(mount('config-form'), initialConfig);
const controls = createControls(mount('controls'), {
  onStart: () =>
    act(() => (page.currentRun === null ? page.newRun(form.read()) : page.api.start())),
  onPause: () => act(() => page.api.pause()),
  onNewRun: () => act(() => page.newRun(form.read())),
  onSnapshotNow: () => act(async () => void (await page.api.snapshotNow('manual'))),
});
const picker = createDatasetPicker(
  mount('dataset-picker'),
  (chosen) => act(() => page.newRun(form.read(), chosen)),
  (err) => errors.show(err),
);

const page = new TrainerPage(
  {
    stats: createStats(mount('stats'), mount('header-status')),
    chart: createLossChart(mount('loss-chart')),
    samples: createSamples(mount('samples')),
    notice: createNotice(mount('notice')),
    errors,
    controls,
    form,
  },
  settings,
  {
    refresh: () => undefined,
    setDatasetName: (name) => picker.setCurrent(name),
  },
);

if (params.get('debug') === '1') {
  // Fault injection for the end-to-end tests and for trying supervision by hand.
  Object.assign(window, {
    trainerDebug: { fault: (kind: 'crash' | 'device-loss') => page.api.debugFault(kind) },
  });
}

controls.setStatus('idle');
watchLifecycle((trigger) => {
  if (page.currentRun !== null) page.api.snapshotNow(trigger).catch(() => undefined);
});
page.boot(params.get('autostart') !== '0', initialConfig).catch((err: unknown) => {
  errors.show(serializeError(err));
  controls.setStatus('error');
});
