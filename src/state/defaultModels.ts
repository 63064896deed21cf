import { EMBEDDED_MODELS } from '../engine/catalog';
import type { Task } from '../finetune/hyperparameters';
import { useAppStore, type AppState } from './store';

// The page works offline at first open: it loads an embedded default model, and switches between the embedded decoder
// (GPT-2) and encoder (BERT) when a tab needs the other kind (Generate, Fill mask, and Fine-tune's chosen task). A model
// the person chose (Hub, URL, files) is never replaced: the tabs say what it cannot do and offer the embedded one.

type Kind = 'decoder' | 'encoder';

export const isEmbeddedModel = (name: string) => EMBEDDED_MODELS.some((model) => model.name === name);

/** The kind of model a fine-tuning task trains: classification heads sit on encoders, causal LM on decoders. */
export const kindForTask = (task: Task): Kind => (task === 'causal-lm' ? 'decoder' : 'encoder');
export const taskForKind = (kind: Kind): Task => (kind === 'decoder' ? 'causal-lm' : 'classification');

/** The embedded model of a kind (what the tabs load or offer). */
export const embeddedModelOf = (kind: Kind) => EMBEDDED_MODELS.find((model) => model.kind === kind);

function neededKind(state: AppState): Kind | undefined {
  if (state.tab === 'generate') return 'decoder';
  if (state.tab === 'fill-mask') return 'encoder';
  if (state.tab === 'fine-tune' && state.fineTuneTask) return kindForTask(state.fineTuneTask);
  return undefined;
}

function loadDefaultFor(state: AppState) {
  if (state.modelStatus === 'loading') return;
  const current = state.model;
  if (current && !isEmbeddedModel(current.name)) return;
  const wanted = neededKind(state) ?? current?.kind ?? 'decoder';
  if (current?.kind === wanted) return;
  const embedded = embeddedModelOf(wanted);
  if (embedded) void state.loadModel(embedded.name);
}

/** Loads the default for the opening tab (unless the URL names a model), then follows tab and task changes. */
export function startDefaultModels(urlNamesModel: boolean) {
  if (!urlNamesModel) loadDefaultFor(useAppStore.getState());
  useAppStore.subscribe((state, previous) => {
    // A model the person chose decides the fine-tuning task (they can still pick the other and load its model).
    if (state.model !== previous.model && state.model && !isEmbeddedModel(state.model.name)) {
      const task = taskForKind(state.model.kind);
      if (state.fineTuneTask !== task) useAppStore.setState({ fineTuneTask: task });
    }
    if (state.tab !== previous.tab || state.fineTuneTask !== previous.fineTuneTask) loadDefaultFor(useAppStore.getState());
  });
}
