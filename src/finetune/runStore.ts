// Where runs live between page loads: a record per run (what it trains on, the model before fine-tuning) and its
// last good checkpoint. IndexedDB in the browser; an in-memory twin for tests that still encodes and decodes.

import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type EncodedCheckpoint } from './checkpoint';
import type { Hyperparameters, Task, TrainingMode } from './hyperparameters';
import type { Example } from './data/examples';

export type RunStatus = 'running' | 'paused' | 'stopped' | 'done' | 'failed';

export interface BaseModelFiles {
  name: string; // what the user loaded, in words
  config: unknown; // config.json, parsed
  safetensors: ArrayBuffer; // model.safetensors before fine-tuning
  tokenizer: unknown | null; // tokenizer.json, parsed
}

export type RunData = { task: 'classification'; examples: Example[]; labels: string[] } | { task: 'causal-lm'; text: string };

export interface RunRecord {
  runId: string;
  createdAt: number;
  task: Task;
  mode: TrainingMode;
  hyperparameters: Hyperparameters;
  status: RunStatus;
  message?: string;
  /** The optimizer step of the last good checkpoint, 0 before the first. */
  checkpointStep: number;
  modelName: string;
}

export interface RunStore {
  createRun(record: RunRecord, data: RunData, base: BaseModelFiles): Promise<void>;
  updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'message' | 'checkpointStep'>>): Promise<void>;
  runs(): Promise<RunRecord[]>; // newest first
  runData(runId: string): Promise<{ data: RunData; base: BaseModelFiles }>;
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  loadCheckpoint(runId: string): Promise<Checkpoint | undefined>;
  deleteRun(runId: string): Promise<void>;
}

const DB_NAME = 'playground-finetune';
const RUNS = 'runs';
const DATA = 'runData';
const CHECKPOINTS = 'checkpoints';

export function openIndexedDbRunStore(factory: IDBFactory = indexedDB): RunStore {
  const db = new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      for (const name of [RUNS, DATA, CHECKPOINTS]) request.result.createObjectStore(name, { keyPath: 'runId' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`IndexedDB would not open: ${request.error?.message ?? 'unknown error'}`));
  });
  const transact = async <T>(stores: string[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => IDBRequest<T> | void): Promise<T | undefined> => {
    const tx = (await db).transaction(stores, mode);
    const request = work(tx);
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = tx.onabort = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'the transaction was aborted'}`));
    });
  };
  return {
    createRun: async (record, data, base) => {
      await transact([RUNS, DATA], 'readwrite', (tx) => {
        tx.objectStore(DATA).put({ runId: record.runId, data, base });
        tx.objectStore(RUNS).put(record);
      });
    },
    updateRun: async (runId, patch) => {
      await transact([RUNS], 'readwrite', (tx) => {
        const store = tx.objectStore(RUNS);
        const get = store.get(runId);
        get.onsuccess = () => get.result && store.put({ ...(get.result as RunRecord), ...patch });
      });
    },
    runs: async () => {
      const all = (await transact([RUNS], 'readonly', (tx) => tx.objectStore(RUNS).getAll() as IDBRequest<RunRecord[]>)) ?? [];
      return all.sort((a, b) => b.createdAt - a.createdAt);
    },
    runData: async (runId) => {
      const stored = await transact([DATA], 'readonly', (tx) => tx.objectStore(DATA).get(runId));
      if (!stored) throw new Error(`Run ${runId} has no stored data.`);
      return stored as { data: RunData; base: BaseModelFiles };
    },
    saveCheckpoint: async (checkpoint) => {
      const encoded = encodeCheckpoint(checkpoint);
      await transact([CHECKPOINTS, RUNS], 'readwrite', (tx) => {
        tx.objectStore(CHECKPOINTS).put(encoded);
        const runs = tx.objectStore(RUNS);
        const get = runs.get(checkpoint.runId);
        get.onsuccess = () => get.result && runs.put({ ...(get.result as RunRecord), checkpointStep: checkpoint.loop.globalStep });
      });
    },
    loadCheckpoint: async (runId) => {
      const encoded = await transact([CHECKPOINTS], 'readonly', (tx) => tx.objectStore(CHECKPOINTS).get(runId) as IDBRequest<EncodedCheckpoint | undefined>);
      return encoded ? decodeCheckpoint(encoded) : undefined;
    },
    deleteRun: async (runId) => {
      await transact([RUNS, DATA, CHECKPOINTS], 'readwrite', (tx) => {
        for (const name of [RUNS, DATA, CHECKPOINTS]) tx.objectStore(name).delete(runId);
      });
    },
  };
}

/** The same contract in memory: checkpoints go through encode/decode, as they would through IndexedDB. */
export function createMemoryRunStore(): RunStore {
  const records = new Map<string, RunRecord>();
  const stored = new Map<string, { data: RunData; base: BaseModelFiles }>();
  const checkpoints = new Map<string, EncodedCheckpoint>();
  return {
    createRun: async (record, data, base) => {
      records.set(record.runId, { ...record });
      stored.set(record.runId, { data, base });
    },
    updateRun: async (runId, patch) => {
      const record = records.get(runId);
      if (record) records.set(runId, { ...record, ...patch });
    },
    runs: async () => [...records.values()].sort((a, b) => b.createdAt - a.createdAt),
    runData: async (runId) => {
      const entry = stored.get(runId);
      if (!entry) throw new Error(`Run ${runId} has no stored data.`);
      return entry;
    },
    saveCheckpoint: async (checkpoint) => {
      checkpoints.set(checkpoint.runId, encodeCheckpoint(checkpoint));
      const record = records.get(checkpoint.runId);
      if (record) records.set(checkpoint.runId, { ...record, checkpointStep: checkpoint.loop.globalStep });
    },
    loadCheckpoint: async (runId) => {
      const encoded = checkpoints.get(runId);
      return encoded ? decodeCheckpoint(encoded) : undefined;
    },
    deleteRun: async (runId) => {
      records.delete(runId);
      stored.delete(runId);
      checkpoints.delete(runId);
    },
  };
}
