import { z } from 'zod';
import { IdSchema } from './domain.js';
import type { ErrorCode } from './errors.js';
import { GoalCommandPayloadSchema, GoalsChangedSchema, GoalsSubscribeAckSchema, GoalsSubscribeSchema } from './goals.js';
import { TranscriptSegmentSchema } from './records.js';
import { ApiErrorSchema } from './result.js';
import { MessageNewSchema, MessageReadSchema } from './week.js';

/**
 * The realtime protocol's version (2: binary packets in one frame, see wire.ts). The client sends it in the handshake
 * (`auth.protocol`); a mismatch is refused with {@link CloseReason.ProtocolMismatch}.
 */
export const PROTOCOL_VERSION = 2;

/** Why the server refused or closed a socket. Sent as the connect error message or in `server:error`. */
export const CloseReason = {
  ProtocolMismatch: 'protocol_mismatch',
  Unauthenticated: 'unauthenticated',
  BadOrigin: 'bad_origin',
  RateLimited: 'rate_limited',
} as const;
/** One of the {@link CloseReason} values. */
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

/** Limits of the realtime channel, enforced by the server and respected by the client. */
export const RealtimeLimits = {
  /** Largest Yjs update accepted in one message (a big paste fits). */
  noteUpdateBytes: 512 * 1024,
  /** Largest awareness (caret/presence) update. */
  awarenessBytes: 16 * 1024,
  /** Socket.IO's own frame cap (the largest event plus its envelope); anything larger closes the socket. */
  maxFrameBytes: 512 * 1024 + 16 * 1024 + 4 * 1024,
  /**
   * Budget per PERSON (all their sockets together, kept across reconnects): sustained
   * messages and bytes per second, and bursts. Past it, their sockets are closed.
   */
  messagesPerSecond: 200,
  messageBurst: 600,
  bytesPerSecond: 256 * 1024,
  byteBurst: 2 * 1024 * 1024,
  /** New connections per person: a reconnect storm is refused. */
  connectionsPerSecond: 1,
  connectionBurst: 30,
} as const;

/** Binary data as either side receives it (Node: Buffer, browser: ArrayBuffer), as a Uint8Array, size-capped. */
export const bytes = (maxBytes: number) =>
  z
    .custom<Uint8Array | ArrayBuffer>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, 'expected binary data')
    .transform((v) => (v instanceof Uint8Array ? v : new Uint8Array(v)))
    .refine((v) => v.byteLength <= maxBytes, `larger than ${maxBytes} bytes`);

const sessionRef = { sessionId: IdSchema };

/** notes:join — sync step 1: the client's state vector. */
export const NotesJoinSchema = z.object({ ...sessionRef, stateVector: bytes(64 * 1024) }).strict();
/** Ack of notes:join — sync step 2: what the client lacks, the server's state vector, who is here. */
export const NotesJoinAckSchema = z.object({
  update: bytes(64 * 1024 * 1024),
  stateVector: bytes(64 * 1024),
  awareness: bytes(1024 * 1024),
  readOnly: z.boolean(),
});
/**
 * notes:update — one Yjs update, in either direction, with the caret move made with it when there
 * is one (`awareness`: a keystroke and its caret travel as one message, not two).
 */
export const NotesUpdateSchema = z
  .object({ ...sessionRef, update: bytes(RealtimeLimits.noteUpdateBytes), awareness: bytes(RealtimeLimits.awarenessBytes).optional() })
  .strict();
/** notes:awareness — a y-protocols awareness update (carets, names, colours). */
export const NotesAwarenessSchema = z.object({ ...sessionRef, update: bytes(RealtimeLimits.awarenessBytes) }).strict();
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The hot path's check of a note update or awareness envelope: the same rule as
 * {@link NotesUpdateSchema} / {@link NotesAwarenessSchema} (exactly `sessionId` and `update`, an id, binary data
 * within `maxBytes`) without a general schema walk per keystroke. Null when anything is off: the
 * caller then parses with the schema for its error message.
 */
