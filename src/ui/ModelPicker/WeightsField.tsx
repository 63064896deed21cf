import { useAppStore } from '../../state/store';
import type { WeightChoice } from '../../models/checkpoint';

/** How each stored format is named in the model summary. */
export const WEIGHT_NAMES: Record<Exclude<WeightChoice, 'auto'>, string> = {
  f32: 'f32',
  f16: 'f16',
  q8: '8-bit, blocks of 32',
  q4: '4-bit, blocks of 32',
};

const OPTIONS: { value: WeightChoice; label: string; detail: string }[] = [
  { value: 'auto', label: 'As stored', detail: 'f16 for a checkpoint stored in f16 (exactly its values, half the memory of f32), f32 otherwise.' },
  { value: 'f32', label: 'f32', detail: 'Full precision: the numbers match Hugging Face to about 1e-5.' },
  { value: 'f16', label: 'f16 (half the memory)', detail: 'Each weight rounded to a half float; the kernels still add up in f32.' },
  { value: 'q8', label: '8-bit (about 28% of f32)', detail: 'Per block of 32 weights, a scale and 8-bit integers: small changes to the logits.' },
  { value: 'q4', label: '4-bit (about 16% of f32)', detail: "onnxruntime's MatMulNBits layout: a scale per block of 32 and 4-bit integers. Logits move visibly on small models." },
];

/**
 * The matmul weights' format for inference. Changing it rebuilds the loaded model from its files (no download).
 * Position tables, norms and biases stay f32; fine-tuning reads the checkpoint itself; onnxruntime runs the same
 * 8/4-bit weights.
 */
export function WeightsField() {
  const choice = useAppStore((s) => s.weightChoice);
  const setChoice = useAppStore((s) => s.setWeightChoice);
  const status = useAppStore((s) => s.modelStatus);
  const chosen = OPTIONS.find((option) => option.value === choice)!;
  return (
    <div className="weights-field" data-testid="weights-panel">
      <label className="field small">
        <span>Weights on the device</span>
        <select
          value={choice}
          disabled={status === 'loading'}
          onChange={(event) => void setChoice(event.target.value as WeightChoice).catch(() => undefined)}
          aria-describedby="weights-detail"
          data-testid="weights-choice"
        >
          {OPTIONS.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
        </select>
      </label>
      <p className="muted" id="weights-detail">
        {chosen.detail} Each layer&apos;s matrices and the token embedding table (which a tied LM head shares) are stored
        this way; position tables, norms and biases stay f32. Fine-tuning trains f32 weights from the checkpoint;
        onnxruntime-web (Compare, Fast CPU mode, Download .onnx) runs the same 8- and 4-bit weights.
      </p>
    </div>
  );
}
