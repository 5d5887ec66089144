/**
 * How Socket.IO packets travel between the app and the server (its `parser` option, the same on
 * both sides).
 *
 * Packets without binary data are Socket.IO's own text frames, unchanged. A packet WITH binary
 * data (a keystroke's Yjs update and its caret) is, in Socket.IO's default format, a text frame
 * plus one binary frame per attachment: three WebSocket frames to read, frame and write for one
 * keystroke. Here it is ONE binary frame holding Socket.IO's own header text and its attachments:
 *
 *   byte 0        0x54 ('T'), this format
 *   byte 1        n, the number of attachments (1..10)
 *   4 bytes       the header's length (UTF-8 bytes), little-endian
 *   n × 4 bytes   each attachment's length, little-endian
 *   header        Socket.IO's text encoding of the packet with placeholders ("51-[…]")
 *   attachments   one after the other
 *
 * Decoding hands the header and the attachments to Socket.IO's own decoder, so every check it
 * makes (packet type, event name, attachment count and placeholders) still applies; anything
 * malformed throws, which makes the server close that connection. Socket.IO's default
 * multi-frame format is still understood on the way in.
 *
 * The server reads the frames of a keystroke (a note's update or caret) itself, without Socket.IO's
 * decoder and dispatch (`readEventFrame`, used by server/src/realtime/frames.ts), and makes a note's
 * relays directly (`relayFrame`); both give what Socket.IO's own code gives, byte for byte.
 */
import { PacketType, Decoder as SocketIoDecoder, Encoder as SocketIoEncoder } from 'socket.io-parser';

const TAG = 0x54;
/** Socket.IO's own limit on attachments per packet. */
const MAX_ATTACHMENTS = 10;
// Both the browser and Node have these; shared/ is compiled without either's library of types.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Node's Buffer, where there is one (the server): it encodes a short header ~10× faster than TextEncoder (measured). */
const NodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: 'utf8'): Uint8Array } }).Buffer;

type Part = string | Uint8Array | ArrayBuffer;

/** UTF-8 bytes of a header (Socket.IO's JSON text). */
function encodeHeader(text: string): Uint8Array {
  return NodeBuffer ? NodeBuffer.from(text, 'utf8') : utf8.encode(text);
}

/** The text of a header's UTF-8 bytes; anything that is not UTF-8 throws (a strict decoder). */
function decodeHeader(bytes: Uint8Array): string {
  return fromUtf8.decode(bytes);
}

const bytesOf = (part: unknown): Uint8Array | null =>
  part instanceof Uint8Array ? part : part instanceof ArrayBuffer ? new Uint8Array(part) : null;

/** One binary frame from Socket.IO's header text and attachments; null when a part is not bytes (a Blob). */
export function packFrame(header: string, attachments: readonly unknown[]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  for (const a of attachments) {
    const bytes = bytesOf(a);
    if (!bytes) return null;
    parts.push(bytes);
  }
  if (parts.length < 1 || parts.length > MAX_ATTACHMENTS) return null;
  return pack(encodeHeader(header), parts);
}

/** Makes a frame's bytes: a new array of that length, or one the caller provides (a view into its own buffer). */
export type FrameAlloc = (length: number) => Uint8Array;
const newBytes: FrameAlloc = (length) => new Uint8Array(length);

/** Writes a length little-endian at `at`. */
function putLength(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = (value >>> 24) & 0xff;
}

/** One binary frame from a header's UTF-8 bytes and 1..MAX_ATTACHMENTS attachments. */
function pack(head: Uint8Array, parts: readonly Uint8Array[], alloc: FrameAlloc = newBytes): Uint8Array {
  const prefix = 2 + 4 * (parts.length + 1);
  let total = prefix + head.byteLength;
  for (const p of parts) total += p.byteLength;
  const out = alloc(total);
  out[0] = TAG;
  out[1] = parts.length;
  putLength(out, 2, head.byteLength);
  out.set(head, prefix);
  let at = prefix + head.byteLength;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as Uint8Array;
    putLength(out, 6 + 4 * i, p.byteLength);
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The header text and attachments of one frame made by {@link packFrame}; throws when it is not one. */
export function unpackFrame(frame: Uint8Array): { header: string; attachments: Uint8Array[] } {
  if (frame.byteLength < 6 || frame[0] !== TAG) throw new Error('not a Tandem binary frame');
  const n = frame[1] ?? 0;
  if (n < 1 || n > MAX_ATTACHMENTS) throw new Error('bad attachment count');
  const prefix = 2 + 4 * (n + 1);
  if (frame.byteLength < prefix) throw new Error('truncated frame');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = prefix + view.getUint32(2, true);
  const header = frame.subarray(prefix, at);
  const attachments: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const end = at + view.getUint32(6 + 4 * i, true);
    if (end > frame.byteLength) break;
    attachments.push(frame.subarray(at, end));
    at = end;
  }
  if (attachments.length !== n || at !== frame.byteLength) throw new Error('frame lengths do not add up');
  return { header: decodeHeader(header), attachments };
}

