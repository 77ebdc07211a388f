import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunConfig } from '../shared/config';
import type { GuardState, Metrics, RewindRecord } from '../shared/snapshot';
import { learningRates, smoothed } from './chart-series';
import { element } from './element';

export interface LossChartController {
  addTrain(step: number, loss: number): void;
  addVal(step: number, loss: number): void;
  /** The shown run's config, from which the learning-rate curve is drawn. */
  setConfig(config: RunConfig): void;
  /** A rewind: the curve after the step rewound to goes, a marker stands at the spike. */
  rewind(record: RewindRecord): void;
  /** Clears the chart, then draws a resumed run's history and rewinds when given. */
  reset(metrics?: Metrics, guard?: GuardState): void;
}

/** Rows kept before thinning; the chart stays cheap however long the run. */
const MAX_ROWS = 5000;
const HEIGHT = 280;
/** TensorBoard's default smoothing. */
const DEFAULT_SMOOTHING = 0.6;

/**
 * One x array of steps with a column per series: the raw training loss (faint), its smoothed
 * curve (the smoothing control sets the weight), validation points, and the learning rate on
 * its own axis. A validation point sits on its own row with a null train value (and the
 * reverse), and spanGaps draws each series through the nulls. Rewinds are dashed lines at the
 * spike's step, each also a DOM marker (`data-testid="rewind-marker"`) over the plot.
 */
export function createLossChart(root: HTMLElement): LossChartController {
  let steps: number[] = [];
  let train: (number | null)[] = [];
  let val: (number | null)[] = [];
  let rewinds: RewindRecord[] = [];
  let config: RunConfig | null = null;
  let weight = DEFAULT_SMOOTHING;
  // Keep one train point in `stride`; stride doubles each time the rows are thinned, so old
  // and new parts of the curve keep the same density.
  let stride = 1;
  let trainSeen = 0;
  let frame: number | null = null;

  const slider = element('input', {
    type: 'range',
    min: 0,
    max: 0.99,
    step: 0.01,
    id: 'chart-smoothing',
    'data-testid': 'smoothing',
  });
  slider.value = String(weight);
  const shown = element('output', { for: 'chart-smoothing' }, String(weight));
  slider.addEventListener('input', () => {
    weight = Number(slider.value);
    shown.textContent = slider.value;
    schedule();
  });
  const controls = element(
    'div',
    { class: 'chart-controls' },
    element('label', { for: 'chart-smoothing' }, 'Smoothing'),
    slider,
    shown,
  );
  const mount = element('div', { class: 'loss-chart', 'data-testid': 'loss-chart' });
  const markers = element('div', { class: 'rewind-markers' });
  root.replaceChildren(controls, mount);

  const plot = new uPlot(
    {
      width: Math.max(mount.clientWidth, 300),
      height: HEIGHT,
      scales: { x: { time: false }, lr: { auto: true } },
      axes: [
        { label: 'step' },
        { label: 'loss' },
        { label: 'learning rate', scale: 'lr', side: 1, grid: { show: false }, size: 70 },
      ],
      series: [
        { label: 'step' },
        { label: 'train (raw)', stroke: 'rgba(37, 99, 235, 0.25)', width: 1, spanGaps: true },
        { label: 'train (smoothed)', stroke: '#2563eb', width: 2, spanGaps: true },
        {
          label: 'validation',
          stroke: '#dc2626',
          width: 2,
          spanGaps: true,
          points: { show: true, size: 5 },
        },
        { label: 'learning rate', stroke: '#16a34a', width: 1, dash: [4, 4], scale: 'lr' },
      ],
      hooks: { draw: [drawRewinds] },
    },
    columns(),
    mount,
  );
  plot.over.append(markers);

  function columns(): uPlot.AlignedData {
    return [steps, train, smoothed(train, weight), val, learningRates(steps, config, rewinds)];
  }

  function drawRewinds(u: uPlot): void {
    const { ctx } = u;
    const { top, height } = u.bbox;
    const nodes: HTMLElement[] = [];
    ctx.save();
    ctx.strokeStyle = '#ea580c';
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    for (const r of rewinds) {
      const left = u.valToPos(r.spikeStep, 'x');
      if (!Number.isFinite(left)) continue;
      const x = u.valToPos(r.spikeStep, 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      const title = `Rewind: spike at step ${r.spikeStep}, back to step ${r.toStep}`;
      nodes.push(
        element(
          'span',
          {
            class: 'rewind-marker',
            'data-testid': 'rewind-marker',
            title,
            style: `left:${left}px`,
          },
          '↺',
        ),
      );
    }
    ctx.restore();
    markers.replaceChildren(...nodes);
  }

  // Many progress events a second cost one redraw per frame.
  function schedule(): void {
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      plot.setData(columns());
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

  /** Forgets every row after `step`: the abandoned branch of a rewind. */
  function truncate(step: number): void {
    const keep = steps.findIndex((s) => s > step);
    if (keep < 0) return;
    steps = steps.slice(0, keep);
    train = train.slice(0, keep);
    val = val.slice(0, keep);
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
    setConfig(next) {
      config = next;
      schedule();
    },
    rewind(record) {
      truncate(record.toStep);
      rewinds = [...rewinds, record];
      schedule();
    },
    reset(metrics, guard) {
      steps = [];
      train = [];
      val = [];
      rewinds = [...(guard?.rewinds ?? [])];
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
