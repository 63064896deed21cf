// Keyboard patterns of WAI-ARIA: a tab list (arrow keys move and select, Home/End jump; only the selected tab is a Tab
// stop) and a roving tabindex for long lists of items (one Tab stop for the whole list, arrow keys inside).

import type { FocusEvent, KeyboardEvent } from 'react';

const STEPS: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/** The index an arrow, Home or End key moves to among `count` items (wrapping), or undefined for other keys. */
export function movedIndex(key: string, current: number, count: number): number | undefined {
  if (count === 0) return undefined;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  const step = STEPS[key];
  return step === undefined ? undefined : (current + step + count) % count;
}

/**
 * onKeyDown for a `role="tablist"` element whose children are its `role="tab"` buttons: arrow keys, Home and End select
 * the next tab and focus it (automatic activation).
 */
export function tabListKeys<T extends string>(ids: readonly T[], current: T, select: (id: T) => void) {
  return (event: KeyboardEvent<HTMLElement>) => {
    const next = movedIndex(event.key, ids.indexOf(current), ids.length);
    if (next === undefined) return;
    event.preventDefault();
    select(ids[next]);
    event.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };
}

/**
 * onKeyDown and onFocus for a list whose items carry `data-index` and tabIndex 0 (the active one) or -1: arrow keys,
 * Home and End move the focus, and the item focused becomes the list's one Tab stop.
 */
export function rovingKeys(count: number, setActive: (index: number) => void) {
  return {
    onKeyDown: (event: KeyboardEvent<HTMLElement>) => {
      const item = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (!item) return;
      const next = movedIndex(event.key, Number(item.dataset.index), count);
      if (next === undefined) return;
      event.preventDefault();
      setActive(next);
      event.currentTarget.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
    },
    onFocus: (event: FocusEvent<HTMLElement>) => {
      const index = (event.target as HTMLElement).dataset.index;
      if (index !== undefined) setActive(Number(index));
    },
  };
}
