import { useEffect, useRef } from 'react';

const CELL = 14; // px per token

/** One head's attention probabilities (T, T): row = query, column = key, darker = more attention. */
export function AttentionHeatmap({ probs, tokens }: { probs: Float32Array; tokens: string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const T = tokens.length;

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, T * CELL, T * CELL);
    for (let query = 0; query < T; query++) {
      for (let key = 0; key < T; key++) {
        context.fillStyle = `rgba(47, 111, 223, ${probs[query * T + key]})`;
        context.fillRect(key * CELL, query * CELL, CELL - 1, CELL - 1);
      }
    }
  }, [probs, T]);

  return (
    <figure className="attention-heatmap">
      <canvas ref={canvas} width={T * CELL} height={T * CELL} aria-label="attention probabilities, queries down, keys across" />
      <figcaption className="muted">Queries down, keys across: {tokens.join(' · ')}</figcaption>
    </figure>
  );
}
