import type { ModelInfo } from '../../engine/engine';
import type { Architecture } from '../../engine/trace';
import type { StageId } from '../../state/howItWorksSlice';

interface Props {
  model: ModelInfo;
  architecture?: Architecture;
  stage: StageId;
  layer: number;
  onPick: (stage: StageId) => void;
}

const ACTIVATIONS: Record<string, string> = { gelu_erf: 'GELU', gelu_tanh: 'GELU (tanh)', relu: 'ReLU', silu: 'SiLU' };

/** The loaded model drawn from its config: its parts in order, each a button into the walk. */
export function ArchitectureDiagram({ model, architecture, stage, layer, onPick }: Props) {
  const { L, C, H, Hkv, D, F, V, P, positions, norm, prenorm, activation, typeVocabSize } = model.config.dims;
  const decoder = model.kind === 'decoder';
  const swiglu = architecture?.mlp === 'swiglu';
  const rotary = architecture?.rotary;
  const normName = norm === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm';
  const box = (id: StageId, title: string, detail: string, group?: StageId[]) => {
    const current = id === stage || group?.includes(stage);
    return (
      <button type="button" className={current ? 'hiw-box hiw-box-current' : 'hiw-box'} aria-current={current ? 'step' : undefined} onClick={() => onPick(id)} data-testid={`hiw-box-${id}`}>
        <span className="hiw-box-title">{title}</span>
        <span className="hiw-box-detail">{detail}</span>
      </button>
    );
  };
  const facts = [
    `${model.familyLabel}: ${decoder ? 'a decoder (each token sees only the ones before it)' : 'an encoder (every token sees the whole text)'}`,
    `${L} blocks, width ${C}`,
    `${H} attention heads of ${D} dimensions${Hkv < H ? `, grouped-query: ${Hkv} key/value heads, each shared by ${H / Hkv}` : ''}`,
    `feed-forward ${C} → ${F} → ${C}, ${swiglu ? 'SwiGLU (SiLU gate)' : ACTIVATIONS[activation] ?? activation}`,
    `${prenorm ? `pre-norm (${normName} before attention and before the FFN, and once at the end)` : 'post-LN (LayerNorm after each residual addition)'}`,
    positions === 'rotary'
      ? `rotary positions on ${rotary ? `${rotary.dim} of ${D}` : 'the'} dimensions of each head${rotary ? `, base ${rotary.base}` : ''}, up to ${P.toLocaleString('en-US')} tokens`
      : `${positions} position table, ${P.toLocaleString('en-US')} positions`,
    ...(architecture?.parallelResidual ? ['attention and FFN side by side on the same input (parallel residual)'] : []),
    ...(typeVocabSize > 1 ? [`${typeVocabSize} token types (sentence A / B)`] : []),
    `vocabulary ${V.toLocaleString('en-US')}`,
  ];
  return (
    <section className="hiw-diagram" aria-label={`Architecture of ${model.name}`} data-testid="hiw-diagram">
      <ul className="hiw-facts" data-testid="hiw-facts">
        {facts.map((fact) => (
          <li key={fact}>{fact}</li>
        ))}
      </ul>
      <div className="hiw-flow">
        {box('tokens', 'Tokens', `ids < ${V.toLocaleString('en-US')}`)}
        <span className="hiw-arrow" aria-hidden="true">→</span>
        {box('embeddings', positions === 'rotary' ? 'Token embedding' : 'Embedding + position', `${V.toLocaleString('en-US')} × ${C}${positions === 'rotary' ? '' : ` + ${P} × ${C}`}`)}
        <span className="hiw-arrow" aria-hidden="true">→</span>
        <div className="hiw-block" role="group" aria-label={`Block ${layer} of ${L} (all ${L} alike)`}>
          <span className="hiw-block-title">Block {layer} <span className="muted">(× {L})</span></span>
          <div className="hiw-flow">
            {prenorm && box('norm', normName, `${C}`)}
            {box('qkv', `${decoder ? 'Masked m' : 'M'}ulti-head attention`, `${H} × ${D}${Hkv < H ? `, kv ${Hkv}` : ''}`, ['scores', 'mask', 'softmax', 'mix', 'project'])}
            {box('residual1', prenorm ? '+' : 'Add & LN', 'residual')}
            {prenorm && !architecture?.parallelResidual && <span className="hiw-box-note">{normName}</span>}
            {box('ffn', 'Feed-forward', `${C} → ${F} → ${C}`)}
            {box('residual2', prenorm ? '+' : 'Add & LN', 'residual')}
          </div>
        </div>
        <span className="hiw-arrow" aria-hidden="true">→</span>
        {prenorm && box('final-norm', `Final ${normName}`, `${C}`)}
        {box('logits', decoder ? 'LM head' : 'Masked-LM head', `${C} → ${V.toLocaleString('en-US')}`)}
        <span className="hiw-arrow" aria-hidden="true">→</span>
        {box('output', 'Softmax', decoder ? 'next token' : 'fill the mask')}
      </div>
    </section>
  );
}
