// Colour-blind-safe, perceptually uniform colour maps (matplotlib's viridis, cividis, magma), sampled at even steps
// and interpolated linearly into 256-entry lookup tables; and a palette for telling heads apart (Okabe & Ito).

export const COLORMAPS = ['viridis', 'cividis', 'magma'] as const;
export type ColormapName = (typeof COLORMAPS)[number];

const STOPS: Record<ColormapName, string[]> = {
  viridis: ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'],
  cividis: ['#00224e', '#123570', '#3b496c', '#575d6d', '#707173', '#8a8779', '#a69d75', '#c4b56c', '#e4cf5b', '#fee838'],
  magma: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55064', '#fb8761', '#fec287', '#fcfdbf'],
};

/** Okabe & Ito's eight colours, distinguishable with every common colour-vision deficiency. */
export const HEAD_PALETTE = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#999999'];

function parseHex(hex: string): [number, number, number] {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
}

/** A `#rrggbb`, `#rgb` or `rgb(r, g, b)` colour as RGB (what CSS custom properties hold, minified or not), or undefined. */
export function rgbOf(color: string): [number, number, number] | undefined {
  const text = color.trim();
  if (/^#[0-9a-f]{6}$/i.test(text)) return parseHex(text);
  if (/^#[0-9a-f]{3}$/i.test(text)) return parseHex(`#${text[1]}${text[1]}${text[2]}${text[2]}${text[3]}${text[3]}`);
  const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(text);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

const toHex = (rgb: readonly number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** The contrast a line or swatch needs against its background (WCAG's 3:1 for graphics). */
export const GRAPHIC_CONTRAST = 3;

/**
 * Head h's colour on `background` (the panel's colour): the palette's, darkened on a light background or
 * lightened on a dark one just enough to stand out at 3:1 (Okabe & Ito's yellow is 1.2:1 on white).
 */
export function headColor(head: number, background = '#ffffff'): string {
  const base = parseHex(HEAD_PALETTE[head % HEAD_PALETTE.length]);
  const back = rgbOf(background);
  if (!back) return toHex(base);
  const toward = luminance(back) > 0.5 ? 0 : 255;
  for (let t = 0; t <= 1; t += 0.05) {
    const mixed = base.map((c) => c + (toward - c) * t);
    if (contrastRatio(mixed, back) >= GRAPHIC_CONTRAST) return toHex(mixed);
  }
  return toHex([toward, toward, toward]);
}

const tables = new Map<ColormapName, Uint8Array>();

/** 256 RGB triples, (256, 3): entry k is the colour of value k / 255. */
export function colormapTable(name: ColormapName): Uint8Array {
  const cached = tables.get(name);
  if (cached) return cached;
  const stops = STOPS[name].map(parseHex);
  const table = new Uint8Array(256 * 3);
  for (let k = 0; k < 256; k++) {
    const position = (k / 255) * (stops.length - 1);
    const low = Math.min(Math.floor(position), stops.length - 2);
    const t = position - low;
    for (let c = 0; c < 3; c++) table[k * 3 + c] = Math.round(stops[low][c] * (1 - t) + stops[low + 1][c] * t);
  }
  tables.set(name, table);
  return table;
}

/** The table index of a value on a [0, max] scale, clamped. */
export function colorIndex(value: number, max: number): number {
  if (!(max > 0)) return 0;
  return Math.max(0, Math.min(255, Math.round((value / max) * 255)));
}

export function colorOf(name: ColormapName, value: number, max: number): [number, number, number] {
  const table = colormapTable(name);
  const k = colorIndex(value, max) * 3;
  return [table[k], table[k + 1], table[k + 2]];
}

const NEGATIVE = parseHex('#5e3c99'); // PuOr, a colour-blind-safe diverging map: purple below 0, orange above
const POSITIVE = parseHex('#e66101');

/**
 * Signed values (vector components): the background at 0 (white by default; a dark panel in dark mode, so zeros do
 * not glare), purple towards −max, orange towards +max.
 */
export function divergingColor(value: number, max: number, zero: readonly number[] = [255, 255, 255]): [number, number, number] {
  const t = max > 0 ? Math.min(1, Math.abs(value) / max) : 0;
  const end = value < 0 ? NEGATIVE : POSITIVE;
  return [0, 1, 2].map((c) => Math.round(zero[c] * (1 - t) + end[c] * t)) as [number, number, number];
}
