import { memo, useMemo } from 'react';
import type { CharRange } from './ranges';
import { overlaps, segmentBoundaries } from './ranges';

/** Characters shown cut at token boundaries (a long text's first window covers them). */
export const MAX_SOURCE_CHARS = 2_000;

interface Props {
  text: string;
  offsetLists: (readonly [number, number])[][];
  highlight?: CharRange;
  onHover: (range: CharRange | undefined) => void;
}

/** The source text cut at token boundaries; hovering a piece highlights the tokens that cover it. */
export const SourceText = memo(function SourceText({ text, offsetLists, highlight, onHover }: Props) {
  const limit = Math.min(text.length, MAX_SOURCE_CHARS);
  const cuts = useMemo(() => segmentBoundaries(offsetLists, limit), [offsetLists, limit]);
  const pieces = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const range: CharRange = [cuts[i], cuts[i + 1]];
    const lit = highlight !== undefined && overlaps(range, highlight);
    pieces.push(
      <span key={range[0]} className={lit ? 'source-piece source-lit' : 'source-piece'} onMouseEnter={() => onHover(range)}>
        {text.slice(range[0], range[1])}
      </span>,
    );
  }
  return (
    <div className="source-text" aria-label="source text with token boundaries" onMouseLeave={() => onHover(undefined)}>
      {pieces}
      {limit < text.length && <span className="muted"> … ({(text.length - limit).toLocaleString()} more characters)</span>}
    </div>
  );
});
