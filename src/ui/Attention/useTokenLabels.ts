import { useMemo } from 'react';
import { useAppStore } from '../../state/store';
import type { AttentionSet } from '../../attention/types';
import { tokenLabel } from '../common/tokenText';

/**
 * The views' labels of a set's tokens: decoded text by default ("␣the", "é" rather than "Ġthe", "Ã©"), or the
 * vocabulary's pieces, as the switch above the views says.
 */
export function useTokenLabels(set: AttentionSet): string[] {
  const decoded = useAppStore((s) => s.attentionLabels === 'decoded');
  return useMemo(() => set.tokens.map((token, i) => tokenLabel(token, set.special[i], set.byteLevel ?? false, decoded)), [set, decoded]);
}
