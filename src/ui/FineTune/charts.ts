// Line charts on a canvas, drawn imperatively: the loss chart is redrawn per training step without a React render.

export interface Series {
  label: string;
  color: string;
  values: number[];
  /** Where the values sit on the x axis (default 1, 2, 3, …). */
  xs?: number[];
}

export function drawLines(canvas: HTMLCanvasElement, series: Series[], yRange?: [number, number]) {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  const pad = { left: 44, right: 8, top: 8, bottom: 20 };
  context.clearRect(0, 0, width, height);
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const xsOf = (s: Series) => s.xs ?? s.values.map((_, i) => i + 1);
  const maxX = Math.max(1, ...series.flatMap(xsOf));
  const [low, high] = yRange ?? [Math.min(...all), Math.max(...all)];
  const span = high - low || 1;
  const x = (v: number) => pad.left + ((width - pad.left - pad.right) * v) / maxX;
  const y = (v: number) => height - pad.bottom - ((height - pad.top - pad.bottom) * (v - low)) / span;
  context.strokeStyle = '#8886';
  context.fillStyle = getComputedStyle(canvas).color;
  context.font = '11px system-ui, sans-serif';
  context.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  if (all.length > 0) {
    context.fillText(high.toPrecision(3), 2, pad.top + 8);
    context.fillText(low.toPrecision(3), 2, height - pad.bottom);
  }
  context.fillText(String(maxX), width - pad.right - 24, height - 4);
  series.forEach((s, index) => {
    const xs = xsOf(s);
    context.strokeStyle = s.color;
    context.fillStyle = s.color;
    context.lineWidth = 1.5;
    context.beginPath();
    s.values.forEach((v, i) => (i === 0 ? context.moveTo(x(xs[i]), y(v)) : context.lineTo(x(xs[i]), y(v))));
    context.stroke();
    if (s.values.length === 1) context.fillRect(x(xs[0]) - 2, y(s.values[0]) - 2, 4, 4);
    context.fillText(s.label, pad.left + 6 + index * 110, pad.top + 12);
  });
}