/** The attachment count a Socket.IO header text announces ("51-[…]" → 1); 0 for a packet without binary. */
function announcedAttachments(header: string): number {
  const type = header.charCodeAt(0);
  if (type !== 53 && type !== 54) return 0; // '5' BINARY_EVENT, '6' BINARY_ACK
  const dash = header.indexOf('-');
  const n = dash > 1 ? Number(header.slice(1, dash)) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Socket.IO's encoder, with a packet's binary data packed into one frame. */
export class Encoder extends SocketIoEncoder {
  override encode(packet: Parameters<SocketIoEncoder['encode']>[0]): Part[] {
    const parts: Part[] = super.encode(packet);
    if (parts.length < 2 || typeof parts[0] !== 'string') return parts;
    const packed = packFrame(parts[0], parts.slice(1));
    return packed ? [packed] : parts;
  }
}

/** What a chunk of a connection's stream is: Socket.IO's text, an attachment of its multi-frame format, or a frame of this one. */
export type ChunkKind = 'text' | 'attachment' | 'frame';

/**
 * Tells the chunks of one connection's stream apart, in order: a binary chunk is an attachment
 * while a text before it announced more (Socket.IO's multi-frame format), else a frame of this
 * format. One per connection: the decoder's, and the server's keystroke path's.
 */
export function chunkKinds(): (chunk: unknown) => ChunkKind {
  /** Attachments of a packet in Socket.IO's multi-frame format still to come. */
  let awaiting = 0;
  return (chunk) => {
    if (typeof chunk === 'string') {
      awaiting = announcedAttachments(chunk);
      return 'text';
    }
    if (awaiting === 0) return 'frame';
    awaiting -= 1;
    return 'attachment';
  };
}

/** Socket.IO's decoder, reading the one-frame format (and its own multi-frame one). */
export class Decoder extends SocketIoDecoder {
  private kindOf = chunkKinds();

  override add(chunk: unknown): void {
    if (this.kindOf(chunk) !== 'frame') {
      super.add(chunk);
      return;
    }
    const bytes = bytesOf(chunk);
    if (!bytes) throw new Error('unknown frame');
    const { header, attachments } = unpackFrame(bytes);
    if (announcedAttachments(header) !== attachments.length) throw new Error('the header does not announce the attachments');
    super.add(header);
    for (const a of attachments) super.add(a);
  }

  override destroy(): void {
    this.kindOf = chunkKinds();
    super.destroy();
  }
}

/** The `parser` option of Socket.IO's server and client. */
export const wireParser = { Encoder, Decoder };

/**
 * A note relay's frame, made directly: byte for byte what {@link Encoder} makes of the event
 * `[event, { [key]: id, update, awareness? }]` (Socket.IO's header with its placeholders, then the
 * bytes), without walking the payload for binary data and stringifying it once per keystroke.
 */
export function relayFrame(
  event: string,
  key: string,
  id: string,
  update: Uint8Array,
  awareness?: Uint8Array,
  /** Where the frame is made (the server makes it inside its WebSocket frame); a new array by default. */
  alloc: FrameAlloc = newBytes,
): Uint8Array {
  const which = `${event}\n${key}\n${id}\n${awareness ? 2 : 1}`;
  let head = relayHeaders.get(which);
  if (!head) {
    const placeholder = (num: number) => `{"_placeholder":true,"num":${num}}`;
    const second = awareness ? `,"awareness":${placeholder(1)}` : '';
    head = encodeHeader(
      `5${awareness ? 2 : 1}-[${JSON.stringify(event)},{${JSON.stringify(key)}:${JSON.stringify(id)},"update":${placeholder(0)}${second}}]`,
    );
    if (relayHeaders.size >= KEPT_AT_MOST) relayHeaders.clear();
    relayHeaders.set(which, head);
  }
  return pack(head, awareness ? [update, awareness] : [update], alloc);
}

/** Relay headers made lately (a note's relays all share one or two), as UTF-8 bytes, by event, key, id and attachment count. */
const relayHeaders = new Map<string, Uint8Array>();

/** An event read from one frame by {@link readEventFrame}. */
export interface FrameEvent {
  event: string;
  /** The acknowledgement's id; undefined when the sender asked for none. */
  id: number | undefined;
  payload: Record<string, unknown>;
}

/** Names Socket.IO's decoder refuses as events (its own). */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** Socket.IO's placeholder of an attachment (its index is checked against the frame's attachments where used). */
const isPlaceholder = (v: object): v is { num: number } => {
  const p = v as { _placeholder?: unknown; num?: unknown };
  return p._placeholder === true && typeof p.num === 'number' && Number.isInteger(p.num) && p.num >= 0;
};

