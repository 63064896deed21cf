import { useId, useState, type ClipboardEvent } from 'react';
import { useAppStore } from '../../state/store';
import { LONG_TEXT } from '../../state/tokenizeSlice';

const PREVIEW_CHARS = 2_000;

/**
 * The text to tokenize. A long text (a pasted book) is never laid out in full, which would freeze the page: the
 * paste is taken from the clipboard event, the whole text is kept and tokenized in the worker, and the editor shows
 * its beginning until the person asks to edit all of it.
 */
export function TextEditor() {
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const [editWhole, setEditWhole] = useState(false);
  const titleId = useId();

  const paste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const pasted = event.clipboardData.getData('text/plain');
    const { selectionStart, selectionEnd } = event.currentTarget;
    const next = text.slice(0, selectionStart) + pasted + text.slice(selectionEnd);
    if (next.length <= LONG_TEXT || editWhole) return; // the browser pastes it
    event.preventDefault();
    setText(next);
  };

  if (text.length > LONG_TEXT && !editWhole) {
    return (
      <div className="field long-text" data-testid="tokenizer-long-text">
        <span id={titleId}>Text to tokenize</span>
        <pre className="long-text-preview" tabIndex={0} aria-labelledby={titleId} data-testid="tokenizer-preview">
          {text.slice(0, PREVIEW_CHARS)}
          <span className="muted"> …</span>
        </pre>
        <p className="muted" role="status">
          {text.length.toLocaleString('en-US')} characters: the editor shows the first {PREVIEW_CHARS.toLocaleString('en-US')} (laying out all of
          them would slow the page); the whole text is kept and tokenized.
        </p>
        <div className="inline-form">
          <button type="button" onClick={() => setText('')}>Clear, to type or paste another text</button>
          <button type="button" onClick={() => setEditWhole(true)}>Edit the whole text (slow)</button>
        </div>
      </div>
    );
  }
  return (
    <label className="field">
      <span>Text to tokenize</span>
      <textarea
        value={text}
        onChange={(event) => setText(event.target.value)}
        onPaste={paste}
        rows={5}
        spellCheck={false}
        placeholder="Paste or type any text…"
        data-testid="tokenizer-input"
      />
    </label>
  );
}
