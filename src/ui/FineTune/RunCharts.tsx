import { useEffect, useRef } from 'react';
import { useAppStore } from '../../state/store';
import type { FineTuneRun } from '../../finetune/run';
import type { FineTuneHandle } from '../../finetune/handle';
import { drawLines } from './charts';

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
  return <canvas ref={canvas} width={480} height={180} className="ft-chart" data-testid="ft-loss-chart" aria-label="training loss per step" />;
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
  return <canvas ref={canvas} width={480} height={180} className="ft-chart" data-testid="ft-epoch-chart" aria-label={classification ? 'validation accuracy per epoch' : 'validation loss per epoch'} />;
}
