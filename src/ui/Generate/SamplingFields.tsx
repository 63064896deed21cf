export interface SamplingSettings {
  maxNewTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

export const DEFAULT_SAMPLING: SamplingSettings = { maxNewTokens: 40, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 };

const FIELDS: { key: keyof SamplingSettings; label: string; min: number; max: number; step: number; hint: string }[] = [
  { key: 'maxNewTokens', label: 'Max new tokens', min: 1, max: 1024, step: 1, hint: '' },
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.05, hint: '0 = greedy' },
  { key: 'topK', label: 'Top-k', min: 0, max: 1000, step: 1, hint: '0 = off' },
  { key: 'topP', label: 'Top-p', min: 0.05, max: 1, step: 0.05, hint: '1 = off' },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31, step: 1, hint: '' },
];

export function SamplingFields({ value, onChange }: { value: SamplingSettings; onChange: (value: SamplingSettings) => void }) {
  return (
    <div className="sampling-fields">
      {FIELDS.map((field) => (
        <label key={field.key} className="field small">
          <span>
            {field.label} {field.hint && <span className="muted">({field.hint})</span>}
          </span>
          <input
            type="number"
            min={field.min}
            max={field.max}
            step={field.step}
            value={value[field.key]}
            onChange={(event) => {
              const parsed = Number(event.target.value);
              if (Number.isFinite(parsed)) onChange({ ...value, [field.key]: parsed });
            }}
          />
        </label>
      ))}
    </div>
  );
}
