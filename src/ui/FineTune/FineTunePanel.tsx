import { useAppStore } from '../../state/store';
import { ClassifyBox } from './ClassifyBox';
import { ConfusionMatrix, EpochTable } from './EpochTable';
import { ExportPanel } from './ExportPanel';
import { EpochChart, LossChart } from './RunCharts';
import { RunProgress } from './RunProgress';
import { SavedRuns } from './SavedRuns';
import { SetupForm } from './SetupForm';

/** Fine-tune the loaded model: BERT sequence classification or GPT-2 causal language modelling. */
export function FineTunePanel() {
  const model = useAppStore((s) => s.model);
  const active = useAppStore((s) => s.fineTune);
  const message = useAppStore((s) => s.fineTuneMessage);
  const initial = useAppStore((s) => s.fineTuneInitial);
  const epochs = useAppStore((s) => s.fineTuneEpochs);
  const samples = useAppStore((s) => s.fineTuneSamples);
  const task = model?.kind === 'decoder' ? 'causal-lm' : 'classification';
  return (
    <div className="fine-tune" data-testid="fine-tune">
      <SavedRuns />
      {model ? (
        <section className="pane">
          <h2>{task === 'classification' ? 'Sequence classification' : 'Causal language modelling'} on {model.name}</h2>
          <SetupForm key={`${model.name}-${task}`} task={task} config={model.config} />
        </section>
      ) : (
        <p className="muted">Load a BERT (classification) or GPT-2 (language modelling) model with the picker on the right.</p>
      )}
      {message && <p className="error" role="alert" data-testid="ft-message">{message}</p>}
      {active && (
        <section className="pane ft-run" data-testid="ft-run">
          <h2>Run {active.handle.runId}</h2>
          <RunProgress key={active.handle.runId} handle={active.handle} totalSteps={active.run.loop.totalSteps} doneSteps={active.run.loop.history.globalStep} />
          <div className="ft-charts">
            <LossChart run={active.run} handle={active.handle} />
            <EpochChart />
          </div>
          {active.run.record.task === 'causal-lm' && initial?.perplexity !== undefined && (
            <p data-testid="ft-perplexity">Perplexity on held-out text: before {initial.perplexity.toFixed(2)}{epochs.length > 0 && `, now ${epochs.at(-1)!.perplexity!.toFixed(2)}`}</p>
          )}
          <EpochTable />
          {active.run.record.task === 'classification' && (
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
