import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import { decodeWith } from '../../state/engineActions';

/** "[101, 2017]" or "101 2017": whole numbers from 0, separated by commas or spaces; anything else is named. */
export function parseIds(input: string): number[] {
  const items = input.trim().replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  if (items.length === 0) throw new Error('Type token ids to decode, e.g. [101, 2017, 102].');
  return items.map((item) => {
    if (!/^\d+$/.test(item) || !Number.isSafeInteger(Number(item))) {
      throw new Error(`"${item.slice(0, 20)}" is not a token id: ids are whole numbers from 0, separated by commas or spaces.`);
    }
    return Number(item);
  });
}

/** ids -> text with any shown tokenizer. */
export function DecodePanel() {
  const allNames = useAppStore((s) => s.tokenizerNames);
  const results = useAppStore((s) => s.results);
  // Only tokenizers that loaded: a failed one has nothing to decode with.
  const tokenizerNames = allNames.filter((name) => !results[name]?.error);
  const [input, setInput] = useState('[101, 1045, 2293, 4083, 2055, 19081, 1012, 102]');
  const [chosen, setTokenizer] = useState(tokenizerNames[0] ?? 'bert-base-uncased');
  const tokenizer = tokenizerNames.includes(chosen) ? chosen : (tokenizerNames[0] ?? chosen);
  const [output, setOutput] = useState<{ text?: string; error?: string }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setOutput({ text: await decodeWith(parseIds(input), tokenizer) });
    } catch (error) {
      setOutput({ error: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <section className="pane" aria-labelledby="decode-title">
      <h2 id="decode-title">Decode ids to text</h2>
      <form className="inline-form" onSubmit={submit}>
        <label className="grow">
          <span className="visually-hidden">Token ids</span>
          <input value={input} onChange={(event) => setInput(event.target.value)} data-testid="decode-input" />
        </label>
        <label>
          <span className="visually-hidden">Tokenizer</span>
          <select value={tokenizer} onChange={(event) => setTokenizer(event.target.value)} data-testid="decode-tokenizer">
            {tokenizerNames.map((name) => <option key={name}>{name}</option>)}
          </select>
        </label>
        <button type="submit">Decode</button>
      </form>
      {output.text !== undefined && <pre className="decoded" data-testid="decode-output">{output.text}</pre>}
      {output.error && <p className="error" role="alert" data-testid="decode-error">{output.error}</p>}
    </section>
  );
}