/**
 * The event in a frame of the one-frame format, read without Socket.IO's decoder: the server's
 * path for keystrokes. Only the plainest shape is read — a binary event of the main namespace
 * whose arguments are `[name, object]`, the object's own fields holding the placeholders — and
 * null is the answer for anything else, well formed or not: such a frame is left to Socket.IO's
 * decoder, which reads it (or refuses it and closes the connection) as it always did.
 */
export function readEventFrame(frame: Uint8Array): FrameEvent | null {
  if (frame[0] !== TAG) return null;
  let unpacked: { header: string; attachments: Uint8Array[] };
  try {
    unpacked = unpackFrame(frame);
  } catch {
    return null;
  }
  const { header, attachments } = unpacked;
  // "5<count>-<id>[…]": a BINARY_EVENT, no namespace (the main one), the id's digits if any.
  const dash = header.indexOf('-');
  const bracket = header.indexOf('[', dash);
  if (header.charCodeAt(0) !== 53 || dash < 2 || bracket < 0) return null;
  if (announcedAttachments(header) !== attachments.length) return null;
  const digits = header.slice(dash + 1, bracket);
  if (!/^\d{0,15}$/.test(digits)) return null;
  const shape = shapeOf(header.slice(bracket));
  if (!shape) return null;
  const payload: Record<string, unknown> = {};
  for (const [key, value, num] of shape.fields) {
    if (num < 0) payload[key] = value;
    else if (num < attachments.length) payload[key] = attachments[num];
    else return null;
  }
  return { event: shape.event, id: digits === '' ? undefined : Number(digits), payload };
}

/** An event's arguments as read from their text: its name, and each field's value or attachment (its index; -1: none). */
interface Shape {
  event: string;
  fields: [key: string, value: unknown, attachment: number][];
}

/**
 * Shapes read lately, by their text: a note's keystrokes all carry the same arguments text (the
 * note's id and the placeholders; only the ack id differs), so it is parsed once, not per
 * keystroke. Short texts only, and at most KEPT_AT_MOST of them (then forgotten all at once).
 */
const shapes = new Map<string, Shape | null>();
/** How many shapes (and relay headers) are kept at most. */
const KEPT_AT_MOST = 1024;
const SHAPE_TEXT_CACHED = 512;

function shapeOf(text: string): Shape | null {
  const known = shapes.get(text);
  if (known !== undefined) return known;
  const shape = readShape(text);
  if (text.length <= SHAPE_TEXT_CACHED) {
    if (shapes.size >= KEPT_AT_MOST) shapes.clear();
    shapes.set(text, shape);
  }
  return shape;
}

/** `[name, object]` with only plain values and placeholders as the object's own fields; null for anything else. */
function readShape(text: string): Shape | null {
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(args) || args.length !== 2) return null;
  const [event, raw] = args as [unknown, unknown];
  if (typeof event !== 'string' || RESERVED.has(event) || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const fields: Shape['fields'] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === '__proto__') return null;
    if (typeof value !== 'object' || value === null) fields.push([key, value, -1]);
    else if (isPlaceholder(value)) fields.push([key, null, value.num]);
    else return null;
  }
  return { event, fields };
}

const ackEncoder = new Encoder();

/** The frames of an acknowledgement (Socket.IO's ACK packet, as its encoder makes it) answering `id` with `result`. */
export function encodeAck(id: number, result: unknown): Part[] {
  return ackEncoder.encode({ type: PacketType.ACK, nsp: '/', id, data: [result] });
}
