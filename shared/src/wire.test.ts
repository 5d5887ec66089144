import { PacketType, Encoder as SocketIoEncoder } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, encodeAck, packFrame, readEventFrame, relayFrame, unpackFrame } from './wire.js';

type Packet = Parameters<Encoder['encode']>[0];

/** The one packet the frames decode to. */
function decodeOne(...frames: unknown[]): Packet {
  const [packet, ...more] = decode(...frames);
  if (!packet || more.length > 0) throw new Error('expected exactly one packet');
  return packet;
}

/** Everything the decoder emits for the given frames (throws what it throws). */
function decode(...frames: unknown[]): Packet[] {
  const decoder = new Decoder();
  const out: Packet[] = [];
  decoder.on('decoded', (p: Packet) => out.push(p));
  for (const f of frames) decoder.add(f);
  return out;
}

const update = new Uint8Array([1, 2, 3, 250, 0, 7]);
const caret = new Uint8Array([9, 8]);
const keystroke: Packet = {
  type: PacketType.EVENT,
  nsp: '/',
  id: 12,
  data: ['notes:update', { sessionId: 'é-ü 会', seq: 4, update, awareness: caret }],
};

describe('the wire format', () => {
  it('sends a packet with binary data as ONE binary frame and reads it back whole', () => {
    const frames = new Encoder().encode(keystroke);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toBeInstanceOf(Uint8Array);
    const packet = decodeOne(...frames);
    expect(packet.type).toBe(PacketType.EVENT);
    expect(packet.id).toBe(12);
    const [name, payload] = packet.data as [string, { sessionId: string; update: Uint8Array; awareness: Uint8Array }];
    expect(name).toBe('notes:update');
    expect(payload.sessionId).toBe('é-ü 会');
    expect([...payload.update]).toEqual([...update]);
    expect([...payload.awareness]).toEqual([...caret]);
  });

  it('reads frames that arrive as an ArrayBuffer (the browser) and acks with binary data', () => {
    const ack: Packet = { type: PacketType.ACK, nsp: '/', id: 3, data: [{ ok: true, state: new Uint8Array([5, 6]) }] };
    const [frame] = new Encoder().encode(ack) as [Uint8Array];
    const copy = frame.slice().buffer;
    const packet = decodeOne(copy);
    expect(packet.type).toBe(PacketType.ACK);
    expect([...(packet.data as [{ state: Uint8Array }])[0].state]).toEqual([5, 6]);
  });

  it("leaves packets without binary data as Socket.IO's own text", () => {
    const text: Packet = { type: PacketType.EVENT, nsp: '/', data: ['goals:join', { mentorshipId: 'm' }] };
    const frames = new Encoder().encode(text);
    expect(frames).toEqual(new SocketIoEncoder().encode(text));
    expect(decode(...frames)[0]?.data).toEqual(text.data);
  });

  it("still reads Socket.IO's default multi-frame format, and a text packet after it", () => {
    const frames = new SocketIoEncoder().encode(keystroke);
    expect(frames.length).toBe(3);
    const next = new SocketIoEncoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['notes:leave', {}] });
    const packets = decode(...frames, ...next);
    expect(packets.map((p) => (p.data as [string])[0])).toEqual(['notes:update', 'notes:leave']);
  });

  it('refuses malformed frames by throwing (the server then closes that connection)', () => {
    const [good] = new Encoder().encode(keystroke) as [Uint8Array];
    const bad = (edit: (b: Uint8Array) => Uint8Array) => () => decode(edit(good.slice()));
    expect(bad((b) => b.fill(0x55, 0, 1))).toThrow(/not a Tandem binary frame/);
    expect(bad((b) => b.fill(0, 1, 2))).toThrow(/attachment count/);
    expect(bad((b) => b.fill(11, 1, 2))).toThrow(/attachment count/);
    expect(bad((b) => b.subarray(0, b.length - 1))).toThrow(/add up/);
    expect(bad((b) => new Uint8Array([...b, 0]))).toThrow(/add up/);
    expect(bad((b) => b.subarray(0, 4))).toThrow();
    // The header says one attachment where the frame holds two.
    expect(() => decode(packFrame('51-["notes:update",{"u":{"_placeholder":true,"num":0}}]', [update, caret]))).toThrow(/announce/);
    // A header that is not a binary packet at all.
    expect(() => decode(packFrame('2["notes:update",{}]', [update]))).toThrow(/announce/);
    // A placeholder that points past the attachments.
    expect(() => decode(packFrame('51-["notes:update",{"u":{"_placeholder":true,"num":3}}]', [update]))).toThrow();
    // A reserved event name, as Socket.IO's own decoder refuses it.
    expect(() => decode(packFrame('51-["disconnect",{"u":{"_placeholder":true,"num":0}}]', [update]))).toThrow();
    // Not UTF-8 in the header.
    const header = new Uint8Array([0xff, 0xfe]);
    const frame = new Uint8Array([0x54, 1, 2, 0, 0, 0, 1, 0, 0, 0, ...header, 7]);
    expect(() => decode(frame)).toThrow();
    expect(() => decode(42)).toThrow();
  });

  it('packs and unpacks the parts exactly', () => {
    const frame = packFrame('hé', [new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3])]);
    expect(frame).not.toBeNull();
    const { header, attachments } = unpackFrame(frame as Uint8Array);
    expect(header).toBe('hé');
    expect(attachments.map((a) => [...a])).toEqual([[1], [], [2, 3]]);
    expect(packFrame('x', [])).toBeNull();
    expect(packFrame('x', [{}])).toBeNull();
  });

  it("makes a note relay's frame exactly as the encoder makes it from the event", () => {
    // Twice: the second time from the headers kept by the first.
    for (const [event, key] of [
      ['notes:update', 'sessionId'],
      ['private:update', 'mentorshipId'],
      ['notes:update', 'sessionId'],
      ['private:update', 'mentorshipId'],
    ] as const) {
      for (const id of ['0b5c2c1e-3f7e-4b8e-9a4c-2f0f6f1b2a3c', 'é "quoted" \\ 会']) {
        for (const awareness of [undefined, caret]) {
          const payload = awareness ? { [key]: id, update, awareness } : { [key]: id, update };
          const [expected] = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: [event, payload] });
          expect(relayFrame(event, key, id, update, awareness)).toEqual(expected);
          expect(decodeOne(relayFrame(event, key, id, update, awareness)).data).toEqual([event, payload]);
          // Made in place: inside a larger buffer, past a header of its own (the server's WebSocket frame).
          const room = new Uint8Array(1024).fill(0xee);
          const inPlace = relayFrame(event, key, id, update, awareness, (length) => room.subarray(10, 10 + length));
          expect(inPlace).toEqual(expected);
          expect(inPlace.byteOffset).toBe(10);
          expect(room.subarray(0, 10).every((b) => b === 0xee)).toBe(true);
        }
      }
    }
  });

  it("reads a keystroke's frame directly as Socket.IO's decoder reads it", () => {
    const shapes: Packet[] = [
      keystroke,
      { ...keystroke, id: undefined },
      { type: PacketType.EVENT, nsp: '/', id: 987654, data: ['private:awareness', { mentorshipId: 'm "q" \\', update }] },
    ];
    for (const packet of shapes) {
      const [frame] = new Encoder().encode(packet) as [Uint8Array];
      const read = readEventFrame(frame);
      const decoded = decodeOne(frame);
      expect(read).not.toBeNull();
      expect(read?.id).toBe(decoded.id);
      expect([read?.event, read?.payload]).toEqual(decoded.data);
    }
  });

  it('reads the same arguments text again with its own attachments and id, whatever was done with the last payload', () => {
    const first = readEventFrame(new Encoder().encode({ ...keystroke, id: 1 })[0] as Uint8Array);
    expect(first).not.toBeNull();
    if (first) {
      first.payload.sessionId = 'changed by a handler';
      first.payload.extra = true;
    }
    const other = new Uint8Array([42]);
    const second = readEventFrame(
      new Encoder().encode({
        ...keystroke,
        id: 2,
        data: ['notes:update', { sessionId: 'é-ü 会', seq: 4, update: other, awareness: caret }],
      })[0] as Uint8Array,
    );
    expect(second?.id).toBe(2);
    expect(second?.payload).toEqual({ sessionId: 'é-ü 会', seq: 4, update: other, awareness: caret });
  });

  it('leaves every other frame to Socket.IO (null), well formed or not', () => {
    const p0 = '{"_placeholder":true,"num":0}';
    const others: Uint8Array[] = [
      // Not this format; a frame whose lengths do not add up.
      new Uint8Array([1, 2, 3]),
      new Uint8Array([0x54, 1, 200, 0, 0, 0, 1, 0, 0, 0, 65]),
      // An acknowledgement with binary data (the server's own kind of frame).
      new Encoder().encode({ type: PacketType.ACK, nsp: '/', id: 3, data: [{ state: update }] })[0] as Uint8Array,
      // Another namespace.
      packFrame(`51-/admin,4["notes:update",{"u":${p0}}]`, [update]) as Uint8Array,
      // A placeholder deeper than the object's own fields, or past the attachments, or a look-alike.
      packFrame(`51-["notes:update",{"a":{"u":${p0}}}]`, [update]) as Uint8Array,
      packFrame('51-["notes:update",{"u":{"_placeholder":true,"num":1}}]', [update]) as Uint8Array,
      packFrame('51-["notes:update",{"u":{"_placeholder":"yes","num":0}}]', [update]) as Uint8Array,
      // Arguments that are not [name, object]; a reserved name; more attachments than announced.
      packFrame(`51-["notes:update",{"u":${p0}},2]`, [update]) as Uint8Array,
      packFrame(`51-[7,{"u":${p0}}]`, [update]) as Uint8Array,
      packFrame(`51-["notes:update",[${p0}]]`, [update]) as Uint8Array,
      packFrame(`51-["disconnect",{"u":${p0}}]`, [update]) as Uint8Array,
      packFrame(`51-["notes:update",{"u":${p0}}]`, [update, caret]) as Uint8Array,
      // A field named __proto__ (JSON makes it an own field; copying it would set the prototype).
      packFrame(`51-["notes:update",{"__proto__":${p0}}]`, [update]) as Uint8Array,
      // Not JSON; an id that is not digits.
      packFrame(`51-["notes:update",{"u":${p0}}`, [update]) as Uint8Array,
      packFrame(`51-1e3["notes:update",{"u":${p0}}]`, [update]) as Uint8Array,
    ];
    for (const frame of others) expect(readEventFrame(frame)).toBeNull();
  });

  it("encodes an acknowledgement as Socket.IO's encoder does", () => {
    const result = { ok: false, error: { code: 'not_joined', message: 'Join the note first.' } };
    expect(encodeAck(41, result)).toEqual(new SocketIoEncoder().encode({ type: PacketType.ACK, nsp: '/', id: 41, data: [result] }));
    expect(decodeOne(...encodeAck(5, { ok: true, data: {} })).data).toEqual([{ ok: true, data: {} }]);
  });
});
