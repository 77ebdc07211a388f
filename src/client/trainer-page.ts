import type { Remote } from 'comlink';
import type { ForkOptions, TrainerApi, TrainerEvent, UserDataset } from '../shared/api';
import {
  configToParams,
  type RunConfig,
  type SessionSettings,
  type SnapshotIntervalInfo,
} from '../shared/config';
import type { RunRecord } from '../shared/snapshot';
import { showEvent, type TrainingView } from './event-view';
import { ProgressChannel } from './progress-channel';
import { RestartBudget } from './restart-budget';
import { RunLock } from './run-lock';
import { connectTrainer, type TrainerConnection } from './trainer-client';

export interface PageHooks {
  /** The run shown changed, or its snapshots did: refresh lists and storage figures. */
  refresh(run: RunRecord | null): void;
  setDatasetName(name: string): void;
  showInterval(info: SnapshotIntervalInfo): void;
}

type Role = 'writer' | 'follower' | 'none';

/**
 * The page's side of a run: which run this tab shows, whether it trains it (it holds the run's
 * lock) or watches another tab train it, and restarting the worker when it dies.
 */
export class TrainerPage {
  private connection: TrainerConnection | null = null;
  private run: RunRecord | null = null;
  private role: Role = 'none';
  private dataset: UserDataset | null = null;
  private readonly lock = new RunLock();
  private readonly channel: ProgressChannel;
  private readonly restarts = new RestartBudget();
  private restarting = false;
  private connected: () => void = () => undefined;
  /** Settles once the first worker is connected; page actions wait for it. */
  readonly ready = new Promise<void>((resolve) => (this.connected = resolve));

  constructor(
    private readonly view: TrainingView,
    private readonly settings: SessionSettings,
    private readonly hooks: PageHooks,
  ) {
    this.channel = new ProgressChannel((event) => {
      showEvent(view, event, this.run?.id ?? null);
      // A watcher that joined mid-run hears no status change, but progress means training.
      if (event.type === 'progress') view.stats.setStatus('training');
    });
  }

  get currentRun(): RunRecord | null {
    return this.run;
  }

  /** True while another tab trains the shown run: this tab's training controls stay off. */
  get following(): boolean {
    return this.role === 'follower';
  }

  get api(): Remote<TrainerApi> {
    if (this.connection === null) throw new Error('The trainer is not connected yet.');
    return this.connection.api;
  }

  async boot(autostart: boolean, config: RunConfig): Promise<void> {
    await this.connect();
    void navigator.storage?.persist?.().catch(() => false);
    // A run without a snapshot was cut off while being created (a crash between writing the
    // run and its first snapshot): it stays in the list, but the page resumes a complete one.
    const latest = (await this.api.listRuns()).find((run) => run.latestSnapshotId !== null);
    if (latest !== undefined) await this.openRun(latest.id);
    else if (autostart) await this.newRun(config, null);
  }

  private async connect(): Promise<void> {
    this.connection = await connectTrainer(
      this.settings.backend,
      (event) => this.onWorkerEvent(event),
      (message) => void this.restart(`the worker crashed (${message})`),
    );
    this.view.stats.setBackend(
      this.connection.report.backend,
      this.connection.report.fallbackReason,
    );
    this.hooks.showInterval(await this.api.setSnapshotPolicy(this.settings.snapshot));
    this.connected();
  }

  private onWorkerEvent(event: TrainerEvent): void {
    if (this.role !== 'writer' || this.run === null) return;
    if (event.type === 'device-lost') {
      void this.restart(`the GPU device was lost (${event.message})`);
      return;
    }
    showEvent(this.view, event, this.run.id);
    if (event.type === 'snapshot-interval') this.hooks.showInterval(event.interval);
    this.channel.publish(this.run.id, event);
    if (event.type === 'snapshot-committed') this.hooks.refresh(this.run);
  }

  /** Starts a fresh run on the form's config and the chosen text (or the bundled names). */
  async newRun(config: RunConfig, dataset: UserDataset | null = this.dataset): Promise<void> {
    this.view.errors.clear();
    // The worker checks the config and the text before it stops the current run, so a refused
    // new run leaves the current one training.
    const run = await this.api.newRun(config, dataset);
    this.releaseRole();
    this.dataset = dataset;
    this.run = run;
    if (!(await this.lock.tryAcquire(run.id))) throw new Error('A new run cannot be locked.');
    this.role = 'writer';
    this.resetView(run);
    this.view.stats.setLastSnapshotStep(run.latestSnapshotId === null ? null : 0);
    const init = this.connection?.report; // issue 12: a new run is on init's choice again
    if (init !== undefined) this.view.stats.setBackend(init.backend, init.fallbackReason);
    this.view.notice.info(`New run: ${run.name}`);
    this.hooks.refresh(run);
    await this.api.start();
  }

  /** Shows a stored run: trains it if no other tab does, else watches and waits to take over. */
  async openRun(runId: string, snapshotId?: string): Promise<void> {
    if (this.role === 'writer' && this.run?.id === runId) {
      await this.resume(runId, snapshotId, 'Rolled back');
      return;
    }
    await this.leave();
    if (await this.lock.tryAcquire(runId)) {
      this.role = 'writer';
      await this.resume(runId, snapshotId, 'Resuming');
      return;
    }
    const run = (await this.api.listRuns()).find((r) => r.id === runId);
    if (run === undefined) throw new Error(`Run ${runId} no longer exists.`);
    this.follow(run);
  }

