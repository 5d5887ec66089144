import { randomUUID } from 'node:crypto';
import {
  ClientEvent,
  ErrorCode,
  type NoteChannel,
  NoteChannels,
  type NotesJoinAckSchema,
  parseNoteEnvelope,
  RealtimeLimits,
  type Result,
  ServerEvent,
  type User,
} from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import * as decoding from 'lib0/decoding';
import { encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { z } from 'zod';
import { accessTo, privateNoteAccess } from '../access.js';
import type { LiveNote, NoteHub, NoteInit } from '../notes/noteHub.js';
import { projectSummary } from '../projects/projects.js';
import { carriedTodos } from '../week/brief.js';
import { handle, handleFast, sessionAccess } from './handle.js';
import type { RealtimeDomain } from './io.js';
import type { NoteCluster } from './noteCluster.js';
import { type LocalRoom, relayLocal } from './relay.js';
import { Rooms } from './rooms.js';

/**
 * One kind of note on the wire: its events (and the key they name it by), its room, and who
 * may open it. The session's shared note and the mentor's private note differ only in these.
 */
export interface NoteRelaySpec {
  channel: NoteChannel;
  join: z.ZodType<{ id: string; stateVector: Uint8Array }>;
  update: z.ZodType<{ id: string; update: Uint8Array; awareness?: Uint8Array }>;
  awareness: z.ZodType<{ id: string; update: Uint8Array }>;
  leave: z.ZodType<{ id: string }>;
  room(id: string): string;
  /** Relays an update (with the caret move made with it, when there is one) to this node's others in the note's room. */
  emitUpdate(to: LocalRoom, id: string, update: Uint8Array, awareness?: Uint8Array): void;
  emitAwareness(to: LocalRoom, id: string, update: Uint8Array): void;
  /** Whether this person may open the note (null: "not found", whatever the reason) and write to it. */
  open(app: FastifyInstance, user: User, id: string): Promise<{ write: boolean; init: NoteInit } | null>;
  notFound: string;
}

/** A session's shared note: the pair writes it during the session; staff read it. */
export const sharedNote: NoteRelaySpec = {
  channel: NoteChannels.session,
  join: ClientEvent.notesJoin.payload.transform(({ sessionId, stateVector }) => ({ id: sessionId, stateVector })),
  update: ClientEvent.notesUpdate.payload.transform(({ sessionId, ...rest }) => ({ id: sessionId, ...rest })),
  awareness: ClientEvent.notesAwareness.payload.transform(({ sessionId, update }) => ({ id: sessionId, update })),
  leave: ClientEvent.notesLeave.payload.transform(({ sessionId }) => ({ id: sessionId })),
  room: Rooms.note,
  emitUpdate: (to, id, update, awareness) => relayLocal(to, ServerEvent.notesUpdate.name, NoteChannels.session.key, id, update, awareness),
  emitAwareness: (to, id, update) => relayLocal(to, ServerEvent.notesAwareness.name, NoteChannels.session.key, id, update),
  async open(app, user, id) {
    const access = await sessionAccess(app, user, id);
    if (!access) return null;
    return {
      write: access.write,
      init: {
        template: access.mentorship.noteTemplate,
        carried: () => carriedTodos(app.db, id),
        project: async () => {
          const { current } = await projectSummary(app.db, access.mentorship.id);
          return current ? { title: current.title, href: `${app.publicOrigin}/mentorships/${access.mentorship.id}/projects` } : null;
        },
      },
    };
  },
  notFound: 'This session’s note was not found.',
};

/**
 * The mentor's private note of a mentorship: its mentor only (staff read it when the programme
 * turns that on); everyone else is told it does not exist. The rule is {@link privateNoteAccess}.
 */
export const privateNote = (adminsMayRead: boolean): NoteRelaySpec => ({
  channel: NoteChannels.private,
  join: ClientEvent.privateJoin.payload.transform(({ mentorshipId, stateVector }) => ({ id: mentorshipId, stateVector })),
  update: ClientEvent.privateUpdate.payload.transform(({ mentorshipId, ...rest }) => ({ id: mentorshipId, ...rest })),
  awareness: ClientEvent.privateAwareness.payload.transform(({ mentorshipId, update }) => ({ id: mentorshipId, update })),
  leave: ClientEvent.privateLeave.payload.transform(({ mentorshipId }) => ({ id: mentorshipId })),
  room: Rooms.privateNote,
  emitUpdate: (to, id, update, awareness) =>
    relayLocal(to, ServerEvent.privateUpdate.name, NoteChannels.private.key, id, update, awareness),
  emitAwareness: (to, id, update) => relayLocal(to, ServerEvent.privateAwareness.name, NoteChannels.private.key, id, update),
  async open(app, user, id) {
    const rights = privateNoteAccess(await accessTo(app.db, user, { mentorshipId: id }), adminsMayRead);
    return rights ? { write: rights === 'write', init: { template: [] } } : null;
  },
  notFound: 'This note was not found.',
});

/** A note this connection has open, and whether this connection may write to it. */
interface Joined {
  note: LiveNote;
  readOnly: boolean;
}

/**
 * A note pad over Socket.IO: y-protocols sync (state vectors) and awareness, one relay per kind of
 * note. Relays go to this node's own sockets; in cluster mode `cluster` carries them to the other
 * nodes holding the note (one Redis message each, see NoteCluster).
 */
export function notesDomain(hub: NoteHub, spec: NoteRelaySpec = sharedNote, cluster?: NoteCluster) {
  const { channel } = spec;
  const updateEnvelope = (raw: unknown) => parseNoteEnvelope(raw, RealtimeLimits.noteUpdateBytes, channel.key, true);
  const awarenessEnvelope = (raw: unknown) => parseNoteEnvelope(raw, RealtimeLimits.awarenessBytes, channel.key);
  return (app: FastifyInstance): RealtimeDomain =>
    (io, socket) => {
      cluster?.bind({ io, spec, hub });
      // Unique per connection: a recovered Socket.IO connection keeps its socket id, this does not.
      const connectionId = randomUUID();
      const joined = new Map<string, Joined>();
      /** Awareness client ids this socket introduced, per note, removed when it leaves. */
      const awarenessIds = new Map<string, Set<number>>();

      const joinedNote = (id: string): Joined | Result<never> =>
        joined.get(id) ?? { ok: false, error: { code: ErrorCode.NotJoined, message: 'Join the note first.' } };

      socket.on(
        channel.join,
        handle(app, socket, spec.join, async ({ id, stateVector }): Promise<Result<z.input<typeof NotesJoinAckSchema>>> => {
          const access = await spec.open(app, socket.data.user, id);
          if (!access) return { ok: false, error: { code: ErrorCode.NotFound, message: spec.notFound } };
          let clientVector: Uint8Array;
          try {
            Y.decodeStateVector(stateVector);
            clientVector = stateVector;
          } catch {
            return { ok: false, error: { code: ErrorCode.ValidationFailed, message: 'stateVector: malformed' } };
          }
          const note = await hub.open(id, connectionId, access.init);
          // Read-only is this connection's (an admin reads); frozen is the note's (the session ended).
          const readOnly = !access.write;
          if (!socket.connected) {
            await hub.leave(id, connectionId);
            return { ok: false, error: { code: ErrorCode.Internal, message: 'disconnected' } };
          }
          joined.set(id, { note, readOnly });
          await socket.join(spec.room(id));
          return {
            ok: true,
            data: {
              update: Y.encodeStateAsUpdate(note.doc, clientVector),
              stateVector: Y.encodeStateVector(note.doc),
              awareness: encodeAwarenessUpdate(note.awareness, [...note.awareness.getStates().keys()]),
              readOnly: readOnly || note.frozen,
            },
          };
        }),
      );

      /**
       * Checks a caret (awareness) update without changing anything: well formed (read and parsed
       * here, once), and speaking only for awareness entries this connection introduced (no one
       * moves another person's caret).
       */
      const checkCaret = (note: LiveNote, update: Uint8Array): Result<CheckedCaret> => {
        let entries: CaretEntry[];
        try {
          entries = readCaret(update);
        } catch {
          return { ok: false, error: { code: ErrorCode.ValidationFailed, message: 'Malformed awareness update.' } };
        }
        if (entries.some((e) => (note.awarenessOwners.get(e.id) ?? connectionId) !== connectionId))
          return { ok: false, error: { code: ErrorCode.Forbidden, message: 'That presence belongs to someone else.' } };
        // The bytes can go on as they came only if every caret in them already carries the right name.
        const asSent = entries.every((e) => {
          const user = userIn(e.state);
          return !user || user.name === socket.data.user.displayName;
        });
        return { ok: true, data: { entries, asSent } };
      };

      /**
       * Applies a checked caret update to the note's awareness as y-protocols' own apply would (an
       * entry counts only when its clock is newer, or the same clock removes it; the states were
       * parsed once, by the check) with the signed-in person's name on every caret; returns what
       * the others get (null: nothing changed).
       */
      const applyCaret = (note: LiveNote, id: string, update: Uint8Array, checked: CheckedCaret) => {
        const { states, meta } = note.awareness;
        const now = Date.now();
        const ids = awarenessIds.get(id) ?? new Set<number>();
        awarenessIds.set(id, ids);
        const changed: number[] = [];
        for (const { id: client, clock, state } of checked.entries) {
          const known = meta.get(client)?.clock ?? 0;
          if (!(known < clock || (known === clock && state === null && states.has(client)))) continue;
          if (state === null) states.delete(client);
          else {
            // The name on a caret is the signed-in person's, whatever the client wrote.
            const user = userIn(state);
            states.set(
              client,
              user && user.name !== socket.data.user.displayName
                ? { ...state, user: { ...user, name: socket.data.user.displayName } }
                : state,
            );
          }
          meta.set(client, { clock, lastUpdated: now });
          changed.push(client);
          ids.add(client);
          note.awarenessOwners.set(client, connectionId);
        }
        if (changed.length === 0) return null;
        // The usual case (a caret moved, the name already right): the client's own bytes go on as
        // they came, without encoding the states again.
        return checked.asSent && changed.length === checked.entries.length ? update : encodeAwarenessUpdate(note.awareness, changed);
      };

      socket.on(
        channel.update,
        handleFast(app, socket, updateEnvelope, spec.update, ({ id, update, awareness }) => {
          const j = joinedNote(id);
          if ('ok' in j) return j;
          if (j.readOnly && !j.note.frozen)
            return { ok: false, error: { code: ErrorCode.Forbidden, message: 'You can read this note, not change it.' } };
          // The caret that came with the keystroke is checked first: a refused one refuses the whole message, nothing applied.
          const caret = awareness ? checkCaret(j.note, awareness) : null;
          if (caret && !caret.ok) return caret;
          // The others get it (and its caret, in the same message) as soon as the doc has it; the sender's ack waits until it is durable.
          return hub.applyClientUpdate(j.note, update, connectionId, () => {
            const moved = awareness && caret?.ok ? applyCaret(j.note, id, awareness, caret.data) : null;
            spec.emitUpdate({ io, room: spec.room(id), except: socket.id }, id, update, moved ?? undefined);
            cluster?.published(id, update, moved ?? undefined);
          });
        }),
      );

      socket.on(
        channel.awareness,
        handleFast(app, socket, awarenessEnvelope, spec.awareness, ({ id, update }) => {
          const j = joinedNote(id);
          if ('ok' in j) return j;
          const checked = checkCaret(j.note, update);
          if (!checked.ok) return checked;
          const out = applyCaret(j.note, id, update, checked.data);
          if (out) {
            spec.emitAwareness({ io, room: spec.room(id), except: socket.id, volatile: true }, id, out);
            cluster?.publishedCaret(id, out);
          }
          return { ok: true, data: {} };
        }),
      );

      const leave = async (id: string) => {
        const note = joined.get(id)?.note;
        if (!note) return;
        joined.delete(id);
        const ids = [...(awarenessIds.get(id) ?? [])];
        awarenessIds.delete(id);
        for (const c of ids) note.awarenessOwners.delete(c);
        if (ids.length > 0) {
          removeAwarenessStates(note.awareness, ids, 'server');
          const gone = encodeAwarenessUpdate(note.awareness, ids);
          spec.emitAwareness({ io, room: spec.room(id) }, id, gone);
          cluster?.publishedCaret(id, gone);
        }
        await socket.leave(spec.room(id));
        await hub.leave(id, connectionId);
      };

      socket.on(
        channel.leave,
        handle(app, socket, spec.leave, async ({ id }) => {
          await leave(id);
          return { ok: true, data: {} };
        }),
      );
      socket.on('disconnect', () => {
        for (const id of [...joined.keys()]) void leave(id);
      });
    };
}

/** One entry of an awareness update: a client id, its clock, its state (null: that client left). */
interface CaretEntry {
  id: number;
  clock: number;
  state: { [key: string]: unknown } | null;
}
interface CheckedCaret {
  entries: CaretEntry[];
  /** Every caret in it already carries the signed-in person's name (or has no user): the bytes may go on as sent. */
  asSent: boolean;
}

/**
 * The entries of an awareness update (wire format: count, then id, clock, JSON state per entry),
 * each state parsed once; throws on bytes or JSON that are not one (a state is an object or null).
 */
function readCaret(update: Uint8Array): CaretEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > 64) throw new Error('too many awareness entries');
  const entries: CaretEntry[] = [];
  for (let i = 0; i < count; i++) {
    const id = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state: unknown = JSON.parse(decoding.readVarString(decoder));
    if (typeof state !== 'object' || Array.isArray(state)) throw new Error('an awareness state is an object or null');
    entries.push({ id, clock, state: state as CaretEntry['state'] });
  }
  return entries;
}

/** The `user` a state puts on its caret (undefined when it has none). */
function userIn(state: CaretEntry['state']): { [key: string]: unknown; name?: unknown } | undefined {
  const user = state?.user;
  return typeof user === 'object' && user !== null ? (user as { [key: string]: unknown }) : undefined;
}
