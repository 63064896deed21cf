import { useEffect, useRef, type ReactNode } from 'react';
import { useAppStore } from '../../state/store';
import type { FineTuneRun } from '../../finetune/run';
import type { FineTuneHandle } from '../../finetune/handle';
import { drawLines } from './charts';

/** A chart with its title and the names of both axes. */
function Chart({ title, x, y, children }: { title: string; x: string; y: string; children: ReactNode }) {
  return (
    <figure className="ft-chart-figure">
      <figcaption className="ft-chart-title">{title}</figcaption>
      <div className="ft-chart-body">
        <span className="ft-axis-y" data-testid="chart-y-title">{y}</span>
        {children}
      </div>
      <span className="ft-axis-x" data-testid="chart-x-title">{x}</span>
    </figure>
  );
}

/** Training loss per step, fed through the run's progress event into the canvas (no React render per step). */
export function LossChart({ run, handle }: { run: FineTuneRun; handle: FineTuneHandle }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const losses = [...run.loop.history.stepLosses];
    const draw = () => {
      if (!canvas.current) return;
      drawLines(canvas.current, [{ label: 'training loss', color: '#d9480f', values: losses }]);
      canvas.current.dataset.points = String(losses.length);
    };
    draw();
    return handle.on('progress', ({ loss }) => {
      losses.push(loss);
      draw();
    });
  }, [run, handle]);
  return (
    <Chart title="Training loss per step" x="step" y="loss">
      <canvas ref={canvas} width={480} height={180} className="ft-chart" data-testid="ft-loss-chart" aria-label="training loss per step" />
    </Chart>
  );
}

/** Validation loss and accuracy (or perplexity) per epoch; re-renders once per epoch. */
export function EpochChart() {
  const epochs = useAppStore((s) => s.fineTuneEpochs);
  const initial = useAppStore((s) => s.fineTuneInitial);
  const canvas = useRef<HTMLCanvasElement>(null);
  const classification = epochs.some((row) => row.accuracy !== undefined) || initial?.accuracy !== undefined;
  useEffect(() => {
    if (!canvas.current) return;
    const xs = [0, ...epochs.map((row) => row.epoch)];
    const validation = [initial?.validationLoss ?? NaN, ...epochs.map((row) => row.validationLoss)];
    const series = classification
      ? [{ label: 'accuracy', color: '#1971c2', values: [initial?.accuracy ?? NaN, ...epochs.map((row) => row.accuracy ?? NaN)], xs }]
      : [{ label: 'validation loss', color: '#2f9e44', values: validation, xs }];
    drawLines(canvas.current, series, classification ? [0, 1] : undefined);
    canvas.current.dataset.points = String(epochs.length);
  }, [epochs, initial, classification]);
  return (
    <Chart title={classification ? 'Validation accuracy per epoch' : 'Validation loss per epoch'} x="epoch (0 = before training)" y={classification ? 'accuracy' : 'loss'}>
      <canvas ref={canvas} width={480} height={180} className="ft-chart" data-testid="ft-epoch-chart" aria-label={classification ? 'validation accuracy per epoch' : 'validation loss per epoch'} />
    </Chart>
  );
}
