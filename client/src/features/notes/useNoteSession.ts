import { type NoteChannel, NoteChannels, ServerErrorSchema, ServerEvent } from '@tandem/shared';
import { useEffect, useState } from 'react';
import { IndexeddbPersistence } from 'y-indexeddb';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { useSyncSource } from '../../app/useSyncSource';
import { NoteSync, type NoteSyncStatus } from '../../lib/noteSync';
import { describeConnectError, getSocket } from '../../lib/socket';

export interface NoteSession {
  doc: Y.Doc;
  awareness: Awareness;
  sync: NoteSync;
}

/**
 * One Y.Doc per note (a session's shared note, or with the private channel a mentorship's
 * private note), kept in this browser (IndexedDB, so offline edits survive a reload) and synced
 * with the server while connected.
 */
export function useNoteSession(id: string, channel: NoteChannel = NoteChannels.session): NoteSession | null {
  const [session, setSession] = useState<NoteSession | null>(null);
  useEffect(() => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    const local = new IndexeddbPersistence(channel === NoteChannels.session ? `tandem-note:${id}` : `tandem-private:${id}`, doc);
    const sync = new NoteSync(getSocket(), id, doc, awareness, channel);
    setSession({ doc, awareness, sync });
    return () => {
      sync.destroy();
      awareness.destroy();
      void local.destroy();
      doc.destroy();
      setSession(null);
    };
  }, [id, channel]);
  return session;
}

const idle: NoteSyncStatus = { save: 'connecting', readOnly: false, message: null };

/** The note's save status, re-rendering only when it changes. */
export function useSyncStatus(sync: NoteSync | undefined): NoteSyncStatus {
  const [connectError, setConnectError] = useState<string | null>(null);
  useEffect(() => {
    const socket = getSocket();
    const onError = (e: Error) => setConnectError(describeConnectError(e.message) ?? 'offline');
    const onConnect = () => setConnectError(null);
    const onServerError = (payload: unknown) => {
      const parsed = ServerErrorSchema.safeParse(payload);
      if (parsed.success) setConnectError(describeConnectError(parsed.data.reason) ?? parsed.data.message);
    };
    socket.on('connect_error', onError);
    socket.on('connect', onConnect);
    socket.on(ServerEvent.serverError.name, onServerError);
    return () => {
      socket.off('connect_error', onError);
      socket.off('connect', onConnect);
      socket.off(ServerEvent.serverError.name, onServerError);
    };
  }, []);
  const status = useSyncSource(sync, idle);
  return connectError && status.save !== 'saved'
    ? { ...status, save: status.save === 'error' ? 'error' : 'offline', message: connectError }
    : status;
}

/** People who have this note open, from awareness (name and colour). */
export function usePresence(awareness: Awareness | undefined): { clientId: number; name: string; color: string }[] {
  const [people, setPeople] = useState<{ clientId: number; name: string; color: string }[]>([]);
  useEffect(() => {
    if (!awareness) return;
    const read = () => {
      const list: { clientId: number; name: string; color: string }[] = [];
      for (const [clientId, state] of awareness.getStates()) {
        const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
        if (typeof user?.name === 'string')
          list.push({ clientId, name: user.name, color: typeof user.color === 'string' ? user.color : '#888' });
      }
      list.sort((a, b) => a.name.localeCompare(b.name));
      setPeople(list);
    };
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [awareness]);
  return people;
}
