import { chunkKinds, encodeAck, type FrameEvent, readEventFrame } from '@tandem/shared';
import { sendMessage } from './directWrite.js';
import type { TandemSocket } from './io.js';

/** An acknowledgement callback, as Socket.IO hands one to a handler. */
export type Ack = (result: unknown) => void;

/** What an engine.io connection offers here: its messages, and writing one. */
interface Connection {
  readyState: string;
  write(data: string | Uint8Array | ArrayBuffer): unknown;
  listeners(event: 'data'): ((data: unknown) => void)[];
  on(event: 'data', listener: (data: unknown) => void): unknown;
  off(event: 'data', listener: (data: unknown) => void): unknown;
}

/**
 * The keystroke path. A connection's frames that carry one of `events` in the one-frame format
 * (shared/wire.ts) are read here and offered to `take`, instead of going through Socket.IO's
 * decoder, its packet dispatch (two process ticks) and its middleware: ~20 µs of the ~170 of
 * CPU a keystroke cost the server (bench, 50 sessions). `take` declines (false) what it does not
 * handle now; that, every other frame, and anything not read as such an event (readEventFrame
 * answers null, malformed or not) go on to Socket.IO exactly as they came, so its decoder reads
 * or refuses them as before. Acknowledgements are Socket.IO's own packets, sent at most once.
 *
 * A frame taken here is handled at once, where Socket.IO's path takes two process ticks: within
 * one read it may overtake an earlier frame of ANOTHER event (a goals command, a note's join) —
 * never one of its own note's updates or carets, which all come this way while `take` accepts
 * them and all go Socket.IO's way once it declines (see the sign-in check in io.ts); and the app
 * sends a note's updates only after its join is answered.
 */
export function takeFrames(socket: TandemSocket, events: ReadonlySet<string>, take: (read: FrameEvent, ack?: Ack) => boolean): void {
  const conn = socket.conn as unknown as Connection;
  // Socket.IO's own reader of this connection (its client's), run after this one.
  const socketIo = conn.listeners('data');
  for (const listener of socketIo) conn.off('data', listener);
  /** Attachments of Socket.IO's multi-frame format are theirs, never read here. */
  const kindOf = chunkKinds();
  const ackFor = (id: number | undefined): Ack | undefined => {
    if (id === undefined) return undefined;
    let sent = false;
    return (result) => {
      if (sent || conn.readyState !== 'open') return;
      sent = true;
      for (const part of encodeAck(id, result)) sendMessage(conn, part instanceof ArrayBuffer ? new Uint8Array(part) : part);
    };
  };
  const reader = (data: unknown) => {
    if (kindOf(data) === 'frame' && data instanceof Uint8Array) {
      const read = readEventFrame(data);
      if (read && events.has(read.event) && take(read, ackFor(read.id))) return;
    }
    for (const listener of socketIo) listener(data);
  };
  conn.on('data', reader);
  // The connection may outlive this socket (another one connects over it): Socket.IO reads it alone again.
  socket.once('disconnect', () => {
    conn.off('data', reader);
    if (conn.readyState === 'open') for (const listener of socketIo) conn.on('data', listener);
  });
}
