import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Metrics } from '../shared/snapshot';
import { element } from './element';

export interface LossChartController {
  addTrain(step: number, loss: number): void;
  addVal(step: number, loss: number): void;
  /** Clears the chart, then draws a resumed run's history when given. */
  reset(metrics?: Metrics): void;
}

/** Rows kept before thinning; the chart stays cheap however long the run. */
const MAX_ROWS = 5000;
const HEIGHT = 260;

/**
 * One x array of steps with a column per series; a validation point sits on its own row with
 * a null train value (and the reverse), and spanGaps draws each series through the nulls.
 */
export function createLossChart(root: HTMLElement): LossChartController {
  let steps: number[] = [];
  let train: (number | null)[] = [];
  let val: (number | null)[] = [];
  // Keep one train point in `stride`; stride doubles each time the rows are thinned, so old
  // and new parts of the curve keep the same density.
  let stride = 1;
  let trainSeen = 0;
  let frame: number | null = null;

  const mount = element('div', { class: 'loss-chart', 'data-testid': 'loss-chart' });
  root.replaceChildren(mount);
  const plot = new uPlot(
    {
      width: Math.max(mount.clientWidth, 300),
      height: HEIGHT,
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'loss' }],
      series: [
        { label: 'step' },
        { label: 'train', stroke: '#2563eb', width: 1.5, spanGaps: true },
        {
          label: 'validation',
          stroke: '#dc2626',
          width: 2,
          spanGaps: true,
          points: { show: true, size: 5 },
        },
      ],
    },
    [steps, train, val],
    mount,
  );

  // Many progress events a second cost one redraw per frame.
  function schedule(): void {
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      plot.setData([steps, train, val]);
    });
  }

  /** Index of the row for `step`, inserting one in order when missing. */
  function rowFor(step: number): number {
    const last = steps.length - 1;
    if (last < 0 || step > steps[last]) {
      steps.push(step);
      train.push(null);
      val.push(null);
      return last + 1;
    }
    let lo = 0;
    let hi = last + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid] < step) lo = mid + 1;
      else hi = mid;
    }
    if (steps[lo] !== step) {
      steps.splice(lo, 0, step);
      train.splice(lo, 0, null);
      val.splice(lo, 0, null);
    }
    return lo;
  }

  /** Drops every other train-only row; validation rows are few and all kept. */
  function thin(): void {
    const next: [number[], (number | null)[], (number | null)[]] = [[], [], []];
    let trainIndex = 0;
    for (let i = 0; i < steps.length; i++) {
      const keepTrain = train[i] !== null && trainIndex++ % 2 === 0;
      if (!keepTrain && val[i] === null) continue;
      next[0].push(steps[i]);
      next[1].push(keepTrain ? train[i] : null);
      next[2].push(val[i]);
    }
    [steps, train, val] = next;
    stride *= 2;
  }

  // A diverged run's NaN or Infinity would wreck the y scale; the stats still show it.
  function pushTrain(step: number, loss: number): void {
    if (!Number.isFinite(loss)) return;
    if (trainSeen++ % stride !== 0) return;
    train[rowFor(step)] = loss;
    if (steps.length > MAX_ROWS) thin();
  }

  function pushVal(step: number, loss: number): void {
    if (!Number.isFinite(loss)) return;
    val[rowFor(step)] = loss;
  }

  const resizer = new ResizeObserver(() => {
    const width = mount.clientWidth;
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT });
  });
  resizer.observe(mount);

  return {
    addTrain(step, loss) {
      pushTrain(step, loss);
      schedule();
    },
    addVal(step, loss) {
      pushVal(step, loss);
      schedule();
    },
    reset(metrics) {
      steps = [];
      train = [];
      val = [];
      stride = 1;
      trainSeen = 0;
      if (metrics !== undefined) {
        // Sorted input appends in order, so loading a long history stays linear.
        for (const [step, loss] of [...metrics.train].sort((a, b) => a[0] - b[0])) {
          pushTrain(step, loss);
        }
        for (const [step, loss] of metrics.val) pushVal(step, loss);
      }
      schedule();
    },
  };
}
