import { useEffect, useState } from 'react';
import { useSyncSource } from '../../app/useSyncSource';
import { CaptionsSync, type CaptionsView } from '../../lib/captionsSync';

type CaptionsState = NonNullable<CaptionsView['state']>;

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

/** This person's and the other person's consent (an admin, who only reads, has neither). */
export function consentSides(state: CaptionsState | null, role: 'mentor' | 'student' | 'admin') {
  if (role === 'admin') return { mine: false, theirs: false, remembers: false };
  const mentor = role === 'mentor';
  return {
    mine: Boolean(mentor ? state?.mentorConsent : state?.studentConsent),
    theirs: Boolean(mentor ? state?.studentConsent : state?.mentorConsent),
    remembers: Boolean(mentor ? state?.mentorRemembers : state?.studentRemembers),
  };
}
