import { memo } from 'react';
import type { Encoding } from '../../tokenizers/tokenizer';
import { displayToken } from '../common/tokenText';
import type { CharRange } from './ranges';
import { overlaps } from './ranges';

export const MAX_CHIPS = 600;

interface Props {
  encoding: Encoding;
  byteLevel: boolean;
  decoded: boolean;
  highlight?: CharRange;
  onHover: (range: CharRange | undefined) => void;
}

/** Tokens as chips (alternating colours, ids underneath). Text is always rendered as text, never as HTML. */
export const TokenChips = memo(function TokenChips({ encoding, byteLevel, decoded, highlight, onHover }: Props) {
  const shown = Math.min(encoding.ids.length, MAX_CHIPS);
  const chips = [];
  for (let i = 0; i < shown; i++) {
    const token = encoding.tokens[i];
    const special = encoding.special[i];
    const [start, end] = encoding.offsets[i];
    const shownToken = displayToken(token, special, byteLevel, decoded);
    const lit = highlight !== undefined && !special && overlaps([start, end], highlight);
    const className = [
      'chip',
      i % 2 === 0 ? 'chip-even' : 'chip-odd',
      special && 'chip-special',
      shownToken.continuation && 'chip-continuation',
      shownToken.partialBytes && 'chip-partial',
      lit && 'chip-lit',
    ]
      .filter(Boolean)
      .join(' ');
    chips.push(
      <li
        key={i}
        className={className}
        data-index={i}
        title={`#${i} id ${encoding.ids[i]} · chars ${start}–${end}${special ? ' · special token' : ''}`}
        onMouseEnter={() => onHover(special ? undefined : [start, end])}
        onFocus={() => onHover(special ? undefined : [start, end])}
        tabIndex={0}
      >
        <span className="chip-token">{shownToken.text}</span>
        <span className="chip-id">{encoding.ids[i]}</span>
      </li>,
    );
  }
  return (
    <>
      <ol className="chips" aria-label="tokens" onMouseLeave={() => onHover(undefined)}>
        {chips}
      </ol>
      {shown < encoding.ids.length && (
        <p className="muted">
          Showing the first {shown.toLocaleString()} of {encoding.ids.length.toLocaleString()} tokens.
        </p>
      )}
    </>
  );
});
