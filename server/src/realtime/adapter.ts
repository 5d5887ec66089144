import { ServerEvent } from '@tandem/shared';
import { Adapter, type BroadcastOptions, SessionAwareAdapter } from 'socket.io-adapter';

/**
 * Note edits and carets relayed to the others in a note's room. A client that reconnects
 * re-syncs its note with state vectors (NoteSync), so these need no replay.
 */
const RESYNCED_ON_RECONNECT = new Set<string>([
  ServerEvent.notesUpdate.name,
  ServerEvent.notesAwareness.name,
  ServerEvent.privateUpdate.name,
  ServerEvent.privateAwareness.name,
]);

type Packet = Parameters<Adapter['broadcast']>[0];

/**
 * Socket.IO's adapter for connection state recovery, minus the note relays: it keeps EVERY
 * broadcast packet for the recovery window (two minutes and up to one more), which for
 * keystrokes is hundreds of thousands of packets held in memory, each stamped with an offset,
 * to replay what a re-sync repairs anyway. Everything else (messages, goals, captions) is still
 * kept and replayed as before.
 */
export class TandemAdapter extends SessionAwareAdapter {
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    const event = Array.isArray(packet.data) ? packet.data[0] : undefined;
    if (typeof event === 'string' && RESYNCED_ON_RECONNECT.has(event)) {
      Adapter.prototype.broadcast.call(this, packet, opts);
      return;
    }
    super.broadcast(packet, opts);
  }
}
