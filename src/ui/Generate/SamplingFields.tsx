import type { SamplingSettings } from '../../state/generateSlice';
import { NumberField } from '../common/NumberField';

const FIELDS: { key: keyof SamplingSettings; label: string; min: number; max: number; integer: boolean; hint: string }[] = [
  { key: 'maxNewTokens', label: 'Max new tokens', min: 1, max: 1024, integer: true, hint: '1 to 1024' },
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, integer: false, hint: '0 = greedy' },
  { key: 'topK', label: 'Top-k', min: 0, max: 1000, integer: true, hint: '0 = off' },
  { key: 'topP', label: 'Top-p', min: 0.05, max: 1, integer: false, hint: '1 = off' },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31, integer: true, hint: 'same seed, same text' },
];

/** The sampler's settings, each a one-line label over its field and a hint under it, so the fields line up. */
export function SamplingFields({ value, onChange }: { value: SamplingSettings; onChange: (value: SamplingSettings) => void }) {
  return (
    <div className="sampling-fields">
      {FIELDS.map((field) => (
        <NumberField
          key={field.key}
          label={field.label}
          name={field.label}
          hint={field.hint}
          value={value[field.key]}
          min={field.min}
          max={field.max}
          integer={field.integer}
          onChange={(next) => onChange({ ...value, [field.key]: next })}
          testId={`sampling-${field.key}`}
        />
      ))}
    </div>
  );
}
