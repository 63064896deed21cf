import { memo, useState } from 'react';
import type { Encoding } from '../../tokenizers/tokenizer';
import { displayToken } from '../common/tokenText';
import { rovingKeys } from '../common/roving';
import type { CharRange } from './ranges';
import { overlaps } from './ranges';

export const MAX_CHIPS = 600;

interface Props {
  /** The first tokens (at least MAX_CHIPS of them when there are that many). */
  encoding: Encoding;
  byteLevel: boolean;
  decoded: boolean;
  highlight?: CharRange;
  onHover: (range: CharRange | undefined) => void;
}

/**
 * Tokens as chips (alternating colours, ids underneath). Text is always rendered as text, never as HTML. The list is
 * one Tab stop; arrow keys, Home and End move between its chips (and highlight their characters).
 */
export const TokenChips = memo(function TokenChips({ encoding, byteLevel, decoded, highlight, onHover }: Props) {
  const shown = Math.min(encoding.ids.length, MAX_CHIPS);
  const [active, setActive] = useState(0);
  const focused = Math.min(active, shown - 1);
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
        tabIndex={i === focused ? 0 : -1}
      >
        <span className="chip-token">{shownToken.text}</span>
        <span className="chip-id">{encoding.ids[i]}</span>
      </li>,
    );
  }
  const keys = rovingKeys(shown, setActive);
  return (
    <ol className="chips" aria-label="tokens (arrow keys move between them)" onMouseLeave={() => onHover(undefined)} {...keys}>
      {chips}
    </ol>
  );
});
