import type { Remote } from 'comlink';
import { connectTrainer, type TrainerConnection } from './client/trainer-client';
import { watchLifecycle } from './client/lifecycle';
import type { TrainerApi, TrainerEvent, UserDataset } from './shared/api';
import { configFromParams, DEFAULT_CONFIG, DEFAULT_SETTINGS, type RunConfig } from './shared/config';
import { serializeError } from './shared/errors';
import type { RunRecord } from './shared/snapshot';
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
const notice = createNotice(mount('notice'));
const stats = createStats(mount('stats'), mount('header-status'));
const chart = createLossChart(mount('loss-chart'));
const samples = createSamples(mount('samples'));

const params = new URLSearchParams(location.search);
let initialConfig: RunConfig = DEFAULT_CONFIG;
let settings = DEFAULT_SETTINGS;
try {
  ({ config: initialConfig, settings } = configFromParams(params));
} catch (err) {
  errors.show(serializeError(err));
}
const form = createConfigForm(mount('config-form'), initialConfig);

let connection: TrainerConnection | null = null;
let currentRun: RunRecord | null = null;
let dataset: UserDataset | null = null;

function api(): Remote<TrainerApi> {
  if (connection === null) throw new Error('The trainer is not connected yet.');
  return connection.api;
}

/** Runs a page action, showing any failure in the error area instead of losing it. */
function act(action: () => Promise<void>): void {
  controls.setBusy(true);
  action()
    .catch((err: unknown) => errors.show(serializeError(err)))
    .finally(() => controls.setBusy(false));
}

const controls = createControls(mount('controls'), {
  onStart: () => act(() => api().start()),
  onPause: () => act(() => api().pause()),
  onNewRun: () => act(() => startNewRun(form.read())),
  onSnapshotNow: () => act(async () => void (await api().snapshotNow('manual'))),
});

const picker = createDatasetPicker(
  mount('dataset-picker'),
  (chosen) =>
    act(async () => {
      const previous = dataset;
      dataset = chosen;
      try {
        await startNewRun(form.read());
      } catch (err) {
        dataset = previous;
        throw err;
      }
    }),
  (err) => errors.show(err),
);

function onEvent(event: TrainerEvent): void {
  switch (event.type) {
    case 'progress':
      stats.progress(event);
      for (const [step, loss] of event.losses) chart.addTrain(step, loss);
      break;
    case 'val':
      stats.setValLoss(event.loss);
      chart.addVal(event.step, event.loss);
      break;
    case 'sample':
      samples.show(event.step, event.samples);
      break;
    case 'status':
      stats.setStatus(event.status);
      controls.setStatus(event.status);
      form.setEnabled(event.status !== 'training');
      break;
    case 'snapshot-committed':
      if (event.manifest.runId === currentRun?.id) stats.setLastSnapshotStep(event.manifest.step);
      notice.warn('');
      break;
    case 'snapshot-failed':
      notice.warn(`Snapshots are failing: ${event.error.message}`);
      break;
    case 'error':
      errors.show(event.error);
      break;
    case 'device-lost':
      errors.show({ name: 'DeviceLostError', message: `The GPU device was lost: ${event.message}` });
      break;
  }
}

async function startNewRun(config: RunConfig): Promise<void> {
  errors.clear();
  const run = await api().newRun(config, dataset);
  currentRun = run;
  stats.reset();
  chart.reset();
  samples.clear();
  picker.setCurrent(run.dataset.name);
  stats.setLastSnapshotStep(run.latestSnapshotId === null ? null : 0);
  notice.info(`New run: ${run.name}`);
  await api().start();
}

async function resumeLatest(run: RunRecord): Promise<void> {
  const report = await api().resumeRun(run.id);
  currentRun = report.run;
  const { snapshot } = report;
  form.set(report.run.config);
  picker.setCurrent(report.run.dataset.name);
  chart.reset(snapshot.metrics);
  stats.setLastSnapshotStep(snapshot.step);
  const saved = new Date(snapshot.createdAt).toLocaleString();
  const skipped = report.skipped.map((s) => `step ${s.step} skipped: ${s.reason}`).join('; ');
  notice.info(
    `Resuming ${report.run.name} from step ${snapshot.step} (saved ${saved})` +
      (skipped ? `. ${skipped}` : ''),
  );
  await api().start();
}

async function boot(): Promise<void> {
  stats.setStatus('idle');
  controls.setStatus('idle');
  connection = await connectTrainer(settings.backend, onEvent, (message) =>
    errors.show({ name: 'WorkerCrashedError', message }),
  );
  stats.setBackend(connection.report.backend, connection.report.fallbackReason);
  await api().setSnapshotSeconds(settings.snapshotSeconds);
  watchLifecycle((trigger) => void api().snapshotNow(trigger).catch(() => undefined));
  const [latest] = await api().listRuns();
  if (latest !== undefined) await resumeLatest(latest);
  else if (params.get('autostart') !== '0') await startNewRun(form.read());
}

boot().catch((err: unknown) => {
  errors.show(serializeError(err));
  stats.setStatus('error');
  controls.setStatus('error');
});
