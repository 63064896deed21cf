import { useEffect, useState } from 'react';

export interface ThemeColors {
  fg: string;
  muted: string;
  panel: string;
  border: string;
  accent: string;
  /** Stripes over cells hidden by the causal mask. */
  mask: string;
}

function readColors(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const value = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: value('--fg', '#1d1f24'),
    muted: value('--muted', '#646a75'),
    panel: value('--panel', '#ffffff'),
    border: value('--border', '#d9dce3'),
    accent: value('--accent', '#2f6fdf'),
    mask: value('--attention-mask', '#c8ccd4'),
  };
}

/** The page's colours for drawing on canvases; changes when the system switches between light and dark. */
export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(readColors);
  useEffect(() => {
    const query = matchMedia('(prefers-color-scheme: dark)');
    const update = () => setColors(readColors());
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return colors;
}