export function parseNoteEnvelope(
  raw: unknown,
  maxBytes: number,
  key: NoteChannel['key'] = 'sessionId',
  /** An update's envelope may carry the caret move made with it (`awareness`); an awareness envelope may not. */
  withCaret = false,
): { id: string; update: Uint8Array; awareness?: Uint8Array } | null {
  if (typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return null;
  const { update, awareness } = raw as { update?: unknown; awareness?: unknown };
  const id = (raw as Record<string, unknown>)[key];
  let keys = 0;
  for (const _ in raw) keys += 1;
  const caret = awareness === undefined ? undefined : asBytes(awareness, RealtimeLimits.awarenessBytes);
  if (caret === null || (caret && !withCaret)) return null;
  if (keys !== (caret ? 3 : 2) || typeof id !== 'string' || !idPattern.test(id)) return null;
  const bytes = asBytes(update, maxBytes);
  if (!bytes) return null;
  return caret ? { id, update: bytes, awareness: caret } : { id, update: bytes };
}

/** Binary data within a size, as a Uint8Array; null when it is not binary or too large. */
function asBytes(value: unknown, maxBytes: number): Uint8Array | null {
  const bytes = value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : null;
  return bytes && bytes.byteLength <= maxBytes ? bytes : null;
}

/** notes:leave */
export const NotesLeaveSchema = z.object(sessionRef).strict();

const mentorshipRef = { mentorshipId: IdSchema };
/** private:join — the mentor's private note of a mentorship: sync step 1 (the ack is a {@link NotesJoinAckSchema}). */
export const PrivateNoteJoinSchema = z.object({ ...mentorshipRef, stateVector: bytes(64 * 1024) }).strict();
/** private:update — one Yjs update of the private note, in either direction, with its caret move (as notes:update). */
export const PrivateNoteUpdateSchema = z
  .object({ ...mentorshipRef, update: bytes(RealtimeLimits.noteUpdateBytes), awareness: bytes(RealtimeLimits.awarenessBytes).optional() })
  .strict();
/** private:awareness — the private note's carets (the mentor's other devices). */
export const PrivateNoteAwarenessSchema = z.object({ ...mentorshipRef, update: bytes(RealtimeLimits.awarenessBytes) }).strict();
/** private:leave */
export const PrivateNoteLeaveSchema = z.object(mentorshipRef).strict();

/**
 * A note's events: the session's shared note (`notes:*`, keyed by the session) and the mentor's
 * private note (`private:*`, keyed by the mentorship) speak the same sync protocol.
 */
export const NoteChannels = {
  session: { key: 'sessionId', join: 'notes:join', update: 'notes:update', awareness: 'notes:awareness', leave: 'notes:leave' },
  private: {
    key: 'mentorshipId',
    join: 'private:join',
    update: 'private:update',
    awareness: 'private:awareness',
    leave: 'private:leave',
  },
} as const;
/** One of {@link NoteChannels}. */
export type NoteChannel = (typeof NoteChannels)[keyof typeof NoteChannels];
/** Who agreed to transcription, and whether it runs. Nothing is transcribed unless both agreed. */
export const CaptionsStateSchema = z.object({
  sessionId: IdSchema,
  mentorConsent: z.boolean(),
  studentConsent: z.boolean(),
  /** Agreed for all of the mentorship's sessions (so the next ones start with captions). */
  mentorRemembers: z.boolean(),
  studentRemembers: z.boolean(),
  running: z.boolean(),
});
/** The transcription state of a session. */
export type CaptionsState = z.infer<typeof CaptionsStateSchema>;
/** captions:open — the transcript panel opens: its state and the timeline so far. */
export const CaptionsOpenSchema = z.object({ sessionId: IdSchema }).strict();
export const CaptionsOpenAckSchema = CaptionsStateSchema.extend({ segments: z.array(TranscriptSegmentSchema) });
/** captions:consent — give or withdraw one's own consent; either person can stop it at any time. */
export const CaptionsConsentSchema = z
  .object({ sessionId: IdSchema, consent: z.boolean(), scope: z.enum(['session', 'mentorship']).default('session') })
  .strict();
/** captions:segment — a caption (partial) or a stored segment (final), or a chat message. */
export const CaptionsSegmentSchema = z.object({ sessionId: IdSchema, segment: TranscriptSegmentSchema, final: z.boolean() });
/** chat:send — an in-call message; it joins the transcript's timeline and survives a reload. */
export const ChatSendSchema = z.object({ sessionId: IdSchema, text: z.string().trim().min(1, 'write a message').max(2000) }).strict();

/** session:ended — the session is over and its record saved; clients go to the record. */
export const SessionEndedSchema = z.object({ sessionId: IdSchema });
/** server:error — sent just before the server closes a socket. */
export const ServerErrorSchema = z.object({ reason: z.string(), message: z.string() });

/** The wire form of an ack: a {@link Result}. */
export const ackSchema = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: ApiErrorSchema })]);

/**
 * Every event, its payload schema, (for client events with an ack) its ack schema, and
 * `maxBytes`: the most a payload of that event may weigh on the wire (a goal command is not
 * a note paste); the server refuses anything heavier before parsing it.
 */
