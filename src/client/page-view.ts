import type { ResumeReport } from '../shared/api';
import { withLegacyTraining, type SnapshotIntervalInfo } from '../shared/config';
import { configToParams } from '../shared/config-params';
import type { SerializedError } from '../shared/errors';
import type { RunRecord } from '../shared/snapshot';
import type { CheckpointPanelController } from '../ui/checkpoint-panel';
import type { CorporaPanelController } from '../ui/corpora-panel';
import type { DatasetPickerController } from '../ui/dataset-picker';
import type { PromptPanelController } from '../ui/prompt-panel';
import type { StepProfileController } from '../ui/step-profile-panel';
import type { RunsPanelController } from '../ui/runs-panel';
import type { SnapshotIntervalController } from '../ui/snapshot-interval';
import type { SnapshotsPanelController } from '../ui/snapshots-panel';
import type { TrainingView } from './event-view';
import type { MachineView } from './page-machine';
import type { PageState } from '../shared/page-state';
import { enabledControls } from './enabled-controls';

export interface PagePanels extends TrainingView {
  readonly runs: RunsPanelController;
  readonly corpora: CorporaPanelController;
  readonly snapshots: SnapshotsPanelController;
  readonly checkpoints: CheckpointPanelController;
  readonly picker: DatasetPickerController;
  readonly interval: SnapshotIntervalController;
  readonly prompt: PromptPanelController;
  /** The step profile, on the page with `?debug=1` only. */
  readonly profile: StepProfileController | null;
}

/**
 * Everything the page shows, driven by the page machine and the run presenter: the status and the
 * enabled controls (derived from the machine's state alone), the shown run, and the lists.
 */
export class PageView implements MachineView, TrainingView {
  constructor(
    private readonly panels: PagePanels,
    /** Re-reads the runs list, the shown run's snapshots and the storage figures. */
    readonly refresh: (run: RunRecord | null) => void,
  ) {}

  get stats() {
    return this.panels.stats;
  }
  get chart() {
    return this.panels.chart;
  }
  get samples() {
    return this.panels.samples;
  }
  get notice() {
    return this.panels.notice;
  }
  get errors() {
    return this.panels.errors;
  }
  get controls() {
    return this.panels.controls;
  }
  get form() {
    return this.panels.form;
  }
  get corpus() {
    return this.panels.corpus;
  }
  get storage() {
    return this.panels.storage;
  }
  get checkpoints() {
    return this.panels.checkpoints;
  }

  render(state: PageState, busy: boolean): void {
    const enabled = enabledControls(state, busy);
    const { stats, controls, form, runs, snapshots, checkpoints, picker, prompt } = this.panels;
    stats.setStatus(state);
    controls.setEnabled(enabled);
    form.setEnabled(enabled.has('config'));
    runs.setEnabled(enabled.has('runs'));
    this.panels.corpora.setEnabled(enabled.has('corpora'));
    snapshots.setEnabled(enabled.has('snapshots'));
    checkpoints.setEnabled(enabled.has('import'));
    picker.setEnabled(enabled.has('dataset'));
    prompt.setEnabled(enabled.has('sample'));
    this.panels.profile?.setEnabled(enabled.has('profile'));
  }

  showError(error: SerializedError): void {
    this.panels.errors.show(error);
  }

  clearError(): void {
    this.panels.errors.clear();
  }

  showInterval(info: SnapshotIntervalInfo): void {
    this.panels.interval.show(info);
  }

  /** A run starts being shown (or none): its link, config and dataset, and empty numbers. */
  showRun(run: RunRecord | null): void {
    const { stats, chart, samples, form, picker, prompt } = this.panels;
    stats.reset();
    chart.reset();
    chart.setBitsPerByteFactor(null);
    samples.clear();
    prompt.clear();
    if (run === null) {
      stats.setLastSnapshotStep(null);
      return;
    }
    showLink(run);
    chart.setConfig(run.config);
    form.set(run.config, { config: withLegacyTraining(run.config), dataset: run.dataset });
    picker.setCurrent(run.dataset.name);
  }

  /** A stored run resumed at a snapshot: its curve, step and newest snapshot. */
  showResumed(report: ResumeReport): void {
    const { run, snapshot, metrics, guard, bitsPerByteFactor, tokensSeen } = report;
    this.showRun(run);
    this.panels.chart.reset(metrics, guard);
    this.panels.chart.setBitsPerByteFactor(bitsPerByteFactor);
    const { stats } = this.panels;
    stats.setRewinds(guard.rewinds.length);
    const lastVal = metrics.val.at(-1);
    if (lastVal !== undefined) stats.setValLoss(lastVal[1], lastVal[1] * bitsPerByteFactor);
    if (snapshot.trainLoss === null) stats.setStep(snapshot.step);
    else {
      const loss = snapshot.trainLoss;
      stats.progress({
        step: snapshot.step,
        epoch: snapshot.epoch,
        loss,
        stepsPerSec: 0,
        tokensPerSec: 0,
        tokensSeen,
      });
    }
    stats.setLastSnapshotStep(snapshot.step);
  }
}

/** Puts the shown run's config in the address bar, so the page's URL is its shareable link. */
function showLink(run: RunRecord): void {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of configToParams(withLegacyTraining(run.config))) params.set(key, value);
  history.replaceState(history.state, '', `${location.pathname}?${params}`);
}
