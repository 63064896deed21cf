import { EMBEDDED_MODELS } from '../engine/catalog';
import { useAppStore } from './store';
import type { TabId } from './uiSlice';

// The page works offline at first open: it loads an embedded default model, and switches between the embedded decoder
// (GPT-2) and encoder (BERT) when a tab needs the other kind. A model the person chose (Hub, URL, files) is never replaced.

const TAB_NEEDS: Partial<Record<TabId, 'decoder' | 'encoder'>> = { generate: 'decoder', 'fill-mask': 'encoder' };
const isEmbedded = (name: string) => EMBEDDED_MODELS.some((model) => model.name === name);

function loadDefaultFor(tab: TabId) {
  const state = useAppStore.getState();
  if (state.modelStatus === 'loading') return;
  const current = state.model;
  if (current && !isEmbedded(current.name)) return;
  const wanted = TAB_NEEDS[tab] ?? current?.kind ?? 'decoder';
  if (current?.kind === wanted) return;
  const embedded = EMBEDDED_MODELS.find((model) => model.kind === wanted);
  if (embedded) void state.loadModel(embedded.name);
}

/** Loads the default for the opening tab (unless the URL names a model), then follows tab changes. */
export function startDefaultModels(urlNamesModel: boolean) {
  if (!urlNamesModel) loadDefaultFor(useAppStore.getState().tab);
  useAppStore.subscribe((state, previous) => {
    if (state.tab !== previous.tab) loadDefaultFor(state.tab);
  });
}
