// Where runs live between page loads: a record per run (what it trains on, the model before fine-tuning) and its
// last good checkpoint. IndexedDB in the browser; an in-memory twin for tests that still encodes and decodes.

import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type EncodedCheckpoint } from './checkpoint';
import type { Hyperparameters, Task, TrainingMode } from './hyperparameters';
import type { Example } from './data/examples';

/** 'interrupted' is never stored: it is how a record left 'running' or 'paused' by a closed page is shown. */
export type RunStatus = 'running' | 'paused' | 'stopped' | 'done' | 'failed' | 'interrupted';

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

/** Storage refused a write: full (quota), or gone (site data cleared, private mode). The run itself is unharmed. */
export class RunStorageError extends Error {
  constructor(
    readonly kind: 'quota' | 'unavailable',
    detail: string,
  ) {
    super(
      kind === 'quota'
        ? `The browser's storage for this site is full (${detail}): the checkpoint could not be saved.`
        : `The browser's storage could not be written (${detail}): the checkpoint could not be saved.`,
    );
    this.name = 'RunStorageError';
  }
}

function storageError(error: DOMException | Error | null | undefined, fallback: string): RunStorageError {
  const kind = error?.name === 'QuotaExceededError' ? 'quota' : 'unavailable';
  return new RunStorageError(kind, error?.message || fallback);
}

/**
 * Runs and checkpoints in IndexedDB, kept alive through what happens to storage while a run trains: the connection
 * reopens after site data was cleared (and the run's record is written again), and every run touched in this page
 * is mirrored in memory (see `durableRunStore`), so a full or cleared storage never stops a run.
 */
export function openIndexedDbRunStore(factory: IDBFactory = indexedDB): RunStore {
  return durableRunStore(indexedDbBacking(factory));
}

