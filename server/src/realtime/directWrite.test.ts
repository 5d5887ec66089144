import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wireParser } from '@tandem/shared';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { backedUp, sendFramed, sendMessage, wsFrame } from './directWrite.js';
import { relayFramed } from './relay.js';

/** ws's own frame maker (untyped in @types/ws). */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): Buffer[] };
};

describe('wsFrame', () => {
  it('is byte for byte the frame ws makes, text and binary, at every length encoding', () => {
    for (const length of [0, 1, 124, 125, 126, 127, 65_534, 65_535, 65_536, 70_000]) {
      const bytes = new Uint8Array(length).map((_, i) => i % 251);
      const expected = Buffer.concat(Sender.frame(Buffer.from(bytes), { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: false }));
      expect(wsFrame(bytes).equals(expected), `binary, ${length} bytes`).toBe(true);
      // A text message is engine.io's "4" then the text (here with multi-byte characters).
      const text = 'é'.repeat(Math.floor(length / 2)) + (length % 2 ? 'a' : '');
      const textFrame = Sender.frame(Buffer.from(`4${text}`, 'utf8'), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
      expect(wsFrame(text).equals(Buffer.concat(textFrame)), `text, ${length} bytes`).toBe(true);
    }
  });
});

describe('sendMessage', () => {
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** A Socket.IO server and a connected client on loopback; the server side's socket. */
  async function pair(parser?: typeof wireParser) {
    const http = createServer();
    const io = new Server(http, { transports: ['websocket'], ...(parser ? { parser } : {}) });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
    const serverSide = new Promise<import('socket.io').Socket>((resolve) => io.once('connection', resolve));
    const client: ClientSocket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ['websocket'],
      ...(parser ? { parser } : {}),
    });
    closers.push(() => {
      client.close();
    });
    const socket = await serverSide;
    await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', () => resolve())));
    // Counts the messages that went through engine.io rather than straight to the socket.
    const conn = socket.conn as unknown as { write: (...args: unknown[]) => unknown };
    const write = conn.write.bind(conn);
    let throughEngine = 0;
    conn.write = (...args: unknown[]) => {
      throughEngine += 1;
      return write(...args);
    };
    return { socket, client, engineWrites: () => throughEngine };
  }

  /** The system calls the server's side makes on its TCP socket from now: the number of frames each carries. */
  function writeCalls(socket: import('socket.io').Socket): number[] {
    const tcp = (socket.conn as unknown as { transport: { socket: { _socket: import('node:net').Socket } } }).transport.socket._socket;
    const calls: number[] = [];
    const spy = tcp as unknown as { _write: (...a: unknown[]) => unknown; _writev: (chunks: unknown[], cb: unknown) => unknown };
    const write = spy._write.bind(tcp);
    const writev = spy._writev.bind(tcp);
    spy._write = (...a: unknown[]) => {
      calls.push(1);
      return write(...a);
    };
    spy._writev = (chunks: unknown[], cb: unknown) => {
      calls.push(chunks.length);
      return writev(chunks, cb);
    };
    return calls;
  }

  const received = (client: ClientSocket, count: number) =>
    new Promise<unknown[]>((resolve) => {
      const got: unknown[] = [];
      client.on('e', (value: unknown) => {
        got.push(value);
        if (got.length === count) resolve(got);
      });
    });

  it('writes straight to the socket when engine.io holds nothing back, and the client reads it as Socket.IO’s own', async () => {
    const { socket, client, engineWrites } = await pair();
    const got = received(client, 2);
    // Socket.IO's text encoding of an event; the second is past 65,535 bytes (the longest length form).
    sendMessage(socket.conn, '2["e","direct"]');
    await new Promise((r) => setImmediate(r));
    sendMessage(socket.conn, `2["e","${'x'.repeat(70_000)}"]`);
    const [first, second] = await got;
    expect(first).toBe('direct');
    expect(second).toBe('x'.repeat(70_000));
    expect(engineWrites()).toBe(0);
  });

  it('keeps the order of what engine.io is still holding: a message behind it goes through engine.io', async () => {
    const { socket, client, engineWrites } = await pair();
    const got = received(client, 4);
    // In one tick: Socket.IO's own packet (engine.io's transport now busy until its write is done),
    // a direct message, another packet, another direct message.
    socket.emit('e', 1);
    sendMessage(socket.conn, '2["e",2]');
    socket.emit('e', 3);
    sendMessage(socket.conn, '2["e",4]');
    expect(await got).toEqual([1, 2, 3, 4]);
    expect(engineWrites()).toBeGreaterThanOrEqual(2);
  });

  it('sends what one connection gets within one callback in one system call', async () => {
    const { socket, client, engineWrites } = await pair();
    await new Promise((r) => setImmediate(r));
    const calls = writeCalls(socket);
    const got = received(client, 3);
    sendMessage(socket.conn, '2["e",1]');
    sendMessage(socket.conn, '2["e",2]');
    sendMessage(socket.conn, '2["e",3]');
    expect(await got).toEqual([1, 2, 3]);
    expect(calls).toEqual([3]);
    expect(engineWrites()).toBe(0);
  });

  it('says a connection is backed up while engine.io holds messages back', async () => {
    const { socket } = await pair();
    await new Promise((r) => setImmediate(r));
    expect(backedUp(socket.conn)).toBe(false);
    socket.emit('e', 1);
    expect(backedUp(socket.conn)).toBe(true);
  });

  it('writes a frame made in place straight to the socket, and through engine.io behind what engine.io holds', async () => {
    const { socket, client, engineWrites } = await pair(wireParser);
    await new Promise((r) => setImmediate(r));
    const got: unknown[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('e', (value: { k: string; update: Uint8Array }) => {
        got.push([value.k, [...new Uint8Array(value.update)]]);
        if (got.length === 3) resolve();
      }),
    );
    const make = (byte: number) => relayFramed('e', 'k', `id${byte}`, new Uint8Array([byte, byte]));
    sendFramed(socket.conn, make(1));
    expect(engineWrites()).toBe(0);
    socket.emit('e', { k: 'id2', update: new Uint8Array([2, 2]) });
    sendFramed(socket.conn, make(3));
    await all;
    expect(got).toEqual([
      ['id1', [1, 1]],
      ['id2', [2, 2]],
      ['id3', [3, 3]],
    ]);
    expect(engineWrites()).toBeGreaterThanOrEqual(2);
  });
});
