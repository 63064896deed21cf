// Lazy drawing: run `draw` once the element is on screen, one element per animation frame at most, so a grid of
// 144 heads at 512 tokens never blocks the page.

const queue: (() => void)[] = [];
let scheduled = false;

function drainOne() {
  scheduled = false;
  queue.shift()?.();
  if (queue.length > 0) schedule();
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(drainOne);
}

/** Calls `draw` after the element first becomes visible; returns the cancel function. */
export function whenVisible(element: Element, draw: () => void): () => void {
  let cancelled = false;
  const task = () => {
    if (!cancelled) draw();
  };
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    queue.push(task);
    schedule();
  });
  observer.observe(element);
  return () => {
    cancelled = true;
    observer.disconnect();
    const index = queue.indexOf(task);
    if (index >= 0) queue.splice(index, 1);
  };
}
