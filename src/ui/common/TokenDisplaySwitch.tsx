import type { TokenDisplay } from '../../state/tokenizeSlice';

/** Raw tokens (the vocabulary's pieces: "Ġthe", "##ing") or the text they stand for: the Tokenize tab and the attention views. */
export function TokenDisplaySwitch({ value, onChange, name }: { value: TokenDisplay; onChange: (value: TokenDisplay) => void; name: string }) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Token labels</legend>
      {(['raw', 'decoded'] as const).map((mode) => (
        <label key={mode}>
          <input type="radio" name={name} checked={value === mode} onChange={() => onChange(mode)} data-testid={`${name}-${mode}`} />
          {mode === 'raw' ? 'Raw tokens' : 'Decoded text'}
        </label>
      ))}
    </fieldset>
  );
}
