import { CloseReason, PROTOCOL_VERSION, wireParser } from '@tandem/shared';
import { io } from 'socket.io-client';
import { i18n } from '../i18n/index.js';
import type { NoteSocket } from './noteSync';

let socket: NoteSocket | null = null;

/** The app's one realtime connection (same origin, WebSocket only, session cookie). */
export function getSocket(): NoteSocket {
  if (socket) return socket;
  const s: NoteSocket = io({
    transports: ['websocket'],
    parser: wireParser,
    withCredentials: true,
    auth: { protocol: PROTOCOL_VERSION },
    reconnectionDelayMax: 5_000,
  });
  // A socket the server closed (over its budget, or a sign-in that ended elsewhere) does not
  // reconnect by itself: try again after a pause (a signed-out one is then refused and says so).
  // Added once, when the socket is made: getSocket() is called on every render of many components.
  s.on('disconnect', (reason) => {
    if (reason === 'io server disconnect' && socket === s) setTimeout(() => s.connect(), 6_000);
  });
  socket = s;
  return s;
}

/** Closes the connection (on sign-out). */
export function closeSocket(): void {
  socket?.disconnect();
  socket = null;
}

/** A person-readable explanation of a refused connection; null when it is just unreachable. */
export function describeConnectError(message: string): string | null {
  switch (message) {
    case CloseReason.Unauthenticated:
      return i18n.t('connection.expired');
    case CloseReason.ProtocolMismatch:
      return i18n.t('connection.updated');
    case CloseReason.RateLimited:
      return i18n.t('connection.rateLimited');
    case CloseReason.BadOrigin:
      return i18n.t('connection.badOrigin');
    default:
      return null;
  }
}
