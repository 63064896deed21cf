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

const FIELDS: { key: keyof Hyperparameters; label: string; step: number }[] = [
  { key: 'learningRate', label: 'Learning rate', step: 1e-5 },
  { key: 'batchSize', label: 'Batch size', step: 1 },
  { key: 'epochs', label: 'Epochs', step: 1 },
  { key: 'maxLength', label: 'Max length (tokens)', step: 1 },
  { key: 'warmupRatio', label: 'Warm-up (fraction of steps)', step: 0.01 },
  { key: 'weightDecay', label: 'Weight decay', step: 0.001 },
  { key: 'validationFraction', label: 'Validation fraction', step: 0.01 },
  { key: 'seed', label: 'Seed', step: 1 },
  { key: 'checkpointEvery', label: 'Checkpoint every (steps)', step: 1 },
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
        {FIELDS.map(({ key, label, step }) => (
          <label key={key} className="field">
            <span>{label}</span>
            <input type="number" step={step} value={h[key]} onChange={(event) => setOverrides({ ...overrides, [key]: Number(event.target.value) })} data-testid={`ft-${key}`} />
          </label>
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
