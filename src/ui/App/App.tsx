import { useAppStore } from '../../state/store';
import { DeviceInfo } from '../DeviceInfo/DeviceInfo';
import { TokenizerView } from '../TokenizerView/TokenizerView';
import { GeneratePanel } from '../Generate/GeneratePanel';
import { FillMaskPanel } from '../FillMask/FillMaskPanel';
import { ModelPicker } from '../ModelPicker/ModelPicker';
import { ComparePanel } from '../Compare/ComparePanel';
import { AttentionPanel } from '../Attention/AttentionPanel';
import { FineTunePanel } from '../FineTune/FineTunePanel';
import { HowItWorksPanel } from '../HowItWorks/HowItWorksPanel';
import { TABS, type TabId } from '../../state/uiSlice';
import { LinkConsent } from '../LinkConsent/LinkConsent';
import { TabErrorBoundary } from './TabErrorBoundary';
import { tabListKeys } from '../common/roving';

const TAB_LABELS: Record<TabId, string> = {
  tokenize: 'Tokenize',
  'how-it-works': 'How it works',
  generate: 'Generate',
  'fill-mask': 'Fill mask',
  attention: 'Attention',
  compare: 'Compare with ORT',
  'fine-tune': 'Fine-tune',
};

export function App() {
  const tab = useAppStore((s) => s.tab);
  const setTab = useAppStore((s) => s.setTab);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Transformer Playground</h1>
        <p className="tagline">BERT, DistilBERT, RoBERTa, GPT-2, Pythia and Llama, tokenized, run and inspected in your browser with hand-written WebGPU kernels.</p>
        <nav role="tablist" aria-label="Sections" onKeyDown={tabListKeys(TABS, tab, setTab)}>
          {TABS.map((id) => (
            <button
              key={id}
              role="tab"
              id={`tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => setTab(id)}
            >
              {TAB_LABELS[id]}
            </button>
          ))}
        </nav>
      </header>
      <main className="app-main">
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="app-panel">
          {/* One boundary per tab, new for each tab: a failure in one never blanks the page or follows to another. */}
          <TabErrorBoundary
            key={tab}
            name={`The ${TAB_LABELS[tab]} tab`}
            onLeave={tab === 'tokenize' ? undefined : () => setTab('tokenize')}
            leaveLabel="Open the Tokenize tab"
          >
            {tab === 'tokenize' && <TokenizerView />}
            {tab === 'how-it-works' && <HowItWorksPanel />}
            {tab === 'generate' && <GeneratePanel />}
            {tab === 'fill-mask' && <FillMaskPanel />}
            {tab === 'attention' && <AttentionPanel />}
            {tab === 'compare' && <ComparePanel />}
            {tab === 'fine-tune' && <FineTunePanel />}
          </TabErrorBoundary>
        </div>
        <aside className="app-side">
          <TabErrorBoundary name="The model panel">
            <ModelPicker />
          </TabErrorBoundary>
          <TabErrorBoundary name="The WebGPU panel">
            <DeviceInfo />
          </TabErrorBoundary>
        </aside>
      </main>
      <LinkConsent />
    </div>
  );
}
