/** Rows kept before thinning; the chart stays cheap however long the run. */
const MAX_ROWS = 5000;

/**
 * The chart's data: one array of steps with a training and a validation column. A validation
 * point sits on its own row with a null train value (and the reverse). Training points are
 * thinned as the run grows: one in `stride` is kept, and stride doubles each time the rows are
 * halved, so old and new parts of the curve keep the same density; validation rows are few and
 * all kept. Non-finite losses (a diverged run) are left out: they would wreck the y scale.
 */
export class ChartRows {
  steps: number[] = [];
  train: (number | null)[] = [];
  val: (number | null)[] = [];
  private stride = 1;
  private trainSeen = 0;

  clear(): void {
    this.steps = [];
    this.train = [];
    this.val = [];
    this.stride = 1;
    this.trainSeen = 0;
  }

  addTrain(step: number, loss: number): void {
    if (!Number.isFinite(loss)) return;
    if (this.trainSeen++ % this.stride !== 0) return;
    this.train[this.rowFor(step)] = loss;
    if (this.steps.length > MAX_ROWS) this.thin();
  }

  addVal(step: number, loss: number): void {
    if (!Number.isFinite(loss)) return;
    this.val[this.rowFor(step)] = loss;
  }

  /** Forgets every row after `step`: the abandoned branch of a rewind. */
  truncate(step: number): void {
    const keep = this.steps.findIndex((s) => s > step);
    if (keep < 0) return;
    this.steps = this.steps.slice(0, keep);
    this.train = this.train.slice(0, keep);
    this.val = this.val.slice(0, keep);
  }

  /** Index of the row for `step`, inserting one in order when missing. */
  private rowFor(step: number): number {
    const { steps } = this;
    const last = steps.length - 1;
    if (last < 0 || step > steps[last]!) {
      steps.push(step);
      this.train.push(null);
      this.val.push(null);
      return last + 1;
    }
    let lo = 0;
    let hi = last + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid]! < step) lo = mid + 1;
      else hi = mid;
    }
    if (steps[lo] !== step) {
      steps.splice(lo, 0, step);
      this.train.splice(lo, 0, null);
      this.val.splice(lo, 0, null);
    }
    return lo;
  }

  /** Drops every other train-only row. */
  private thin(): void {
    const next: [number[], (number | null)[], (number | null)[]] = [[], [], []];
    let trainIndex = 0;
    for (let i = 0; i < this.steps.length; i++) {
      const keepTrain = this.train[i] !== null && trainIndex++ % 2 === 0;
      if (!keepTrain && this.val[i] === null) continue;
      next[0].push(this.steps[i]!);
      next[1].push(keepTrain ? (this.train[i] ?? null) : null);
      next[2].push(this.val[i] ?? null);
    }
    [this.steps, this.train, this.val] = next;
    this.stride *= 2;
  }
}
