import { useAppStore } from '../../state/store';
import type { Task } from '../../finetune/hyperparameters';

const TASKS: { task: Task; label: string; note: string }[] = [
  { task: 'classification', label: 'Sequence classification', note: 'labelled sentences (CSV, TSV, JSONL); an encoder (BERT, DistilBERT, RoBERTa)' },
  { task: 'causal-lm', label: 'Causal language modelling', note: 'plain text to continue; a decoder (GPT-2, Pythia, Llama)' },
];

/** The task to fine-tune for; picking one loads the embedded model made for it (unless the person loaded their own). */
export function TaskPicker({ task }: { task: Task }) {
  const setTask = useAppStore((s) => s.setFineTuneTask);
  const busy = useAppStore((s) => s.fineTuneStatus === 'running' || s.fineTuneStatus === 'starting' || s.fineTuneStatus === 'paused');
  return (
    <fieldset className="ft-task" data-testid="ft-task">
      <legend>Task</legend>
      {TASKS.map((option) => (
        <label key={option.task} className="ft-task-option">
          <input type="radio" name="ft-task" checked={task === option.task} disabled={busy} onChange={() => setTask(option.task)} data-testid={`ft-task-${option.task}`} />{' '}
          <strong>{option.label}</strong> <span className="muted">({option.note})</span>
        </label>
      ))}
    </fieldset>
  );
}
