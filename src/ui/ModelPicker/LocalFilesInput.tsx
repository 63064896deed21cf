import { useState, type DragEvent } from 'react';

/**
 * Files from the picker or dropped (files or a whole folder): config.json, the weights (model.safetensors, shards
 * and their index, or pytorch_model.bin), tokenizer.json or the vocabulary files.
 */
export function LocalFilesInput({ disabled, onFiles }: { disabled: boolean; onFiles: (files: File[]) => void }) {
  const [dragging, setDragging] = useState(false);

  const drop = async (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
    const files = entries.length ? (await Promise.all(entries.map(filesOf))).flat() : [...event.dataTransfer.files];
    if (files.length) onFiles(files);
  };

  return (
    <div
      className={dragging ? 'drop-zone dragging' : 'drop-zone'}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <label>
        Local files: <span className="muted">drop a model folder here, or </span>
        <input
          type="file"
          multiple
          disabled={disabled}
          accept=".json,.safetensors,.bin,.txt"
          data-testid="model-files"
          onChange={(event) => event.target.files && onFiles([...event.target.files])}
        />
      </label>
    </div>
  );
}

/** Every file under a dropped entry (a folder is walked). */
async function filesOf(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map(filesOf))).flat();
}
