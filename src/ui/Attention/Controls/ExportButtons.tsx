import { useRef, useState } from 'react';
import { useAppStore } from '../../../state/store';
import { attentionFromJsonText, attentionJsonParts } from '../../../attention/serialize';
import type { AttentionSet } from '../../../attention/types';
import { currentDrawn, exportableCanvas } from '../../../state/drawnView';

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The picture of the current view as PNG; the whole attention tensor as JSON; a JSON export read back. */
export function ExportButtons({ set }: { set: AttentionSet }) {
  const model = useAppStore((s) => s.model?.name);
  const showSet = useAppStore((s) => s.showAttentionSet);
  const view = useAppStore((s) => s.attentionView.view);
  const file = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<string>();

  const exportPng = () => {
    const canvas = exportableCanvas();
    const drawn = currentDrawn();
    if (!canvas || !drawn) return;
    canvas.toBlob((blob) => blob && download(blob, `attention-${drawn.view}-layer${drawn.layer}-head${drawn.head}.png`), 'image/png');
  };

  const importJson = async (input: HTMLInputElement) => {
    const picked = input.files?.[0];
    if (!picked) return;
    try {
      showSet(attentionFromJsonText(await picked.text(), picked.name));
      setMessage(`Showing ${picked.name}.`);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
    input.value = '';
  };

  return (
    <div className="inline-form attention-export">
      <button type="button" onClick={exportPng} disabled={view === 'neuron' || view === 'stats'} title="The heatmap, model or head view as a picture" data-testid="attention-export-png">
        Export PNG
      </button>
      <button
        type="button"
        onClick={() => download(new Blob(attentionJsonParts(set, model), { type: 'application/json' }), 'attention.json')}
        title={`Every layer and head, (${set.layers}, ${set.heads}, ${set.T}, ${set.T})`}
        data-testid="attention-export-json"
      >
        Export JSON
      </button>
      <button type="button" onClick={() => file.current?.click()}>Open JSON…</button>
      <input ref={file} type="file" accept="application/json,.json" hidden onChange={(event) => void importJson(event.target)} data-testid="attention-import" aria-label="Open an attention JSON export" />
      {message && <span className="muted" role="status">{message}</span>}
    </div>
  );
}
