import { useState } from 'react';
import { useAppStore } from '../../state/store';
import { memoryLimits } from '../../finetune/browserEnvironment';
import { defaultHyperparameters, defaultTrainingMode, type Hyperparameters, type Task, type TrainingMode } from '../../finetune/hyperparameters';
import { estimateTrainingMemory, trainingMemoryProblem } from '../../finetune/memory';
import type { RunData } from '../../finetune/runStore';
import type { ModelConfig } from '../../models/family';
import { formatBytes } from '../../common/format';
import { DataInput } from './DataInput';
import { useDataTable } from './useDataTable';
import { NumberField } from '../common/NumberField';

/** The hyperparameters' fields with the values a run accepts (max length up to the model's positions). */
const FIELDS: { key: keyof Hyperparameters; label: string; min: number; max: number; integer: boolean }[] = [
  { key: 'learningRate', label: 'Learning rate', min: 1e-8, max: 1, integer: false },
  { key: 'batchSize', label: 'Batch size', min: 1, max: 1024, integer: true },
  { key: 'epochs', label: 'Epochs', min: 1, max: 1000, integer: true },
  { key: 'maxLength', label: 'Max length (tokens)', min: 2, max: 1_048_576, integer: true },
  { key: 'warmupRatio', label: 'Warm-up (fraction of steps)', min: 0, max: 1, integer: false },
  { key: 'weightDecay', label: 'Weight decay', min: 0, max: 1, integer: false },
  { key: 'validationFraction', label: 'Validation fraction', min: 0, max: 0.9, integer: false },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31, integer: true },
  { key: 'checkpointEvery', label: 'Checkpoint every (steps)', min: 1, max: 1_000_000, integer: true },
];

/** Data, mode and hyperparameters, the memory estimate against the adapter's limits, and Start. */
export function SetupForm({ task, config }: { task: Task; config: ModelConfig }) {
  const start = useAppStore((s) => s.startFineTune);
  const status = useAppStore((s) => s.fineTuneStatus);
  const data = useDataTable(task === 'classification');
  const [mode, setMode] = useState<TrainingMode>(() => defaultTrainingMode(task, config.dims.C));
  const [overrides, setOverrides] = useState<Partial<Hyperparameters>>({});
  const h = { ...defaultHyperparameters(task, mode, config.dims.C), ...overrides };
  const numLabels = data.labelled?.labels.length ?? 2;
  const memory = estimateTrainingMemory(config, mode, h.batchSize, h.maxLength, numLabels);
  const problem = trainingMemoryProblem(config, mode, h.batchSize, h.maxLength, memoryLimits(), numLabels);
  const runData: RunData | undefined =
    task === 'classification'
      ? data.labelled && { task, examples: data.labelled.examples, labels: data.labelled.labels }
      : data.text.trim() ? { task, text: data.text } : undefined;
  return (
    <div className="ft-setup">
      <DataInput task={task} data={data} />
      <h3 className="section-title">Training</h3>
      <div className="inline-form">
        <label><input type="radio" checked={mode === 'head'} disabled={task !== 'classification'} onChange={() => setMode('head')} /> classifier head only (encoder frozen)</label>
        <label><input type="radio" checked={mode === 'full'} onChange={() => setMode('full')} /> every parameter</label>
      </div>
      <div className="ft-fields">
        {FIELDS.map(({ key, label, min, max, integer }) => (
          <NumberField
            key={key}
            label={label}
            name={label}
            value={h[key]}
            min={min}
            max={key === 'maxLength' ? config.dims.P : max}
            integer={integer}
            onChange={(value) => setOverrides((current) => ({ ...current, [key]: value }))}
            className="field"
            testId={`ft-${key}`}
          />
        ))}
      </div>
      <p className="muted" data-testid="ft-memory">
        GPU memory: weights {formatBytes(memory.weightsBytes)} + gradients {formatBytes(memory.gradientBytes)} + AdamW state {formatBytes(memory.optimizerBytes)} +
        activations {formatBytes(memory.activationBytes)} = {formatBytes(memory.totalBytes)} (budget {formatBytes(memoryLimits().budgetBytes)})
      </p>
      {problem && <p className="error" role="alert" data-testid="ft-memory-problem">{problem}</p>}
      <button
        className="primary"
        disabled={!runData || !!problem || status === 'starting' || status === 'running' || status === 'paused'}
        onClick={() => runData && void start(runData, { task, mode, hyperparameters: h }).catch(() => undefined)}
        data-testid="ft-start"
      >
        {status === 'starting' ? 'Starting…' : 'Start fine-tuning'}
      </button>
    </div>
  );
}
