/**
 * Writes an engine.io message (a note's relay, a keystroke's acknowledgement) straight to the
 * connection's TCP socket as ONE WebSocket frame, when nothing of engine.io's is waiting to go
 * out before it. Through engine.io each message became a packet object, two events, a flush
 * through its transport, a WebSocket frame built by `ws` as a header and a payload written
 * corked, and a callback a tick later that emits two more events: ~5 µs of JavaScript per
 * message in the bench's profile (600 sessions), for two messages per keystroke.
 *
 * Writes to one connection made in the same synchronous run (one callback, or one round of
 * promise reactions, such as a batch's acks) still leave in one system call, as engine.io's own
 * flushes did: its socket is corked at the first such write and uncorked when the run is over
 * (process.nextTick, when engine.io would have sent what waited). In the bench this seldom happens (write calls per keystroke the same with and
 * without it at 700 sessions); it keeps a burst to one connection from costing a call per message.
 *
 * Order is kept: the frame is written directly only while engine.io holds nothing back (its
 * write buffer is empty and its transport writable, so everything it sent is already in the
 * socket's stream, in order) — otherwise the message goes through engine.io like any other and
 * queues behind what is waiting. Anything unusual (another transport, a compression extension,
 * a socket closing or not yet open) also goes through engine.io.
 */
import type { Socket as NetSocket } from 'node:net';

/** The parts of an engine.io connection this reads (its `ws` transport, and that one's TCP socket). */
interface EngineConnection {
  readyState: string;
  upgrading?: boolean;
  writeBuffer?: unknown[];
  write(data: string | Uint8Array): unknown;
  transport?: {
    name: string;
    writable: boolean;
    socket?: { readyState?: number; _extensions?: Record<string, unknown>; _socket?: NetSocket };
  };
}

/** `ws`'s OPEN state. */
const WS_OPEN = 1;
/** engine.io's packet type of a message, before a text message's payload ("4…"). */
const MESSAGE = '4';
/** Past this many bytes waiting in the socket's buffer, a message that may be dropped (a caret) is. */
const BACKLOG_BYTES = 64 * 1024;

/** The TCP socket a message can be written to directly now, or null. */
function directSocket(conn: EngineConnection): NetSocket | null {
  const { transport } = conn;
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer?.length !== 0) return null;
  if (transport?.name !== 'websocket' || !transport.writable) return null;
  const ws = transport.socket;
  if (!ws || ws.readyState !== WS_OPEN || (ws._extensions && Object.keys(ws._extensions).length > 0)) return null;
  const tcp = ws._socket;
  return tcp?.writable ? tcp : null;
}

/** Sends one engine.io message (binary as it is, text as engine.io's "4" + text) on the connection. */
export function sendMessage(connection: unknown, data: Uint8Array | string): void {
  const conn = connection as EngineConnection;
  const tcp = directSocket(conn);
  if (!tcp) {
    conn.write(data);
    return;
  }
  corkOnce(tcp);
  tcp.write(wsFrame(data));
}

/** Corks the socket for the rest of this run (see the top of this file), once. */
function corkOnce(tcp: NetSocket): void {
  if (corked.has(tcp)) return;
  tcp.cork();
  corked.add(tcp);
  if (corked.size === 1) process.nextTick(uncorkAll);
}

/** Sockets written to directly since the last uncork. */
const corked = new Set<NetSocket>();

function uncorkAll(): void {
  for (const tcp of corked) tcp.uncork();
  corked.clear();
}

/**
 * True when a message that may be dropped (a caret, Socket.IO's `volatile`) should be: engine.io
 * is holding messages back, or the socket's buffer is backed up (the reader is not keeping up).
 */
export function backedUp(connection: unknown): boolean {
  const { transport } = connection as EngineConnection;
  if (!transport?.writable) return true;
  const tcp = transport.socket?._socket;
  return tcp !== undefined && tcp.writableLength > BACKLOG_BYTES;
}

/** The length of a WebSocket frame's header for a payload of `length` bytes. */
const headLength = (length: number) => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** Writes an unmasked, final WebSocket frame's header (RFC 6455 §5.2) at the start of `frame`. */
function writeHead(frame: Buffer, length: number, text: boolean): void {
  frame[0] = 0x80 | (text ? 0x1 : 0x2);
  const head = headLength(length);
  if (head === 2) frame[1] = length;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/**
 * One unmasked, unfragmented WebSocket frame (RFC 6455 §5.2), header and payload in one buffer:
 * binary for bytes, text for a string (engine.io's message type before it).
 */
export function wsFrame(data: Uint8Array | string): Buffer {
  const text = typeof data === 'string';
  const length = text ? 1 + Buffer.byteLength(data, 'utf8') : data.byteLength;
  const head = headLength(length);
  const frame = Buffer.allocUnsafe(head + length);
  writeHead(frame, length, text);
  if (text) {
    frame[head] = MESSAGE.charCodeAt(0);
    frame.write(data, head + 1, 'utf8');
  } else frame.set(data, head);
  return frame;
}

/** A binary message made in place inside its WebSocket frame: `message` for engine.io, `frame` for the socket. */
export interface Framed {
  frame: Buffer;
  message: Buffer;
}

/**
 * Room for a binary message of `length` bytes inside its WebSocket frame, the header written: the
 * caller fills `message`, and the frame needs no second copy to be sent ({@link sendFramed}).
 */
export function framed(length: number): Framed {
  const head = headLength(length);
  const frame = Buffer.allocUnsafe(head + length);
  writeHead(frame, length, false);
  return { frame, message: frame.subarray(head) };
}

/** {@link sendMessage} for a message made with {@link framed}. */
export function sendFramed(connection: unknown, message: Framed): void {
  const conn = connection as EngineConnection;
  const tcp = directSocket(conn);
  if (!tcp) {
    conn.write(message.message);
    return;
  }
  corkOnce(tcp);
  tcp.write(message.frame);
}
