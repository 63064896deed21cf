import { useAppStore } from '../../state/store';
import type { StageId } from '../../state/howItWorksSlice';
import type { StageProps } from './stages/types';
import { EmbeddingsStage, TokensStage } from './stages/EmbeddingStages';
import { MaskStage, MixStage, NormStage, ProjectStage, QkvStage, ScoresStage, SoftmaxStage } from './stages/AttentionStages';
import { FfnStage, Residual1Stage, Residual2Stage } from './stages/BlockStages';
import { FinalNormStage, LogitsStage, OutputStage } from './stages/OutputStages';
import { LensStage, StreamStage } from './stages/DepthStages';

const STAGES: Record<StageId, (props: StageProps) => React.ReactNode> = {
  tokens: TokensStage,
  embeddings: EmbeddingsStage,
  norm: NormStage,
  qkv: QkvStage,
  scores: ScoresStage,
  mask: MaskStage,
  softmax: SoftmaxStage,
  mix: MixStage,
  project: ProjectStage,
  residual1: Residual1Stage,
  ffn: FfnStage,
  residual2: Residual2Stage,
  'final-norm': FinalNormStage,
  logits: LogitsStage,
  output: OutputStage,
  stream: StreamStage,
  lens: LensStage,
};

/** The stages where the attention views show the same numbers. */
const ATTENTION_STAGES: readonly StageId[] = ['qkv', 'scores', 'mask', 'softmax', 'mix'];

/** One stage: its explanation, pictures and kernels, and links to the views that show the same numbers. */
export function StageDetail(props: Omit<StageProps, 'layer' | 'depth'>) {
  const depth = useAppStore((s) => s.walkthroughDepth);
  const open = useAppStore((s) => s.openAttentionView);
  const { stage, layer: l, head, token } = props.position;
  const layer = props.view.layers[l];
  const Stage = STAGES[stage];
  const waiting = (stage === 'norm' || ATTENTION_STAGES.includes(stage) || ['project', 'residual1', 'ffn', 'residual2'].includes(stage)) && (!layer || (ATTENTION_STAGES.includes(stage) && props.view.head !== head));
  return (
    <div className="hiw-stage" data-testid={`hiw-stage-body-${stage}`}>
      {waiting ? <p className="muted" role="status" data-testid="hiw-waiting">Reading block {l}…</p> : <Stage {...props} layer={layer} depth={depth} />}
      {ATTENTION_STAGES.includes(stage) && (
        <p className="hiw-links">
          <button type="button" onClick={() => void open('heatmap')} data-testid="hiw-open-heatmap">
            Attention heatmap of layer {l}, head {head}
          </button>
          <button type="button" onClick={() => void open('neuron')} data-testid="hiw-open-neuron">
            Neuron view of query {token}: {JSON.stringify(props.input.tokens[token])}
          </button>
        </p>
      )}
    </div>
  );
}
