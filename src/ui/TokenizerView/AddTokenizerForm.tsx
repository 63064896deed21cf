import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import { BUILTIN_TOKENIZERS } from '../../state/tokenizeSlice';

/** Adds a pane for another tokenizer: a built-in name, a Hub id (e.g. `distilbert-base-uncased`) or a URL. */
export function AddTokenizerForm() {
  const addTokenizer = useAppStore((s) => s.addTokenizer);
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    addTokenizer(value);
    setValue('');
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        <span className="visually-hidden">Tokenizer to add</span>
        <input
          list="tokenizer-suggestions"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          placeholder="Hub id or tokenizer.json URL"
          size={30}
          className="add-tokenizer-input"
        />
      </label>
      <datalist id="tokenizer-suggestions">
        {[...BUILTIN_TOKENIZERS, 'distilbert-base-uncased', 'bert-base-cased', 'distilgpt2', 'gpt2-medium'].map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <button type="submit" disabled={!value.trim()}>Add tokenizer</button>
    </form>
  );
}