export const ClientEvent = {
  notesJoin: { name: 'notes:join', payload: NotesJoinSchema, ack: ackSchema(NotesJoinAckSchema), maxBytes: 65 * 1024 },
  notesUpdate: {
    name: 'notes:update',
    payload: NotesUpdateSchema,
    ack: ackSchema(z.object({})),
    maxBytes: RealtimeLimits.noteUpdateBytes + RealtimeLimits.awarenessBytes + 1024,
  },
  notesAwareness: { name: 'notes:awareness', payload: NotesAwarenessSchema, maxBytes: RealtimeLimits.awarenessBytes + 1024 },
  notesLeave: { name: 'notes:leave', payload: NotesLeaveSchema, maxBytes: 1024 },
  privateJoin: { name: 'private:join', payload: PrivateNoteJoinSchema, ack: ackSchema(NotesJoinAckSchema), maxBytes: 65 * 1024 },
  privateUpdate: {
    name: 'private:update',
    payload: PrivateNoteUpdateSchema,
    ack: ackSchema(z.object({})),
    maxBytes: RealtimeLimits.noteUpdateBytes + RealtimeLimits.awarenessBytes + 1024,
  },
  privateAwareness: { name: 'private:awareness', payload: PrivateNoteAwarenessSchema, maxBytes: RealtimeLimits.awarenessBytes + 1024 },
  privateLeave: { name: 'private:leave', payload: PrivateNoteLeaveSchema, maxBytes: 1024 },
  goalsSubscribe: { name: 'goals:subscribe', payload: GoalsSubscribeSchema, ack: ackSchema(GoalsSubscribeAckSchema), maxBytes: 1024 },
  goalsCommand: { name: 'goals:command', payload: GoalCommandPayloadSchema, ack: ackSchema(GoalsChangedSchema), maxBytes: 16 * 1024 },
  captionsOpen: { name: 'captions:open', payload: CaptionsOpenSchema, ack: ackSchema(CaptionsOpenAckSchema), maxBytes: 1024 },
  captionsConsent: { name: 'captions:consent', payload: CaptionsConsentSchema, ack: ackSchema(CaptionsStateSchema), maxBytes: 1024 },
  chatSend: { name: 'chat:send', payload: ChatSendSchema, ack: ackSchema(TranscriptSegmentSchema), maxBytes: 12 * 1024 },
} as const;

/** Events the server sends. */
export const ServerEvent = {
  notesUpdate: { name: 'notes:update', payload: NotesUpdateSchema },
  notesAwareness: { name: 'notes:awareness', payload: NotesAwarenessSchema },
  privateUpdate: { name: 'private:update', payload: PrivateNoteUpdateSchema },
  privateAwareness: { name: 'private:awareness', payload: PrivateNoteAwarenessSchema },
  serverError: { name: 'server:error', payload: ServerErrorSchema },
  goalsChanged: { name: 'goals:changed', payload: GoalsChangedSchema },
  sessionEnded: { name: 'session:ended', payload: SessionEndedSchema },
  captionsState: { name: 'captions:state', payload: CaptionsStateSchema },
  captionsSegment: { name: 'captions:segment', payload: CaptionsSegmentSchema },
  messageNew: { name: 'message:new', payload: MessageNewSchema },
  messageRead: { name: 'message:read', payload: MessageReadSchema },
  projectsChanged: { name: 'projects:changed', payload: z.object({ mentorshipId: IdSchema }) },
} as const;

type Handler<E> = E extends { payload: infer P extends z.ZodType; ack: infer A extends z.ZodType }
  ? (payload: z.input<P>, ack: (result: z.input<A>) => void) => void
  : E extends { payload: infer P extends z.ZodType }
    ? (payload: z.input<P>) => void
    : never;
type EventMap<M extends Record<string, { name: string }>> = { [K in keyof M as M[K]['name']]: Handler<M[K]> };

/** Socket.IO's typing of client -> server events, derived from {@link ClientEvent}. */
export type ClientToServerEvents = EventMap<typeof ClientEvent>;
/** Socket.IO's typing of server -> client events, derived from {@link ServerEvent}. */
export type ServerToClientEvents = EventMap<typeof ServerEvent>;

/** The handshake's auth object. */
export interface HandshakeAuth {
  protocol: number;
}

/** A rejected ack's error, for code that builds one. */
export const ackError = (code: ErrorCode, message: string) => ({ ok: false as const, error: { code, message } });
