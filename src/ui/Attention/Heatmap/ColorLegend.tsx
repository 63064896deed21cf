import { useEffect, useRef } from 'react';
import { colormapTable, type ColormapName } from '../../../attention/colormaps';

interface Props {
  colormap: ColormapName;
  max: number;
  causal: boolean;
}

/** The colour scale from 0 to `max`, and the look of masked cells for a causal model. */
export function ColorLegend({ colormap, max, causal }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const table = colormapTable(colormap);
    const image = new ImageData(256, 1);
    for (let k = 0; k < 256; k++) image.data.set([table[k * 3], table[k * 3 + 1], table[k * 3 + 2], 255], k * 4);
    ctx.putImageData(image, 0, 0);
  }, [colormap]);
  return (
    <figure className="attention-legend" aria-label={`Colour scale ${colormap}, from 0 to ${max.toPrecision(3)}`} data-testid="attention-legend">
      <span className="num">0</span>
      <canvas ref={ref} width={256} height={1} />
      <span className="num">{max.toPrecision(3)}</span>
      {causal && (
        <span className="attention-legend-mask">
          <span className="attention-mask-swatch" aria-hidden="true" /> masked (a token sees only earlier ones)
        </span>
      )}
    </figure>
  );
}