  private follow(run: RunRecord): void {
    this.run = run;
    this.role = 'follower';
    this.resetView(run);
    this.channel.watch(run.id);
    this.view.controls.setBusy(true);
    this.view.notice.info(
      `${run.name} is training in another tab. This tab shows its progress and takes over if that tab closes.`,
    );
    this.hooks.refresh(run);
    this.lock.waitFor(run.id, () => {
      this.channel.watch(null);
      this.role = 'writer';
      this.view.controls.setBusy(false);
      this.resume(run.id, undefined, 'Took over: resuming').catch((err: unknown) =>
        this.view.errors.show(err as Error),
      );
    });
  }

  private async resume(runId: string, snapshotId: string | undefined, verb: string): Promise<void> {
    const report = await this.api.resumeRun(runId, snapshotId);
    const { run, snapshot } = report;
    this.run = run;
    this.resetView(run);
    // Issue 12: the run resumes on its snapshot's backend when it can; the badge says which.
    this.view.stats.setBackend(report.backend.backend, report.backend.fallbackReason);
    this.view.chart.reset(snapshot.metrics);
    const lastTrain = snapshot.metrics.train[snapshot.metrics.train.length - 1];
    if (lastTrain !== undefined) {
      this.view.stats.progress({
        step: snapshot.step,
        epoch: snapshot.cursor.epoch,
        loss: lastTrain[1],
        stepsPerSec: 0,
        tokensPerSec: 0,
      });
    }
    this.view.stats.setLastSnapshotStep(snapshot.step);
    const saved = new Date(snapshot.createdAt).toLocaleString();
    const skipped = report.skipped.map(
      (s) => `the snapshot at step ${s.step} was skipped: ${s.reason}`,
    );
    this.view.notice.info(
      [`${verb} ${run.name} from step ${snapshot.step} (saved ${saved})`, ...skipped].join('. '),
    );
    this.hooks.refresh(run);
    await this.api.start();
  }

  /** Puts the shown run's config in the address bar, so the page's URL is its shareable link. */
  private showLink(run: RunRecord): void {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of configToParams(run.config)) params.set(key, value);
    history.replaceState(history.state, '', `${location.pathname}?${params}`);
  }

  private resetView(run: RunRecord): void {
    this.showLink(run);
    this.view.stats.reset();
    this.view.chart.reset();
    this.view.samples.clear();
    this.view.form.set(run.config);
    this.hooks.setDatasetName(run.dataset.name);
  }

  /** Stops training this tab's run (keeping it stored) and lets go of its lock. */
  private async leave(): Promise<void> {
    if (this.role === 'writer') await this.api.pause();
    this.releaseRole();
  }

  private releaseRole(): void {
    this.channel.watch(null);
    this.lock.release();
    this.role = 'none';
    this.view.controls.setBusy(false);
  }

  /** Downloads a snapshot of the shown run (its newest by default) as a .safetensors file. */
  async exportCheckpoint(snapshotId?: string): Promise<void> {
    if (this.run === null) throw new Error('There is no run to export.');
    const { fileName, blob } = await this.api.exportCheckpoint(this.run.id, snapshotId);
    const url = URL.createObjectURL(blob);
    const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** Stores a validated checkpoint as a new run and continues it where it was exported. */
  async importCheckpoint(file: File, replace: boolean): Promise<void> {
    const previous = this.run;
    const run = await this.api.importCheckpoint(file, this.dataset);
    await this.openRun(run.id);
    if (replace && previous !== null) await this.api.deleteRun(previous.id);
    this.hooks.refresh(this.run);
  }

  /** A new run from a file's or a snapshot's weights, with the given changes. */
  async fork(source: { file: File } | { snapshotId: string }, options: ForkOptions): Promise<void> {
    const run = await this.api.forkRun(source, options, this.dataset);
    await this.openRun(run.id);
  }

  async deleteRun(runId: string): Promise<void> {
    if (this.run?.id === runId) {
      await this.leave();
      this.run = null;
    }
    await this.api.deleteRun(runId);
    this.hooks.refresh(this.run);
  }

  /** Replaces a dead worker and resumes the run from its newest good snapshot. */
  private async restart(reason: string): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    try {
      this.connection?.terminate();
      this.connection = null;
      if (!this.restarts.take()) {
        this.view.errors.show({
          name: 'TrainerCrashedError',
          message: `The trainer stopped: ${reason}, repeatedly. Reload the page to try again.`,
        });
        this.view.stats.setStatus('error');
        return;
      }
      this.view.stats.setStatus('resuming');
      await this.connect();
      const run = this.run;
      if (run !== null && this.role === 'writer') {
        await this.resume(run.id, undefined, `Restarted the trainer after ${reason}. Resuming`);
      }
    } catch (err) {
      this.view.errors.show(err as Error);
    } finally {
      this.restarting = false;
    }
  }
}
