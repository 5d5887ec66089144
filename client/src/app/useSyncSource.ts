import { useCallback, useSyncExternalStore } from 'react';
import type { SyncSource } from '../lib/syncSource';

/** Reads a realtime adapter's snapshot and re-renders on its changes; `fallback` until there is one. */
export function useSyncSource<V>(source: SyncSource<V> | null | undefined, fallback: V): V {
  const subscribe = useCallback((notify: () => void) => source?.subscribe(notify) ?? (() => {}), [source]);
  return useSyncExternalStore(subscribe, () => source?.current ?? fallback);
}
