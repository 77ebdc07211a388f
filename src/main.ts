import { degradedFeatures } from './boot-checks';
import { CheckpointActions } from './client/checkpoint-actions';
import { CorpusActions } from './client/corpus-actions';
import { JobOwner } from './client/job-owner';
import type { DebugFault } from './shared/api';
import { watchLifecycle } from './client/lifecycle';
import { PageView } from './client/page-view';
import { RunOwner } from './client/run-owner';
import { SampleActions } from './client/sample-actions';
import { CURRENT_FORMAT_VERSION } from './shared/checkpoint/format-version';
import { DEFAULT_CONFIG, DEFAULT_SETTINGS, type RunConfig } from './shared/config';
import { configFromParams } from './shared/config-params';
import { serializeError } from './shared/errors';
import type { RunRecord } from './shared/snapshot';
import { createCheckpointPanel } from './ui/checkpoint-panel';
import { createConfigForm } from './ui/config-form';
import { createControls } from './ui/controls';
import { askToDeleteUnused, createCorporaPanel } from './ui/corpora-panel';
import { createCorpusStatus } from './ui/corpus-status';
import { createDatasetPicker } from './ui/dataset-picker';
import { createErrorArea } from './ui/error-area';
import { createJobForm } from './ui/job-form';
import { createJobsList } from './ui/jobs-list';
import { createLossChart } from './ui/loss-chart';
import { createNotice } from './ui/notice';
import { createPromptPanel } from './ui/prompt-panel';
import { createStepProfile } from './ui/step-profile-panel';
import { createRunsPanel } from './ui/runs-panel';
import { createSamples } from './ui/samples';
import { createSnapshotInterval } from './ui/snapshot-interval';
import { createSnapshotsPanel } from './ui/snapshots-panel';
import { createStats } from './ui/stats';
import { createStorageMeter } from './ui/storage-meter';

// Mounts the page's components and hands every action to its owner (the run's actions, the
// checkpoint actions, the jobs); nothing here changes the run or the page's state itself.

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

/** Reads the form; a bad value is shown as that action's refusal. */
function withForm(action: (config: RunConfig) => void): void {
  let config: RunConfig;
  try {
    config = form.read();
  } catch (err) {
    errors.show(serializeError(err));
    return;
  }
  action(config);
}

/** The form as it is now, or its refusal, for an action that may not need it. */
function formAsRead(): () => RunConfig {
  try {
    const config = form.read();
    return () => config;
  } catch (err) {
    return () => {
      throw err;
    };
  }
}

const form = createConfigForm(mount('config-form'), initialConfig);
const controls = createControls(mount('controls'), {
  onStart: () => void owner.actions.start(formAsRead()),
  onPause: () => void owner.actions.pause(),
  onNewRun: () => withForm((config) => void owner.actions.newRun(config)),
  onSnapshotNow: () => void owner.actions.snapshotNow(),
});
const picker = createDatasetPicker(
  mount('dataset-picker'),
  (chosen) => withForm((config) => void owner.actions.newRun(config, chosen)),
  (err) => errors.show(err),
  () => formAsRead()().corpus === 'shards',
);
const runs = createRunsPanel(mount('runs-panel'), {
  onOpen: (runId) => void owner.actions.openRun(runId),
  onDelete: (runId) => void owner.actions.deleteRun(runId, (unused) => corpora.offerUnused(unused)),
});
const corporaPanel = createCorporaPanel(mount('corpora-panel'), {
  onDelete: (address) => void corpora.delete(address),
  onExportTokens: (address) => void corpora.exportTokens(address),
});
const snapshots = createSnapshotsPanel(mount('snapshots-panel'), {
  onResume: (snapshotId) => {
    const shown = owner.shown.run;
    if (shown !== null) void owner.actions.openRun(shown.id, snapshotId);
  },
  onPin: (snapshotId, pinned) => void files.pinSnapshot(snapshotId, pinned),
  onDelete: (snapshotId) => void files.deleteSnapshot(snapshotId),
  onExport: (snapshotId) => void files.exportCheckpoint(snapshotId),
  onFork: (s) =>
    checkpoints.showPending({ snapshotId: s.id }, `Snapshot at step ${s.step}`, {
      runName: owner.shown.run?.name ?? '',
      model: s.config.model,
      step: s.step,
      lr: s.config.lr,
      steps: s.config.steps,
      formatVersion: CURRENT_FORMAT_VERSION,
    }),
});
const storage = createStorageMeter(mount('storage-meter'), () => void files.exportCheckpoint());
const prompt = createPromptPanel(mount('prompt-panel'), (request) => void sampler.sample(request));
const interval = createSnapshotInterval(
  mount('snapshot-interval'),
  settings.snapshot,
  (policy) => void owner.actions.setSnapshotPolicy(policy),
);
const checkpoints = createCheckpointPanel(mount('checkpoint-panel'), {
  onExport: () => void files.exportCheckpoint(),
  onFile: (file) => void files.inspect(file),
  onImportNew: (token) => void files.importInspected(token, false),
  onReplace: (token) => void files.importInspected(token, true),
  onFork: (source, options) => void files.fork(source, options),
  onCancel: () => files.cancel(),
});

