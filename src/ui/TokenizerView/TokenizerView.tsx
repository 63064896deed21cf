import { useDeferredValue, useEffect, useRef, useState } from 'react';
import { useAppStore } from '../../state/store';
import { TokenizerPane } from './TokenizerPane';
import { SourceText } from './SourceText';
import type { CharRange } from './ranges';
import { AddTokenizerForm } from './AddTokenizerForm';
import { DecodePanel } from './DecodePanel';
import { TokenKinds } from './TokenKinds';
import { TextEditor } from './TextEditor';
import { TokenDisplaySwitch } from '../common/TokenDisplaySwitch';

const RETOKENIZE_DELAY_MS = 150;

/** Paste text, see how each tokenizer cuts it: chips, ids, offsets, counts, and the tutorial's three kinds. */
export function TokenizerView() {
  const text = useAppStore((s) => s.text);
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

  // The source view shows the start of the text, which each result's shown tokens cover (the same object while a long
  // text streams in, so the view is not redrawn for every window).
  const headsKey = useRef<{ heads: unknown[]; offsets: (readonly [number, number])[][] }>({ heads: [], offsets: [] });
  const heads = tokenizerNames.map((name) => results[name]?.encoding);
  if (heads.length !== headsKey.current.heads.length || heads.some((head, i) => head !== headsKey.current.heads[i])) {
    headsKey.current = { heads, offsets: heads.flatMap((head) => (head ? [head.offsets] : [])) };
  }
  // The source view and the kinds table follow in a transition (time-sliced), after the editor and the counts.
  const offsetLists = useDeferredValue(headsKey.current.offsets);
  const sourceText = useDeferredValue(text);
  const kindsResults = useDeferredValue(results);

  return (
    <div className="tokenizer-view">
      <TextEditor />
      <div className="toolbar">
        <TokenDisplaySwitch value={tokenDisplay} onChange={setTokenDisplay} name="token-display" />
        <AddTokenizerForm />
      </div>
      <h2 className="section-title">Source text</h2>
      <SourceText text={sourceText} offsetLists={offsetLists} highlight={highlight} onHover={setHighlight} />
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
      <TokenKinds text={sourceText} results={kindsResults} />
      <DecodePanel />
    </div>
  );
}
