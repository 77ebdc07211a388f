import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunConfig } from '../shared/config';
import type { GuardState, Metrics, RewindRecord } from '../shared/snapshot';
import { ChartRows } from './chart-rows';
import { inUnits, learningRates, smoothed } from './chart-series';
import { element } from './element';

export interface LossChartController {
  addTrain(step: number, loss: number): void;
  addVal(step: number, loss: number): void;
  /** The shown run's config, from which the learning-rate curve is drawn. */
  setConfig(config: RunConfig): void;
  /**
   * Nats per token × this = bits per byte, for the shown run (its validation text's tokens per
   * byte / ln 2); null until the run reports it.
   */
  setBitsPerByteFactor(factor: number | null): void;
  /** A rewind: the curve after the step rewound to goes, a marker stands at the spike. */
  rewind(record: RewindRecord): void;
  /** Clears the chart, then draws a resumed run's history and rewinds when given. */
  reset(metrics?: Metrics, guard?: GuardState): void;
}

const HEIGHT = 280;
/** TensorBoard's default smoothing. */
const DEFAULT_SMOOTHING = 0.6;

type Units = 'nats' | 'bpb';
const UNIT_LABELS: Record<Units, string> = { nats: 'loss (nats per token)', bpb: 'bits per byte' };

/**
 * One x array of steps with a column per series: the raw training loss (faint), its smoothed
 * curve (the smoothing control sets the weight), validation points, and the learning rate on
 * its own axis; the losses in nats per token, or in bits per byte (the units control), which
 * compares runs across tokenizers. spanGaps draws each series through the rows of the others.
 * Rewinds are dashed lines at the spike's step, each also a DOM marker
 * (`data-testid="rewind-marker"`) over the plot.
 */
export function createLossChart(root: HTMLElement): LossChartController {
  const rows = new ChartRows();
  let rewinds: RewindRecord[] = [];
  let config: RunConfig | null = null;
  let weight = DEFAULT_SMOOTHING;
  let units: Units = 'nats';
  let factor: number | null = null;
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
  const unitChoice = element(
    'select',
    { id: 'chart-units', 'data-testid': 'chart-units' },
    element('option', { value: 'nats' }, 'nats per token'),
    element('option', { value: 'bpb' }, 'bits per byte'),
  );
  unitChoice.addEventListener('change', () => {
    units = unitChoice.value as Units;
    plot.axes[1]!.label = UNIT_LABELS[units];
    plot.redraw(false, true);
    schedule();
  });
  const controls = element(
    'div',
    { class: 'chart-controls' },
    element('label', { for: 'chart-smoothing' }, 'Smoothing'),
    slider,
    shown,
    element('label', { for: 'chart-units' }, 'Loss in'),
    unitChoice,
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
        { label: UNIT_LABELS.nats },
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
    // Bits per byte before the run has said its factor: nothing to draw yet.
    const scale = units === 'nats' ? 1 : factor;
    const train = inUnits(rows.train, scale);
    return [
      rows.steps,
      train,
      smoothed(train, weight),
      inUnits(rows.val, scale),
      learningRates(rows.steps, config, rewinds),
    ];
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

  const resizer = new ResizeObserver(() => {
    const width = mount.clientWidth;
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT });
  });
  resizer.observe(mount);

  return {
    addTrain(step, loss) {
      rows.addTrain(step, loss);
      schedule();
    },
    addVal(step, loss) {
      rows.addVal(step, loss);
      schedule();
    },
    setConfig(next) {
      config = next;
      schedule();
    },
    setBitsPerByteFactor(next) {
      factor = next;
      schedule();
    },
    rewind(record) {
      rows.truncate(record.toStep);
      rewinds = [...rewinds, record];
      schedule();
    },
    reset(metrics, guard) {
      rows.clear();
      rewinds = [...(guard?.rewinds ?? [])];
      if (metrics !== undefined) {
        // Sorted input appends in order, so loading a long history stays linear.
        for (const [step, loss] of [...metrics.train].sort((a, b) => a[0] - b[0])) {
          rows.addTrain(step, loss);
        }
        for (const [step, loss] of metrics.val) rows.addVal(step, loss);
      }
      schedule();
    },
  };
}
