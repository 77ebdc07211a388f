import { TrainerPage } from './client/trainer-page';
import { watchLifecycle } from './client/lifecycle';
import {
  configFromParams,
  DEFAULT_CONFIG,
  DEFAULT_SETTINGS,
  type RunConfig,
} from './shared/config';
import { serializeError } from './shared/errors';
import { CURRENT_FORMAT_VERSION } from './shared/checkpoint/format-version';
import { createCheckpointPanel } from './ui/checkpoint-panel';
import { createConfigForm } from './ui/config-form';
import { createControls } from './ui/controls';
import { createDatasetPicker } from './ui/dataset-picker';
import { createErrorArea } from './ui/error-area';
import { createLossChart } from './ui/loss-chart';
import { createNotice } from './ui/notice';
import { createRunsPanel } from './ui/runs-panel';
import { createSnapshotsPanel } from './ui/snapshots-panel';
import { createStorageMeter } from './ui/storage-meter';
import type { RunRecord } from './shared/snapshot';
import { createSamples } from './ui/samples';
import { createSnapshotInterval } from './ui/snapshot-interval';
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
  page.ready
    .then(action)
    .catch((err: unknown) => errors.show(serializeError(err)))
    .finally(() => controls.setBusy(page.following));
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

const runsPanel = createRunsPanel(mount('runs-panel'), {
  onOpen: (runId) => act(() => page.openRun(runId)),
  onDelete: (runId) => act(() => page.deleteRun(runId)),
});
const snapshotsPanel = createSnapshotsPanel(mount('snapshots-panel'), {
  onResume: (snapshotId) =>
    act(async () => {
      if (page.currentRun !== null) await page.openRun(page.currentRun.id, snapshotId);
    }),
  onPin: (snapshotId, pinned) =>
    act(async () => {
      await page.api.pinSnapshot(snapshotId, pinned);
      refresh(page.currentRun);
    }),
  onDelete: (snapshotId) =>
    act(async () => {
      await page.api.deleteSnapshot(snapshotId);
      refresh(page.currentRun);
    }),
  onExport: (snapshotId) => act(() => page.exportCheckpoint(snapshotId)),
  onFork: (s) =>
    checkpoints.showPending({ snapshotId: s.id }, `Snapshot at step ${s.step}`, {
      runName: page.currentRun?.name ?? '',
      model: s.config.model,
      step: s.step,
      lr: s.config.lr,
      steps: s.config.steps,
      formatVersion: CURRENT_FORMAT_VERSION,
    }),
});
const storage = createStorageMeter(mount('storage-meter'));
const interval = createSnapshotInterval(mount('snapshot-interval'), settings.snapshot, (policy) =>
  act(async () => interval.show(await page.api.setSnapshotPolicy(policy))),
);

/** Re-reads the run list, the shown run's snapshots and the storage figures. */
function refresh(run: RunRecord | null): void {
  void (async () => {
    const runs = await page.api.listRuns();
    runsPanel.render(runs, run?.id ?? null);
    const stored = runs.find((r) => r.id === run?.id);
    const snapshots = stored ? await page.api.listSnapshots(stored.id) : [];
    snapshotsPanel.render(snapshots, stored?.latestSnapshotId ?? null);
    const estimate = await navigator.storage?.estimate?.();
    const persisted = (await navigator.storage?.persisted?.()) ?? null;
    storage.show(
      estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null,
      persisted,
    );
  })().catch((err: unknown) => errors.show(serializeError(err)));
}

const checkpoints = createCheckpointPanel(mount('checkpoint-panel'), {
  onExport: () => act(() => page.exportCheckpoint()),
  onFile: (file) =>
    act(async () => {
      checkpoints.clearPending();
      errors.clear();
      checkpoints.showPending({ file }, file.name, await page.api.inspectCheckpoint(file));
    }),
  onImportNew: (file) =>
    act(() => page.importCheckpoint(file, false).then(checkpoints.clearPending)),
  onReplace: (file) => act(() => page.importCheckpoint(file, true).then(checkpoints.clearPending)),
  onFork: (source, options) => act(() => page.fork(source, options).then(checkpoints.clearPending)),
});

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
    refresh,
    setDatasetName: (name) => picker.setCurrent(name),
    showInterval: (info) => interval.show(info),
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
