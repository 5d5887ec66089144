import { relayFrame } from '@tandem/shared';
import { backedUp, type Framed, framed, sendFramed } from './directWrite.js';
import type { TandemServer } from './io.js';

/** Where a note relay goes: this node's sockets in a room, but the sender's. */
export interface LocalRoom {
  io: TandemServer;
  room: string;
  /** The sender's socket id. */
  except?: string;
  /** A caret: dropped for a connection that is backed up (directWrite.ts `backedUp`), as Socket.IO's `volatile` drops. */
  volatile?: boolean;
}

/**
 * Relays a note's update or caret to this node's sockets in its room. Relays are never kept for
 * connection-state recovery (a reconnecting app re-syncs its note, see TandemAdapter), so they
 * need not go through the adapter: the frame is made once (shared/wire.ts `relayFrame`, the
 * encoder's bytes exactly) and written to each connection (directWrite.ts).
 */
export function relayLocal(to: LocalRoom, event: string, key: string, id: string, update: Uint8Array, awareness?: Uint8Array): void {
  const nsp = to.io.of('/');
  const ids = nsp.adapter.rooms.get(to.room);
  if (!ids) return;
  let frame: Framed | null = null;
  for (const socketId of ids) {
    if (socketId === to.except) continue;
    const socket = nsp.sockets.get(socketId);
    if (!socket?.connected || socket.conn.readyState !== 'open') continue;
    if (to.volatile && backedUp(socket.conn)) continue;
    frame ??= relayFramed(event, key, id, update, awareness);
    sendFramed(socket.conn, frame);
  }
}

/** A relay's frame made once, inside its WebSocket frame (no copy of it per connection). */
export function relayFramed(event: string, key: string, id: string, update: Uint8Array, awareness?: Uint8Array): Framed {
  const made: { frame?: Framed } = {};
  relayFrame(event, key, id, update, awareness, (length) => {
    made.frame = framed(length);
    return made.frame.message;
  });
  if (!made.frame) throw new Error('the relay frame was not made');
  return made.frame;
}
