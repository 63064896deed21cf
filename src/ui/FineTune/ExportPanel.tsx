import { useState } from 'react';
import { useAppStore } from '../../state/store';
import { saveFolder } from '../../finetune/export';
import type { FineTuneHandle } from '../../finetune/handle';

/**
 * The fine-tuned model as a Hugging Face folder: saved to disk, or loaded into the app (the other tabs then run it);
 * the model before fine-tuning loads the same way, so the attention views can compare before and after.
 */
export function ExportPanel({ handle }: { handle: FineTuneHandle }) {
  const loadModel = useAppStore((s) => s.loadModel);
  const [message, setMessage] = useState<string>();
  const act = (work: () => Promise<string>) => async () => {
    setMessage('…');
    try {
      setMessage(await work());
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };
  const save = (how: 'folder' | 'downloads') =>
    act(async () => {
      const files = await handle.exportFiles();
      if (how === 'folder') await saveFolder(files);
      else await saveFolder(files, { downloads: true });
      return `Saved ${files.map((file) => file.name).join(', ')}.`;
    });
  const load = (which: 'after' | 'before') =>
    act(async () => {
      const files = which === 'after' ? await handle.exportFiles() : handle.beforeFiles();
      const info = await loadModel(files);
      if (!info) throw new Error(useAppStore.getState().modelError ?? 'The model did not load.');
      return `The model ${which} fine-tuning is loaded (${info.modelType}); the other tabs now use it.`;
    });
  return (
    <section className="ft-export">
      <h3 className="section-title">Export</h3>
      <div className="inline-form">
        <button onClick={save('folder')} data-testid="ft-save-folder">Save folder…</button>
        <button onClick={save('downloads')} data-testid="ft-download">Download files</button>
        <button onClick={load('after')} data-testid="ft-load-after">Load fine-tuned model</button>
        <button onClick={load('before')} data-testid="ft-load-before">Load model before fine-tuning</button>
      </div>
      {message && <p className="muted" data-testid="ft-export-message">{message}</p>}
    </section>
  );
}
