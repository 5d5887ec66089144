import type { Result } from '@tandem/shared';
import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../i18n';

export type Load<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/**
 * Loads with an API call when the component mounts, when `key` changes and when `reload` is called: loading,
 * error (in the person's language) or the data. A reload keeps showing the last data.
 */
export function useLoad<T>(fetcher: () => Promise<Result<T>>, key = ''): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what the fetcher depends on (a new fetcher each render otherwise)
  const reload = useCallback(() => {
    let live = true;
    void fetcher().then((res) => {
      if (live) setLoad(res.ok ? { state: 'ready', data: res.data } : { state: 'error', message: errorText(res.error) });
    });
    return () => {
      live = false;
    };
  }, [key]);
  useEffect(reload, [reload]);
  return [load, reload];
}
