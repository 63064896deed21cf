import { useCallback, useEffect, useState } from 'react';
import { useAppStore } from '../../state/store';
import {
  listStoredModels,
  openBrowserCache,
  requestPersistentStorage,
  storageFigures,
  type StorageFigures,
  type StoredModel,
} from '../../state/engineActions';

/** The cache panel's data: stored models and the browser's storage figures, refreshed after every load. */
export function useStoredModels() {
  const [models, setModels] = useState<StoredModel[]>([]);
  const [figures, setFigures] = useState<StorageFigures>({ usage: null, quota: null, persisted: null });
  const [available, setAvailable] = useState(true);
  const modelStatus = useAppStore((s) => s.modelStatus);

  const refresh = useCallback(async () => {
    const cache = await openBrowserCache();
    setAvailable(cache !== null);
    setModels(cache ? await listStoredModels(cache) : []);
    setFigures(await storageFigures());
  }, []);

  useEffect(() => {
    if (modelStatus !== 'loading') void refresh();
  }, [modelStatus, refresh]);

  const remove = useCallback(
    async (model: StoredModel) => {
      const cache = await openBrowserCache();
      await cache?.delete(model.keys);
      await refresh();
    },
    [refresh],
  );

  const persist = useCallback(async () => {
    await requestPersistentStorage();
    await refresh();
  }, [refresh]);

  return { models, figures, available, refresh, remove, persist };
}