/** Re-reads the run list, the shown run's snapshots, the corpora and the storage figures. */
function refresh(run: RunRecord | null): void {
  void (async () => {
    const stored = await owner.trainer.worker.call((api) => api.listRuns());
    runs.render(stored, run?.id ?? null);
    const shown = stored.find((r) => r.id === run?.id);
    const list = shown ? await owner.trainer.worker.call((api) => api.listSnapshots(shown.id)) : [];
    snapshots.render(list, shown?.latestSnapshotId ?? null);
    jobForm.setSnapshots(list);
    const corpusList = await owner.trainer.worker.call((api) => api.listCorpora());
    corporaPanel.render(corpusList);
    const estimate = await navigator.storage?.estimate?.();
    const persisted = (await navigator.storage?.persisted?.()) ?? null;
    storage.show(
      estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null,
      persisted,
      corpusList.reduce((sum, corpus) => sum + corpus.bytesOnDisk, 0),
    );
  })().catch(() => undefined); // lists are redrawn on the next change; a dead worker restarts
}

const debug = params.get('debug') === '1';
// With ?debug=1: where a training step's milliseconds go (issue 19).
const profile = debug
  ? createStepProfile(
      mount('step-profile-panel'),
      () => void owner.actions.profileStep((table) => profile?.show(table)),
    )
  : null;

const view = new PageView(
  {
    stats: createStats(mount('stats'), mount('header-status')),
    chart: createLossChart(mount('loss-chart')),
    samples: createSamples(mount('samples')),
    notice: createNotice(mount('notice')),
    errors,
    storage,
    corpus: createCorpusStatus(mount('dataset-corpus')),
    controls,
    form,
    runs,
    corpora: corporaPanel,
    snapshots,
    checkpoints,
    picker,
    interval,
    prompt,
    profile,
  },
  refresh,
);
const owner = new RunOwner(view, settings);
const files = new CheckpointActions(
  {
    dispatch: owner.dispatch,
    trainer: owner.trainer,
    shown: owner.shown,
    runs: owner.opener,
    panel: checkpoints,
    refresh,
    offerUnused: (corpus) => corpora.offerUnused(corpus),
  },
  (source, label, summary) => checkpoints.showPending(source, label, summary),
);

const corpora = new CorpusActions({
  dispatch: owner.dispatch,
  trainer: owner.trainer,
  shown: owner.shown,
  refresh,
  askToDeleteUnused,
});

const sampler = new SampleActions(owner.dispatch, owner.trainer, prompt);

const jobsList = createJobsList(mount('jobs-list'), {
  onPause: (jobId) => void jobs.setState(jobId, 'paused'),
  onResume: (jobId) => void jobs.setState(jobId, 'running'),
  onCancel: (jobId) => void jobs.setState(jobId, 'cancelled'),
  onDelete: (jobId) => void jobs.remove(jobId),
  onDownload: (jobId, format) => void jobs.downloadResults(jobId, format),
});
const jobs = new JobOwner(owner.dispatch, owner.trainer, owner.shown, jobsList, errors);
const jobForm = createJobForm(mount('job-form'), params, {
  onGenerate: (values) => void jobs.generate(values),
  onPrompts: (file, values) => void jobs.generate(values, file),
  onScoreFile: (file, values) => void jobs.scoreFile(file, values),
  onScoreValidation: (values) => void jobs.scoreValidation(values),
});

if (debug) {
  // Fault injection for the end-to-end tests and for trying supervision by hand.
  Object.assign(window, {
    trainerDebug: {
      fault: (kind: DebugFault) => owner.trainer.worker.api.debugFault(kind),
      state: () => owner.machine.state,
    },
  });
}

watchLifecycle(() => owner.snapshotOnRisk());
// What this browser lacks and the page works without, said once at start.
for (const limit of degradedFeatures(self)) view.notice.warn(limit);
void owner.boot(params.get('autostart') !== '0', initialConfig);
jobs.start();
