import { ServerEvent } from '@tandem/shared';
import { useEffect } from 'react';
import { api } from '../../lib/api';
import { getSocket } from '../../lib/socket';
import { useAppStore } from '../../store';

const BASE_TITLE = 'Tandem';

/**
 * Keeps the unread counts (dashboard badges, page title) live while someone is signed in:
 * read once, then again whenever a message arrives or is read anywhere (another tab included).
 */
export function useUnread(): void {
  const signedIn = useAppStore((s) => s.authStatus === 'signedIn');
  const setUnread = useAppStore((s) => s.setUnread);
  const unread = useAppStore((s) => s.unread);

  useEffect(() => {
    if (!signedIn) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const refresh = () => {
      clearTimeout(timer);
      // Several events in a burst: one read.
      timer = setTimeout(() => {
        void api.dashboard().then((res) => {
          if (!stopped && res.ok) setUnread(Object.fromEntries(res.data.mentorships.map((m) => [m.mentorship.id, m.unread])));
        });
      }, 150);
    };
    refresh();
    const socket = getSocket();
    socket.on(ServerEvent.messageNew.name, refresh);
    socket.on(ServerEvent.messageRead.name, refresh);
    socket.on('connect', refresh);
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket.off(ServerEvent.messageNew.name, refresh);
      socket.off(ServerEvent.messageRead.name, refresh);
      socket.off('connect', refresh);
    };
  }, [signedIn, setUnread]);

  const total = Object.values(unread).reduce((a, b) => a + b, 0);
  useEffect(() => {
    document.title = total > 0 ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
  }, [total]);
}
