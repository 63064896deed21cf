import { useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../../state/store';
import { TokenizerPane } from './TokenizerPane';
import { SourceText } from './SourceText';
import type { CharRange } from './ranges';
import { AddTokenizerForm } from './AddTokenizerForm';
import { DecodePanel } from './DecodePanel';
import { TokenKinds } from './TokenKinds';

const RETOKENIZE_DELAY_MS = 150;

/** Paste text, see how each tokenizer cuts it: chips, ids, offsets, counts, and the tutorial's three kinds. */
export function TokenizerView() {
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const tokenizerNames = useAppStore((s) => s.tokenizerNames);
  const results = useAppStore((s) => s.results);
  const tokenDisplay = useAppStore((s) => s.tokenDisplay);
  const setTokenDisplay = useAppStore((s) => s.setTokenDisplay);
  const removeTokenizer = useAppStore((s) => s.removeTokenizer);
  const retokenize = useAppStore((s) => s.retokenize);
  const [highlight, setHighlight] = useState<CharRange>();

  useEffect(() => {
    const timer = setTimeout(() => void retokenize(), RETOKENIZE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, tokenizerNames, retokenize]);

  const offsetLists = useMemo(
    () => tokenizerNames.flatMap((name) => (results[name]?.encoding ? [results[name].encoding.offsets] : [])),
    [tokenizerNames, results],
  );

  return (
    <div className="tokenizer-view">
      <label className="field">
        <span>Text to tokenize</span>
        <textarea
          value={text}
          onChange={(event) => setText(event.target.value)}
          rows={5}
          spellCheck={false}
          placeholder="Paste or type any text…"
          data-testid="tokenizer-input"
        />
      </label>
      <div className="toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">Token display</legend>
          {(['raw', 'decoded'] as const).map((mode) => (
            <label key={mode}>
              <input type="radio" name="token-display" checked={tokenDisplay === mode} onChange={() => setTokenDisplay(mode)} />
              {mode === 'raw' ? 'Raw tokens' : 'Decoded text'}
            </label>
          ))}
        </fieldset>
        <AddTokenizerForm />
      </div>
      <h3 className="section-title">Source text</h3>
      <SourceText text={text} offsetLists={offsetLists} highlight={highlight} onHover={setHighlight} />
      <div className="panes">
        {tokenizerNames.map((name) => (
          <TokenizerPane
            key={name}
            name={name}
            result={results[name]}
            textLength={text.length}
            decoded={tokenDisplay === 'decoded'}
            highlight={highlight}
            onHover={setHighlight}
            onRemove={() => removeTokenizer(name)}
          />
        ))}
      </div>
      <TokenKinds text={text} results={results} />
      <DecodePanel />
    </div>
  );
}
