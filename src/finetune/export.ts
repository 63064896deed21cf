// The fine-tuned model as a Hugging Face folder: config.json (with id2label / label2id for classification),
// model.safetensors under Hugging Face's names, tokenizer.json. It loads back into this app (engine.loadModel takes
// the File list) and into transformers' class for it (BertForSequenceClassification, GPT2LMHeadModel, …).

import type { HostTensor } from '../weights/host-tensor';
import { writeSafetensors } from '../weights/safetensors-writer';
import type { Task } from './hyperparameters';

export interface ExportRequest {
  task: Task;
  /** Hugging Face's class of the fine-tuned model ('BertForSequenceClassification', 'GPT2LMHeadModel', …). */
  architecture: string;
  baseConfig: unknown; // the config.json fine-tuning started from
  tensors: HostTensor[];
  tokenizer: unknown; // tokenizer.json, parsed
  labels?: string[]; // classification: label names by id
  name: string;
}

export function exportConfig(request: Pick<ExportRequest, 'task' | 'architecture' | 'baseConfig' | 'labels' | 'name'>): Record<string, unknown> {
  const config: Record<string, unknown> = { ...(request.baseConfig as Record<string, unknown>), _name_or_path: request.name };
  if (request.task === 'causal-lm') return { ...config, architectures: [request.architecture] };
  const labels = request.labels ?? [];
  return {
    ...config,
    architectures: [request.architecture],
    id2label: Object.fromEntries(labels.map((label, id) => [String(id), label])),
    label2id: Object.fromEntries(labels.map((label, id) => [label, id])),
    problem_type: 'single_label_classification',
  };
}

export function exportFolder(request: ExportRequest): File[] {
  const json = (value: unknown) => new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const safetensors = writeSafetensors(request.tensors, { format: 'pt' });
  return [
    new File([json(exportConfig(request))], 'config.json', { type: 'application/json' }),
    new File([safetensors as Uint8Array<ArrayBuffer>], 'model.safetensors', { type: 'application/octet-stream' }),
    new File([json(request.tokenizer)], 'tokenizer.json', { type: 'application/json' }),
  ];
}

/** Writes the files into a folder the user picks (File System Access API), else (or when asked) downloads each. */
export async function saveFolder(files: readonly File[], options: { downloads?: boolean } = {}): Promise<'folder' | 'downloads'> {
  const picker = (window as unknown as { showDirectoryPicker?: (options?: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
  if (picker && !options.downloads) {
    const folder = await picker.call(window, { mode: 'readwrite' });
    for (const file of files) {
      const writable = await (await folder.getFileHandle(file.name, { create: true })).createWritable();
      await writable.write(file);
      await writable.close();
    }
    return 'folder';
  }
  for (const file of files) {
    const url = URL.createObjectURL(file);
    const link = Object.assign(document.createElement('a'), { href: url, download: file.name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return 'downloads';
}
