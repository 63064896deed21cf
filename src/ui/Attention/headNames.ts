import { kvHeadOf } from '../../attention/neuron';
import type { AttentionSet } from '../../attention/types';

/**
 * Grouped-query attention (fewer kv heads than query heads): which kv head a query head reads and which query heads
 * share it ("kv head 1, shared with head 3"); undefined when every head has its own keys and values.
 */
export function kvHeadNote(set: Pick<AttentionSet, 'heads' | 'kvHeads'>, head: number): string | undefined {
  const H = set.heads;
  const Hkv = set.kvHeads ?? H;
  if (Hkv >= H) return undefined;
  const g = kvHeadOf(head, H, Hkv);
  const group = H / Hkv;
  const sharing = Array.from({ length: group }, (_, i) => g * group + i).filter((h) => h !== head);
  return `kv head ${g}, shared with head${sharing.length > 1 ? 's' : ''} ${sharing.join(', ')}`;
}
