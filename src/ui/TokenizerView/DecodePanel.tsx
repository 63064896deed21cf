import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import { resolveTokenizer, tokenizerClient } from '../../engine/tokenizers';

function parseIds(input: string): number[] {
  const numbers = input.match(/-?\d+/g) ?? [];
  const ids = numbers.map(Number);
  const bad = ids.find((id) => !Number.isSafeInteger(id) || id < 0);
  if (bad !== undefined) throw new Error(`${bad} is not a token id.`);
  return ids;
}

/** ids -> text with any shown tokenizer. */
export function DecodePanel() {
  const tokenizerNames = useAppStore((s) => s.tokenizerNames);
  const hubEndpoint = useAppStore((s) => s.hubEndpoint);
  const [input, setInput] = useState('[101, 1045, 2293, 4083, 2055, 19081, 1012, 102]');
  const [tokenizer, setTokenizer] = useState(tokenizerNames[0] ?? 'bert-base-uncased');
  const [output, setOutput] = useState<{ text?: string; error?: string }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setOutput({ text: await tokenizerClient().decode(parseIds(input), resolveTokenizer(tokenizer, hubEndpoint)) });
    } catch (error) {
      setOutput({ error: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <section className="pane" aria-labelledby="decode-title">
      <h3 id="decode-title">Decode ids to text</h3>
      <form className="inline-form" onSubmit={submit}>
        <label className="grow">
          <span className="visually-hidden">Token ids</span>
          <input value={input} onChange={(event) => setInput(event.target.value)} data-testid="decode-input" />
        </label>
        <label>
          <span className="visually-hidden">Tokenizer</span>
          <select value={tokenizer} onChange={(event) => setTokenizer(event.target.value)}>
            {tokenizerNames.map((name) => <option key={name}>{name}</option>)}
          </select>
        </label>
        <button type="submit">Decode</button>
      </form>
      {output.text !== undefined && <pre className="decoded" data-testid="decode-output">{output.text}</pre>}
      {output.error && <p className="error" role="alert">{output.error}</p>}
    </section>
  );
}
