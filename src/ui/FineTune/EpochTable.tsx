import { useAppStore } from '../../state/store';

/** The per-epoch table of the Hugging Face tutorial: epoch, training loss, validation loss, accuracy (or perplexity). */
export function EpochTable() {
  const epochs = useAppStore((s) => s.fineTuneEpochs);
  const initial = useAppStore((s) => s.fineTuneInitial);
  const classification = initial?.accuracy !== undefined;
  return (
    <table className="ft-epochs" data-testid="ft-epoch-table">
      <thead>
        <tr><th>Epoch</th><th>Step</th><th>Training loss</th><th>Validation loss</th><th>{classification ? 'Accuracy' : 'Perplexity'}</th></tr>
      </thead>
      <tbody>
        {initial && (
          <tr className="muted"><td>before</td><td>0</td><td>—</td><td className="num">{initial.validationLoss.toFixed(4)}</td><td className="num">{classification ? initial.accuracy!.toFixed(4) : initial.perplexity!.toFixed(2)}</td></tr>
        )}
        {epochs.map((row) => (
          <tr key={row.epoch} data-testid="ft-epoch-row">
            <td>{row.epoch}</td>
            <td className="num">{row.step}</td>
            <td className="num">{row.trainingLoss.toFixed(4)}</td>
            <td className="num">{row.validationLoss.toFixed(4)}</td>
            <td className="num">{classification ? row.accuracy!.toFixed(4) : row.perplexity!.toFixed(2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Rows: the true label; columns: the predicted one (the last epoch's validation set). */
export function ConfusionMatrix({ labels }: { labels: string[] }) {
  const epochs = useAppStore((s) => s.fineTuneEpochs);
  const confusion = epochs.at(-1)?.confusion;
  if (!confusion) return null;
  const max = Math.max(1, ...confusion.flat());
  return (
    <figure className="ft-confusion-figure">
      <figcaption data-testid="ft-confusion-caption">Confusion matrix, epoch {epochs.at(-1)!.epoch} (rows: true label, columns: predicted)</figcaption>
      <table className="ft-confusion" data-testid="ft-confusion" aria-label="confusion matrix">
      <thead><tr><th><span className="visually-hidden">true label</span></th>{labels.map((label) => <th key={label} scope="col">{label}</th>)}</tr></thead>
      <tbody>
        {confusion.map((row, t) => (
          <tr key={t}>
            <th scope="row">{labels[t]}</th>
            {row.map((count, p) => (
              <td key={p} className="num" style={{ background: `rgba(25, 113, 194, ${(0.6 * count) / max})` }}>{count}</td>
            ))}
          </tr>
        ))}
      </tbody>
      </table>
    </figure>
  );
}
