// playground.trace: every stage of one forward pass as the "How it works" tab draws it, with its arguments checked as
// every other call's are (src/api/arguments.ts): the call, the argument, what it was and what is allowed.

import { engine } from '../engine/engine';
import type { HeadStages, TraceView } from '../engine/trace';
import { checkIdList, checkOptions, describeValue } from './arguments';

/** One block's stages; per-head tensors are the chosen head's (k and v: those of the kv head it reads, `kvHead`). */
export type TracedLayer = HeadStages & { layer: number };

export interface PlaygroundTrace {
  T: number;
  head: number;
  /** The token whose logit lens each layer has (the last). */
  lensPosition: number;
  embeddings: TraceView['embeddings'];
  /** Every layer in order, or only `layer` when one was asked for. */
  layers: TracedLayer[];
  final: TraceView['final'];
}

export function traceArguments(ids: unknown, options: unknown): { ids: number[]; layer?: number; head: number } {
  const call = 'trace';
  const dims = engine.model?.config.dims;
  const given = checkOptions(call, options, ['layer', 'head']);
  const list = checkIdList(call, ids, 'ids', { below: dims?.V, maxLength: dims?.P });
  const index = (value: unknown, what: string, count: number | undefined) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || (count !== undefined && value >= count)) {
      throw new Error(`${call}: ${what} must be a whole number from 0${count === undefined ? '' : ` to ${count - 1}`}, not ${describeValue(value)}.`);
    }
    return value;
  };
  return { ids: list, layer: index(given.layer, 'layer', dims?.L), head: index(given.head, 'head', dims?.H) ?? 0 };
}

/** The trace of `ids` through the loaded model: the engine's numbers, row-major, shapes as in the README. */
export async function traceIds(ids: number[], layer: number | undefined, head: number): Promise<PlaygroundTrace> {
  const view = await engine.trace(ids, { head, layers: layer === undefined ? undefined : [layer] });
  return {
    T: view.T,
    head: view.head,
    lensPosition: view.lensPosition,
    embeddings: view.embeddings,
    layers: view.layers.flatMap((stages, l) => (stages ? [{ layer: l, ...stages }] : [])),
    final: view.final,
  };
}
