import { useEffect, useState } from 'react';
import { useSyncSource } from '../../app/useSyncSource';
import { CaptionsSync, type CaptionsView } from '../../lib/captionsSync';
import { getSocket } from '../../lib/socket';

const loading: CaptionsView = { status: 'loading', state: null, segments: [], live: [], message: null };

/** Captions, consent and chat of a session, for the whole call view. */
export function useCaptions(sessionId: string): { view: CaptionsView; sync: CaptionsSync | null } {
  const [sync, setSync] = useState<CaptionsSync | null>(null);
  useEffect(() => {
    const s = new CaptionsSync(getSocket(), sessionId);
    setSync(s);
    return () => s.destroy();
  }, [sessionId]);
  const view = useSyncSource(sync, loading);
  return { view, sync };
}

/** "12:04" from milliseconds on the session's timeline. */
export function formatOffset(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
