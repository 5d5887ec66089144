import { randomUUID } from 'node:crypto';
import {
  ClientEvent,
  ErrorCode,
  type NotesJoinAckSchema,
  parseNoteEnvelope,
  RealtimeLimits,
  type Result,
  ServerEvent,
} from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import * as decoding from 'lib0/decoding';
import { applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { z } from 'zod';
import type { LiveNote, NoteHub } from '../notes/noteHub.js';
import { carriedTodos } from '../week/brief.js';
import { handle, handleFast, sessionAccess } from './handle.js';
import type { RealtimeDomain } from './io.js';
import { Rooms } from './rooms.js';

const room = Rooms.note;
const updateEnvelope = (raw: unknown) => parseNoteEnvelope(raw, RealtimeLimits.noteUpdateBytes);
const awarenessEnvelope = (raw: unknown) => parseNoteEnvelope(raw, RealtimeLimits.awarenessBytes);

/** A note this connection has open, and whether this connection may write to it. */
interface Joined {
  note: LiveNote;
  readOnly: boolean;
}

/** The shared note pad: y-protocols sync (state vectors) and awareness over Socket.IO. */
export function notesDomain(hub: NoteHub) {
  return (app: FastifyInstance): RealtimeDomain =>
    (io, socket) => {
      // Unique per connection: a recovered Socket.IO connection keeps its socket id, this does not.
      const connectionId = randomUUID();
      const joined = new Map<string, Joined>();
      /** Awareness client ids this socket introduced, per session, removed when it leaves. */
      const awarenessIds = new Map<string, Set<number>>();

      const joinedNote = (sessionId: string): Joined | Result<never> =>
        joined.get(sessionId) ?? { ok: false, error: { code: ErrorCode.NotJoined, message: 'Join the session’s note first.' } };

      socket.on(
        ClientEvent.notesJoin.name,
        handle(
          app,
          socket,
          ClientEvent.notesJoin.payload,
          async ({ sessionId, stateVector }): Promise<Result<z.input<typeof NotesJoinAckSchema>>> => {
            const access = await sessionAccess(app, socket.data.user, sessionId);
            if (!access) return { ok: false, error: { code: ErrorCode.NotFound, message: 'This session’s note was not found.' } };
            let clientVector: Uint8Array;
            try {
              Y.decodeStateVector(stateVector);
              clientVector = stateVector;
            } catch {
              return { ok: false, error: { code: ErrorCode.ValidationFailed, message: 'stateVector: malformed' } };
            }
            const note = await hub.open(sessionId, connectionId, {
              template: access.mentorship.noteTemplate,
              carried: () => carriedTodos(app.db, sessionId),
            });
            // Read-only is this connection's (an admin reads); frozen is the note's (the session ended).
            const readOnly = !access.write;
            if (!socket.connected) {
              await hub.leave(sessionId, connectionId);
              return { ok: false, error: { code: ErrorCode.Internal, message: 'disconnected' } };
            }
            joined.set(sessionId, { note, readOnly });
            await socket.join(room(sessionId));
            return {
              ok: true,
              data: {
                update: Y.encodeStateAsUpdate(note.doc, clientVector),
                stateVector: Y.encodeStateVector(note.doc),
                awareness: encodeAwarenessUpdate(note.awareness, [...note.awareness.getStates().keys()]),
                readOnly: readOnly || note.frozen,
              },
            };
          },
        ),
      );

      socket.on(
        ClientEvent.notesUpdate.name,
        handleFast(app, socket, updateEnvelope, ClientEvent.notesUpdate.payload, async ({ sessionId, update }) => {
          const j = joinedNote(sessionId);
          if ('ok' in j) return j;
          if (j.readOnly && !j.note.frozen)
            return { ok: false, error: { code: ErrorCode.Forbidden, message: 'You can read this note, not change it.' } };
          const note = j.note;
          // The others get it as soon as the doc has it; the sender's ack waits until it is durable.
          return hub.applyClientUpdate(note, update, connectionId, () =>
            socket.to(room(sessionId)).emit(ServerEvent.notesUpdate.name, { sessionId, update }),
          );
        }),
      );

      socket.on(
        ClientEvent.notesAwareness.name,
        handleFast(app, socket, awarenessEnvelope, ClientEvent.notesAwareness.payload, async ({ sessionId, update }) => {
          const j = joinedNote(sessionId);
          if ('ok' in j) return j;
          const note = j.note;
          let changed: number[];
          let claimed: number[];
          let asSent = false;
          try {
            // Each awareness entry belongs to the connection that created it: no one moves another person's caret.
            const entries = awarenessEntries(update);
            claimed = entries.ids;
            // The bytes can go on as they came only if every state in them already carries the right name.
            asSent = entries.states.every((raw) => {
              const name = nameIn(raw);
              return name === undefined || name === socket.data.user.displayName;
            });
            if (claimed.some((id) => (note.awarenessOwners.get(id) ?? connectionId) !== connectionId)) {
              return { ok: false, error: { code: ErrorCode.Forbidden, message: 'That presence belongs to someone else.' } };
            }
            applyAwarenessUpdate(note.awareness, update, connectionId);
            // Only entries the awareness now knows (a stale or unknown removal changes nothing).
            changed = claimed.filter((id) => note.awareness.meta.has(id));
            const ids = awarenessIds.get(sessionId) ?? new Set<number>();
            awarenessIds.set(sessionId, ids);
            for (const id of changed) {
              ids.add(id);
              note.awarenessOwners.set(id, connectionId);
            }
          } catch {
            return { ok: false, error: { code: ErrorCode.ValidationFailed, message: 'Malformed awareness update.' } };
          }
          // The name on a caret is the signed-in person's, whatever the client wrote.
          let renamed = false;
          for (const id of changed) {
            const state = note.awareness.getStates().get(id) as { user?: { name?: unknown; color?: unknown } } | undefined;
            if (state?.user && state.user.name !== socket.data.user.displayName) {
              state.user = { ...state.user, name: socket.data.user.displayName };
              renamed = true;
            }
          }
          if (changed.length > 0) {
            // The usual case (a caret moved, the name already right): the client's own bytes go on as
            // they came, without encoding the states again.
            const out = asSent && !renamed && changed.length === claimed.length ? update : encodeAwarenessUpdate(note.awareness, changed);
            socket.to(room(sessionId)).volatile.emit(ServerEvent.notesAwareness.name, { sessionId, update: out });
          }
          return { ok: true, data: {} };
        }),
      );

      const leave = async (sessionId: string) => {
        const note = joined.get(sessionId)?.note;
        if (!note) return;
        joined.delete(sessionId);
        const ids = [...(awarenessIds.get(sessionId) ?? [])];
        awarenessIds.delete(sessionId);
        for (const id of ids) note.awarenessOwners.delete(id);
        if (ids.length > 0) {
          removeAwarenessStates(note.awareness, ids, 'server');
          io.to(room(sessionId)).emit(ServerEvent.notesAwareness.name, { sessionId, update: encodeAwarenessUpdate(note.awareness, ids) });
        }
        await socket.leave(room(sessionId));
        await hub.leave(sessionId, connectionId);
      };

      socket.on(
        ClientEvent.notesLeave.name,
        handle(app, socket, ClientEvent.notesLeave.payload, async ({ sessionId }) => {
          await leave(sessionId);
          return { ok: true, data: {} };
        }),
      );
      socket.on('disconnect', () => {
        for (const sessionId of [...joined.keys()]) void leave(sessionId);
      });
    };
}

/** The client ids an awareness update speaks for and their states as sent (wire format: count, then id, clock, state per entry). */
function awarenessEntries(update: Uint8Array): { ids: number[]; states: string[] } {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > 64) throw new Error('too many awareness entries');
  const ids: number[] = [];
  const states: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    states.push(decoding.readVarString(decoder));
  }
  return { ids, states };
}

/** The name a state (as sent, JSON) puts on its caret; undefined when it has no user. */
function nameIn(raw: string): unknown {
  try {
    const state = JSON.parse(raw) as { user?: { name?: unknown } } | null;
    return state?.user ? state.user.name : undefined;
  } catch {
    return Symbol('malformed');
  }
}
