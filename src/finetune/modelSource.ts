// A model named as the engine accepts it (an embedded name, an http(s) folder, a Hub id, or local files) -> where
// its files come from, so a run can keep the model it started from.

import { EMBEDDED_MODELS } from '../engine/catalog';
import type { ModelSource } from '../weights/sources';

export function modelSourceOf(model: string | File[], hubEndpoint: string): ModelSource {
  if (Array.isArray(model)) return { kind: 'files', files: model };
  const embedded = EMBEDDED_MODELS.find((entry) => entry.name === model);
  if (embedded) return { kind: 'url', baseUrl: new URL(embedded.path, document.baseURI).href };
  if (/^https?:\/\//.test(model)) return { kind: 'url', baseUrl: model };
  return { kind: 'hub', id: model, endpoint: hubEndpoint };
}
