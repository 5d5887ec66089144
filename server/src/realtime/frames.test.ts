import { EventEmitter } from 'node:events';
import { Encoder, type FrameEvent, packFrame, unpackFrame } from '@tandem/shared';
import { describe, expect, it } from 'vitest';
import { type Ack, takeFrames } from './frames.js';
import type { TandemSocket } from './io.js';

/** An engine.io connection (what takeFrames uses of one) with Socket.IO's reader on it, and a socket over it. */
function connection() {
  const conn = Object.assign(new EventEmitter(), { readyState: 'open', written: [] as unknown[] });
  Object.assign(conn, { write: (data: unknown) => conn.written.push(data) });
  const toSocketIo: unknown[] = [];
  conn.on('data', (data: unknown) => toSocketIo.push(data));
  const socket = Object.assign(new EventEmitter(), { conn }) as unknown as TandemSocket & EventEmitter;
  return { conn, socket, toSocketIo };
}

const update = new Uint8Array([1, 2, 3]);
/** Socket.IO's EVENT packet type (socket.io-parser's PacketType.EVENT). */
const EVENT = 2 as Parameters<Encoder['encode']>[0]['type'];
const frameOf = (event: string, payload: Record<string, unknown>, id?: number) =>
  new Encoder().encode({ type: EVENT, nsp: '/', id, data: [event, payload] })[0] as Uint8Array;

describe('takeFrames', () => {
  it("hands a keystroke's frame to its taker, and Socket.IO every other frame, in order", () => {
    const { conn, socket, toSocketIo } = connection();
    const taken: FrameEvent[] = [];
    takeFrames(socket, new Set(['notes:update']), (read) => taken.push(read) > 0);
    const keystroke = frameOf('notes:update', { sessionId: 's', update }, 7);
    const join = frameOf('notes:join', { sessionId: 's', stateVector: update }, 8);
    conn.emit('data', '2["goals:subscribe",{}]');
    conn.emit('data', keystroke);
    conn.emit('data', join);
    expect(toSocketIo).toEqual(['2["goals:subscribe",{}]', join]);
    expect(taken).toHaveLength(1);
    expect(taken[0]?.event).toBe('notes:update');
    expect(taken[0]?.id).toBe(7);
    expect(taken[0]?.payload.update).toEqual(update);
  });

  it('gives Socket.IO what the taker declines, and never reads an attachment of its multi-frame format as a frame', () => {
    const { conn, socket, toSocketIo } = connection();
    let take = false;
    const taken: FrameEvent[] = [];
    takeFrames(socket, new Set(['notes:update']), (read) => take && taken.push(read) > 0);
    const keystroke = frameOf('notes:update', { sessionId: 's', update });
    conn.emit('data', keystroke);
    expect(toSocketIo).toEqual([keystroke]);
    take = true;
    // A header announcing two attachments: the next two binary frames are its, whatever they look like.
    conn.emit('data', '52-["notes:join",{"a":{"_placeholder":true,"num":0},"b":{"_placeholder":true,"num":1}}]');
    conn.emit('data', keystroke);
    conn.emit('data', keystroke);
    expect(taken).toHaveLength(0);
    expect(toSocketIo).toHaveLength(4);
    conn.emit('data', keystroke);
    expect(taken).toHaveLength(1);
    // Malformed: Socket.IO's decoder refuses it (and closes the connection), as before.
    const broken = keystroke.slice(0, -1);
    conn.emit('data', broken);
    expect(toSocketIo.at(-1)).toBe(broken);
  });

  it("answers with Socket.IO's ACK packet, once, and not on a closed connection", () => {
    const { conn, socket } = connection();
    const acks: Ack[] = [];
    takeFrames(socket, new Set(['notes:update']), (_read, ack) => (ack ? acks.push(ack) > 0 : false));
    conn.emit('data', frameOf('notes:update', { sessionId: 's', update }, 31));
    conn.emit('data', frameOf('notes:update', { sessionId: 's', update }, 32));
    const [first, second] = acks;
    first?.({ ok: true, data: {} });
    first?.({ ok: true, data: {} });
    expect(conn.written).toEqual(['331[{"ok":true,"data":{}}]']);
    conn.readyState = 'closed';
    second?.({ ok: true, data: {} });
    expect(conn.written).toHaveLength(1);
    // Without an id the sender asked for no answer: there is no ack to call.
    const unpacked = unpackFrame(frameOf('notes:update', { sessionId: 's', update }));
    expect(unpacked.header.startsWith('51-[')).toBe(true);
    const before = acks.length;
    conn.readyState = 'open';
    conn.emit('data', packFrame(unpacked.header, unpacked.attachments));
    expect(acks).toHaveLength(before);
  });

  it('leaves the connection to Socket.IO alone once the socket is gone', () => {
    const { conn, socket, toSocketIo } = connection();
    const taken: FrameEvent[] = [];
    takeFrames(socket, new Set(['notes:update']), (read) => taken.push(read) > 0);
    socket.emit('disconnect');
    const keystroke = frameOf('notes:update', { sessionId: 's', update }, 1);
    conn.emit('data', keystroke);
    expect(taken).toHaveLength(0);
    expect(toSocketIo).toEqual([keystroke]);
  });
});
