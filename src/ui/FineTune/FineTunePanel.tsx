import { useAppStore } from '../../state/store';
import { embeddedModelOf, kindForTask, taskForKind } from '../../state/defaultModels';
import { ClassifyBox } from './ClassifyBox';
import { ConfusionMatrix, EpochTable } from './EpochTable';
import { ExportPanel } from './ExportPanel';
import { EpochChart, LossChart } from './RunCharts';
import { RunProgress } from './RunProgress';
import { SavedRuns } from './SavedRuns';
import { SetupForm } from './SetupForm';
import { TaskPicker } from './TaskPicker';

const TASK_NAMES = { classification: 'Sequence classification', 'causal-lm': 'Causal language modelling' } as const;

/** Fine-tune a model: the person picks the task, and the tab runs it on a model of the kind the task needs. */
export function FineTunePanel() {
  const model = useAppStore((s) => s.model);
  const modelStatus = useAppStore((s) => s.modelStatus);
  const chosenTask = useAppStore((s) => s.fineTuneTask);
  const loadModel = useAppStore((s) => s.loadModel);
  const active = useAppStore((s) => s.fineTune);
  const message = useAppStore((s) => s.fineTuneMessage);
  const initial = useAppStore((s) => s.fineTuneInitial);
  const epochs = useAppStore((s) => s.fineTuneEpochs);
  const samples = useAppStore((s) => s.fineTuneSamples);
  const task = chosenTask ?? (model ? taskForKind(model.kind) : 'classification');
  const needed = kindForTask(task);
  const suitable = embeddedModelOf(needed);
  const fits = model?.kind === needed;
  const record = active?.run.record;
  return (
    <div className="fine-tune" data-testid="fine-tune">
      <SavedRuns />
      <section className="pane">
        <h2>Fine-tune</h2>
        <TaskPicker task={task} />
        {fits && model ? (
          <>
            <h3 className="section-title" data-testid="ft-title">{TASK_NAMES[task]} on {model.name}</h3>
            <SetupForm key={`${model.name}-${task}`} task={task} config={model.config} />
          </>
        ) : modelStatus === 'loading' ? (
          <p className="muted" role="status">Loading a {needed} for {TASK_NAMES[task].toLowerCase()}…</p>
        ) : (
          <p className="notice" data-testid="ft-needs-model">
            {TASK_NAMES[task]} needs {needed === 'encoder' ? 'an encoder (BERT, DistilBERT, RoBERTa)' : 'a decoder (GPT-2, Pythia, Llama)'}
            {model ? `; ${model.name} is ${model.kind === 'encoder' ? 'an encoder' : 'a decoder'}.` : '.'}{' '}
            {suitable && model?.name !== suitable.name && (
              <button type="button" onClick={() => void loadModel(suitable.name)} data-testid="ft-load-suitable">Load {suitable.name}</button>
            )}
          </p>
        )}
      </section>
      {message && <p className="error" role="alert" data-testid="ft-message">{message}</p>}
      {active && record && (
        <section className="pane ft-run" data-testid="ft-run">
          <h2 title={`run ${active.handle.runId}`} data-testid="ft-run-title">
            {TASK_NAMES[record.task]} of {record.modelName}, started {new Date(record.createdAt).toLocaleTimeString()}
          </h2>
          <RunProgress key={active.handle.runId} handle={active.handle} totalSteps={active.run.loop.totalSteps} doneSteps={active.run.loop.history.globalStep} />
          <div className="ft-charts">
            <LossChart run={active.run} handle={active.handle} />
            <EpochChart />
          </div>
          {record.task === 'causal-lm' && initial?.perplexity !== undefined && (
            <p data-testid="ft-perplexity">Perplexity on held-out text: before {initial.perplexity.toFixed(2)}{epochs.length > 0 && `, now ${epochs.at(-1)!.perplexity!.toFixed(2)}`}</p>
          )}
          <EpochTable />
          {record.task === 'classification' && (
            <>
              <ConfusionMatrix labels={active.run.labels} />
              <ClassifyBox handle={active.handle} />
            </>
          )}
          {samples.length > 0 && (
            <ul className="ft-samples" data-testid="ft-samples">{samples.map((sample) => <li key={sample.step}>step {sample.step}: {sample.text}</li>)}</ul>
          )}
          <ExportPanel handle={active.handle} />
        </section>
      )}
    </div>
  );
}
