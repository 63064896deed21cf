import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/data/hf-reference beside the checkout, or null (with a visible note) in a fresh clone without it. */
export function hfReferenceDir(suite: string): string | null {
  const dir = fileURLToPath(new URL('../../../shared/data/hf-reference', import.meta.url));
  if (existsSync(dir)) return dir;
  console.warn(`${suite}: skipped, ${dir} is absent (it sits beside the project checkout as ../shared)`);
  return null;
}