function indexedDbBacking(factory: IDBFactory): RunStore {
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        for (const name of [RUNS, DATA, CHECKPOINTS]) request.result.createObjectStore(name, { keyPath: 'runId' });
      };
      request.onsuccess = () => {
        const database = request.result;
        // Someone deletes or upgrades the database (clearing site data does): let go, reopen on the next call.
        database.onversionchange = () => {
          database.close();
          db = undefined;
        };
        database.onclose = () => (db = undefined);
        resolve(database);
      };
      request.onerror = () => {
        db = undefined;
        reject(storageError(request.error, 'IndexedDB would not open'));
      };
      request.onblocked = () => {
        db = undefined;
        reject(new RunStorageError('unavailable', 'IndexedDB is blocked by another tab of this page'));
      };
    });
    return db;
  };
  const transaction = async (stores: string[], mode: IDBTransactionMode): Promise<IDBTransaction> => {
    try {
      return (await open()).transaction(stores, mode);
    } catch (error) {
      if (error instanceof RunStorageError) throw error;
      // The connection closed under us (InvalidStateError): once more on a fresh one.
      db = undefined;
      try {
        return (await open()).transaction(stores, mode);
      } catch (again) {
        throw again instanceof RunStorageError ? again : storageError(again as Error, 'IndexedDB refused a transaction');
      }
    }
  };
  const transact = async <T>(stores: string[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => IDBRequest<T> | void): Promise<T | undefined> => {
    const tx = await transaction(stores, mode);
    let request: IDBRequest<T> | void;
    try {
      request = work(tx);
    } catch (error) {
      throw storageError(error as Error, 'IndexedDB refused a write');
    }
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = tx.onabort = () => reject(storageError(tx.error, 'the transaction was aborted'));
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

interface MirroredRun {
  record: RunRecord;
  stored?: { data: RunData; base: BaseModelFiles };
  checkpoint?: Checkpoint;
}

/**
 * A store that never loses the runs of this page: every run created, resumed or saved here is mirrored in memory
 * (its record, its data, its latest checkpoint), so a write the backing storage refuses (quota) or forgets (cleared)
 * costs nothing but durability across reloads. Writes still throw a RunStorageError, so the caller can tell the
 * person; the next write tries again, and writes the run's record and data anew when the storage lost them.
 */
export function durableRunStore(backing: RunStore): RunStore {
  const mirror = new Map<string, MirroredRun>();
  const inBacking = async (runId: string) => {
    const records = await backing.runs().catch(() => null);
    return records === null ? null : records.some((record) => record.runId === runId);
  };
  /** Writes the run's record and data again when the backing storage no longer has them (cleared meanwhile). */
  const restore = async (runId: string) => {
    const run = mirror.get(runId);
    if (!run?.stored || (await inBacking(runId)) !== false) return;
    await backing.createRun(run.record, run.stored.data, run.stored.base);
  };
  return {
    createRun: async (record, data, base) => {
      mirror.set(record.runId, { record: { ...record }, stored: { data, base } });
      await backing.createRun(record, data, base);
    },
    updateRun: async (runId, patch) => {
      const run = mirror.get(runId);
      if (run) run.record = { ...run.record, ...patch };
      if (run) await restore(runId);
      await backing.updateRun(runId, patch);
    },
    runs: async () => {
      const stored = await backing.runs().catch((error: unknown) => {
        if (mirror.size === 0) throw error;
        return [];
      });
      const mirrored = [...mirror.values()].map((run) => run.record);
      const ids = new Set(mirrored.map((record) => record.runId));
      return [...mirrored, ...stored.filter((record) => !ids.has(record.runId))].sort((a, b) => b.createdAt - a.createdAt);
    },
    runData: async (runId) => {
      const run = mirror.get(runId);
      if (run?.stored) return run.stored;
      const stored = await backing.runData(runId);
      // A run read back (to resume it) is this page's from now on: mirrored like one it created.
      const record = run?.record ?? (await backing.runs()).find((candidate) => candidate.runId === runId);
      if (record) mirror.set(runId, { ...run, record, stored });
      return stored;
    },
    saveCheckpoint: async (checkpoint) => {
      const run = mirror.get(checkpoint.runId);
      if (run) {
        run.checkpoint = checkpoint;
        run.record = { ...run.record, checkpointStep: checkpoint.loop.globalStep };
        await restore(checkpoint.runId);
      }
      await backing.saveCheckpoint(checkpoint);
    },
    loadCheckpoint: async (runId) => {
      const run = mirror.get(runId);
      // A copy: the loop resumed from it changes its state in place, and the checkpoint must stay what it was.
      if (run?.checkpoint) return structuredClone(run.checkpoint);
      const checkpoint = await backing.loadCheckpoint(runId);
      if (run && checkpoint) run.checkpoint = structuredClone(checkpoint);
      return checkpoint;
    },
    deleteRun: async (runId) => {
      mirror.delete(runId);
      await backing.deleteRun(runId);
    },
  };
}

/** Runs shown as interrupted: their record says running or paused, but no page holds them (a reload, a crash). */
export function withInterrupted(records: RunRecord[], live: ReadonlySet<string>): RunRecord[] {
  return records.map((record) =>
    (record.status === 'running' || record.status === 'paused') && !live.has(record.runId) ? { ...record, status: 'interrupted' } : record,
  );
}

const LOCK_PREFIX = 'playground-finetune:';

/**
 * Marks a run as alive in this page until `release()` (a Web Lock, which the browser drops when the page goes away),
 * so every tab can tell a run that is training somewhere from one a reload interrupted.
 */
export function holdRunLock(runId: string): () => void {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  void globalThis.navigator?.locks?.request(`${LOCK_PREFIX}${runId}`, () => held).catch(() => undefined);
  return release;
}

/** The runs some page of this site holds (see holdRunLock); empty where Web Locks are missing. */
export async function liveRunIds(): Promise<Set<string>> {
  const state = await globalThis.navigator?.locks?.query().catch(() => undefined);
  const names = [...(state?.held ?? []), ...(state?.pending ?? [])].map((lock) => lock.name ?? '');
  return new Set(names.filter((name) => name.startsWith(LOCK_PREFIX)).map((name) => name.slice(LOCK_PREFIX.length)));
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
