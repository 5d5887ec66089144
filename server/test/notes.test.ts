import { DEFAULT_NOTE_TEMPLATE, ServerEvent } from '@tandem/shared';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { insertSession } from '../src/db/mentorships.js';
import { NoteStore } from '../src/notes/noteStore.js';
import { noteText } from '../src/notes/template.js';
import { buildTestApp, closeTestApps, createMentorship, createUser, loggedSeqs, onPostgres, signIn, storedDoc } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import {
  connectOutcome,
  listen,
  type NoteClient,
  newNoteClient,
  newSocket,
  noteXml,
  prng,
  typeAtEnd,
  typist,
  until,
  upgradeStatus,
} from './realtime.js';

const clients: NoteClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await closeTestApps();
});

async function setup(options: Parameters<typeof buildTestApp>[1] = {}) {
  const app = await buildTestApp({}, options);
  const url = await listen(app);
  const pair = await createMentorship(app);
  const cookies = { mentor: await signIn(app, pair.mentor), student: await signIn(app, pair.student) };
  const client = async (who: 'mentor' | 'student') => {
    const c = await newNoteClient(url, cookies[who], pair.session.id);
    clients.push(c);
    await until(() => c.sync.allSaved, `${who} synced`);
    return c;
  };
  return { app, url, pair, cookies, client };
}

describe('the shared note: sync and access', () => {
  it('opens a new note with the agenda, once, for both people', async () => {
    const { client } = await setup();
    const [a, b] = await Promise.all([client('mentor'), client('student')]);
    expect(noteText(a.doc).split('\n')).toEqual([...DEFAULT_NOTE_TEMPLATE]);
    expect(noteXml(b.doc)).toBe(noteXml(a.doc));
  });

  it('uses the mentor’s template; the student may not change it', async () => {
    const { app, pair, cookies, client } = await setup();
    const url = `/api/mentorships/${pair.mentorshipId}/note-template`;
    const sections = ['Wins of the week', 'Blockers', 'Next focus'];
    const byStudent = await app.inject({
      method: 'PUT',
      url,
      headers: { origin: TEST_ORIGIN, cookie: cookies.student },
      payload: { sections },
    });
    expect(byStudent.statusCode).toBe(403);
    const empty = await app.inject({
      method: 'PUT',
      url,
      headers: { origin: TEST_ORIGIN, cookie: cookies.mentor },
      payload: { sections: [] },
    });
    expect(empty.statusCode).toBe(400);
    const ok = await app.inject({ method: 'PUT', url, headers: { origin: TEST_ORIGIN, cookie: cookies.mentor }, payload: { sections } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().mentorship.noteTemplate).toEqual(sections);
    const outsider = await createUser(app, 'mentor');
    const hidden = await app.inject({
      method: 'PUT',
      url,
      headers: { origin: TEST_ORIGIN, cookie: await signIn(app, outsider) },
      payload: { sections },
    });
    expect(hidden.statusCode).toBe(404);
    const a = await client('mentor');
    expect(noteText(a.doc).split('\n')).toEqual(sections);
  });

  it('refuses a signed-out socket, a foreign Origin, an old protocol and an outsider', async () => {
    const { app, url, pair } = await setup();
    expect(await connectOutcome(newSocket(url))).toBe('unauthenticated');
    const outsider = await createUser(app, 'student');
    const cookie = await signIn(app, outsider);
    // A foreign Origin is refused at the upgrade itself: no 101, no socket.
    expect(await connectOutcome(newSocket(url, { cookie, origin: 'https://evil.example' }))).toBe('websocket error');
    expect(await upgradeStatus(url, 'https://evil.example')).toBeGreaterThanOrEqual(400);
    expect(await upgradeStatus(url, undefined)).toBeGreaterThanOrEqual(400);
    expect(await upgradeStatus(url, TEST_ORIGIN)).toBe(101);
    expect(await connectOutcome(newSocket(url, { cookie, protocol: 0 }))).toBe('protocol_mismatch');
    const socket = newSocket(url, { cookie });
    expect(await connectOutcome(socket)).toBe('connected');
    const join = await socket.emitWithAck('notes:join', { sessionId: pair.session.id, stateVector: Y.encodeStateVector(new Y.Doc()) });
    expect(join).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const update = await socket.emitWithAck('notes:update', { sessionId: pair.session.id, update: new Uint8Array([0, 0]) });
    expect(update).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    socket.disconnect();
    expect(app.notes.size).toBe(0);
  });

  it('takes a keystroke and its caret as one message; a caret speaking for someone else refuses the message, nothing applied', async () => {
    const { app, pair, client } = await setup();
    const [a, b] = await Promise.all([client('mentor'), client('student')]);
    let withCaret = 0;
    let separate = 0;
    b.socket.on('notes:update', (p: { awareness?: unknown }) => {
      if (p.awareness) withCaret += 1;
    });
    b.socket.on('notes:awareness', () => {
      separate += 1;
    });
    let echoed = 0;
    a.socket.on('notes:update', () => {
      echoed += 1;
    });
    a.awareness.setLocalState({ user: { name: pair.mentor.displayName, color: '#f59e0b' } });
    await until(() => b.awareness.getStates().has(a.doc.clientID), 'b sees a');
    separate = 0;
    // What travels on the wire: each WebSocket message sent by a and received by b.
    const isBinary = (data: unknown) => data instanceof Uint8Array || data instanceof ArrayBuffer;
    const sent: unknown[] = [];
    const received: unknown[] = [];
    a.socket.io.engine.on('packetCreate', (p: { type: string; data?: unknown }) => {
      if (p.type === 'message') sent.push(p.data);
    });
    b.socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
      if (p.type === 'message') received.push(p.data);
    });
    // A keystroke and its caret in one task, as the editor makes them.
    typeAtEnd(a.doc, 'x');
    a.awareness.setLocalStateField('cursor', { anchor: 1, head: 1 });
    await until(() => a.sync.allSaved && noteXml(b.doc).includes('x'), 'the keystroke arrived');
    await until(
      () => (b.awareness.getStates().get(a.doc.clientID) as { cursor?: unknown } | undefined)?.cursor !== undefined,
      'its caret too',
    );
    expect(withCaret).toBe(1);
    expect(separate).toBe(0);
    // The sender does not get its own keystroke back.
    expect(echoed).toBe(0);
    // ...and in ONE binary frame each way (shared/src/wire.ts), not a text frame plus one per attachment.
    expect(sent.map(isBinary)).toEqual([true]);
    expect(received.map(isBinary)).toEqual([true]);

    // b sends a keystroke with a caret claiming a's presence: refused, the keystroke not applied either.
    const live = await app.notes.get(pair.session.id);
    if (!live) throw new Error('note not live');
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(live.doc));
    const theirs = new Awareness(forged);
    theirs.clientID = a.doc.clientID;
    theirs.setLocalState({ user: { name: 'not me' } });
    const sv = Y.encodeStateVector(forged);
    typeAtEnd(forged, 'stolen');
    const refused = await b.socket.emitWithAck('notes:update', {
      sessionId: pair.session.id,
      update: Y.encodeStateAsUpdate(forged, sv),
      awareness: encodeAwarenessUpdate(theirs, [a.doc.clientID]),
    } as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(noteXml(live.doc)).not.toContain('stolen');
    // A caret that is not JSON is refused the same way.
    const garbled = await b.socket.emitWithAck('notes:update', {
      sessionId: pair.session.id,
      update: Y.encodeStateAsUpdate(forged, sv),
      awareness: new Uint8Array([1, 5, 1, 3, 123, 120, 120]),
    } as never);
    expect(garbled).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(noteXml(live.doc)).not.toContain('stolen');
  });

  it('rejects malformed, truncated, out-of-sync and oversized updates, leaves the note unchanged and stays up', async () => {
    const { app, pair, client } = await setup();
    const a = await client('mentor');
    typeAtEnd(a.doc, 'hello');
    await until(() => a.sync.allSaved, 'hello saved');
    const live = await app.notes.get(pair.session.id);
    if (!live) throw new Error('note not live');
    const before = noteXml(live.doc);

    // A real update from another doc, to truncate and to send out of order.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(live.doc));
    const updates: Uint8Array[] = [];
    other.on('update', (u: Uint8Array) => updates.push(u));
    typeAtEnd(other, 'first');
    typeAtEnd(other, 'second');
    const [first, second] = updates;
    if (!first || !second) throw new Error('expected two updates');

    const send = (update: unknown) => a.socket.emitWithAck('notes:update', { sessionId: pair.session.id, update } as never);
    const random = prng(7);
    const garbage = Uint8Array.from({ length: 300 }, () => Math.floor(random() * 256));
    expect(await send(garbage)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await send(first.slice(0, first.length - 3))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await send(second)).toMatchObject({ ok: false, error: { code: 'OUT_OF_SYNC' } });
    // Over the event's own cap (refused before parsing), though under the frame cap.
    expect(await send(new Uint8Array(530 * 1024))).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/Larger than/) },
    });
    // Under the event's cap (an update and its caret), over the update's own: refused by the schema.
    expect(await send(new Uint8Array(514 * 1024))).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/larger than 524288 bytes/) },
    });
    expect(await send('not bytes')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await a.socket.emitWithAck('notes:update', null as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(noteXml(live.doc)).toBe(before);

    // Still alive, and the well-formed update in order is accepted.
    expect(await send(first)).toEqual({ ok: true, data: {} });
    expect(noteText(live.doc)).toContain('hellofirst');
  });

  it('shows the signed-in name on each caret and lets no one speak for another person’s caret', async () => {
    const { pair, client } = await setup();
    const a = await client('mentor');
    const b = await client('student');
    a.awareness.setLocalStateField('user', { name: 'Impostor', color: '#f59e0b' });
    await until(() => {
      const seen = b.awareness.getStates().get(a.doc.clientID) as { user?: { name?: string } } | undefined;
      return seen?.user?.name === pair.mentor.displayName;
    }, 'the mentor’s real name on the student side');
    const forged = encodeAwarenessUpdate(a.awareness, [a.doc.clientID]);
    const emit = b.socket.emitWithAck.bind(b.socket) as unknown as (event: string, payload: unknown) => Promise<unknown>;
    const res = await emit('notes:awareness', { sessionId: pair.session.id, update: forged });
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('applies a caret as y-protocols does: newer clocks only, a removal, states that are objects, the name added', async () => {
    const { app, pair, client } = await setup();
    const a = await client('mentor');
    const b = await client('student');
    const live = await app.notes.get(pair.session.id);
    if (!live) throw new Error('note not live');
    let relayed = 0;
    b.socket.on('notes:awareness', () => {
      relayed += 1;
    });
    // An awareness update written by hand: count, then client id, clock and JSON state per entry.
    const caret = (id: number, clock: number, json: string) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, id);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
      return encoding.toUint8Array(e);
    };
    const send = (update: Uint8Array) =>
      (a.socket.emitWithAck as unknown as (event: string, payload: unknown) => Promise<unknown>)('notes:awareness', {
        sessionId: pair.session.id,
        update,
      });
    const seen = () => b.awareness.getStates().get(4242) as { user?: { name?: string; color?: string }; cursor?: number } | undefined;

    // A caret whose user has no name: everyone sees it with the signed-in person's.
    expect(await send(caret(4242, 2, '{"user":{"color":"#123456"},"cursor":1}'))).toEqual({ ok: true, data: {} });
    await until(() => seen()?.cursor === 1, 'the caret relayed');
    expect(seen()?.user).toEqual({ color: '#123456', name: pair.mentor.displayName });
    expect(live.awareness.meta.get(4242)?.lastUpdated).toBeGreaterThan(Date.now() - 5000);
    expect(relayed).toBe(1);

    // An older clock changes nothing and goes to no one; the next newer one does.
    expect(await send(caret(4242, 1, '{"cursor":99}'))).toEqual({ ok: true, data: {} });
    expect(await send(caret(4242, 3, '{"cursor":3}'))).toEqual({ ok: true, data: {} });
    await until(() => seen()?.cursor === 3, 'the newer caret relayed');
    expect(relayed).toBe(2);
    expect(live.awareness.getStates().get(4242)).toEqual({ cursor: 3 });

    // A state that is not an object (nor null) is refused and changes nothing.
    for (const json of ['5', '[1]', '"x"']) {
      expect(await send(caret(4243, 1, json))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(live.awareness.meta.has(4243)).toBe(false);

    // Its owner removes it (null at the same clock): gone on the server and for the other person.
    expect(await send(caret(4242, 3, 'null'))).toEqual({ ok: true, data: {} });
    await until(() => !b.awareness.getStates().has(4242), 'the caret removed');
    expect(live.awareness.getStates().has(4242)).toBe(false);
  });

  it('makes a read-only note of an ended session', async () => {
    const { app, pair, client } = await setup();
    await app.db.updateTable('sessions').set({ status: 'ended' }).where('id', '=', pair.session.id).execute();
    const a = await client('mentor');
    expect(a.sync.current.readOnly).toBe(true);
    const res = await a.socket.emitWithAck('notes:update', { sessionId: pair.session.id, update: Y.encodeStateAsUpdate(new Y.Doc()) });
    expect(res).toMatchObject({ ok: false, error: { code: 'SESSION_CLOSED' } });
  });

  it('closes a flooding socket with a named reason; other sessions do not notice', async () => {
    const { app, url, pair, client } = await setup();
    const calm = await client('student');
    const other = await createMentorship(app);
    const floodCookie = await signIn(app, other.mentor);
    const flood = newSocket(url, { cookie: floodCookie });
    expect(await connectOutcome(flood)).toBe('connected');
    const reason = new Promise<string>((resolve) => flood.on(ServerEvent.serverError.name, (p) => resolve(p.reason)));
    await flood.emitWithAck('notes:join', { sessionId: other.session.id, stateVector: Y.encodeStateVector(new Y.Doc()) });
    for (let i = 0; i < 1000; i++) flood.emit('notes:awareness', { sessionId: other.session.id, update: new Uint8Array([0]) });
    expect(await reason).toBe('rate_limited');
    await until(() => !flood.connected, 'flooder disconnected');
    typeAtEnd(calm.doc, 'still here');
    await until(() => calm.sync.allSaved, 'calm client saved');
    expect(noteText((await app.notes.get(pair.session.id))?.doc ?? new Y.Doc())).toContain('still here');
  });

  it('snapshots the log and unloads the note when the last person leaves', async () => {
    const { app, pair, client } = await setup({ snapshotEvery: 5 });
    const a = await client('mentor');
    for (let i = 0; i < 12; i++) typeAtEnd(a.doc, `${i} `);
    await until(() => a.sync.allSaved, 'typing saved');
    const logBefore = await loggedSeqs(app, 'session', pair.session.id);
    expect(logBefore.length).toBeLessThan(13); // compacted along the way
    a.close();
    clients.splice(clients.indexOf(a), 1);
    await until(() => app.notes.size === 0, 'note unloaded');
    const log = await loggedSeqs(app, 'session', pair.session.id);
    expect(log).toEqual([]);
    const b = await client('student');
    expect(noteText(b.doc)).toContain('0 1 2 3 4 5 6 7 8 9 10 11');
  });
});

describe('a write that fails', () => {
  it('is never acknowledged, nor covered by a later ack: the note reloads from what is stored and the app sends it again', async () => {
    const { app, pair, client } = await setup();
    const [a, b] = await Promise.all([client('mentor'), client('student')]);
    // The database refuses the next two commits (a disk error, a restart): the first keystroke's
    // batch fails, and so would the retry if it came too soon.
    const commit = vi.spyOn(NoteStore.prototype, 'commit');
    commit.mockRejectedValueOnce(new Error('disk I/O error')).mockRejectedValueOnce(new Error('disk I/O error'));
    const states: string[] = [];
    a.sync.subscribe(() => states.push(a.sync.current.save));
    typeAtEnd(a.doc, 'alpha ');
    // Typed right after, while the first batch fails: waits behind it, then is refused with it.
    queueMicrotask(() => typeAtEnd(a.doc, 'beta '));
    await until(() => commit.mock.calls.length >= 2, 'the failing commits');
    expect(a.sync.allSaved).toBe(false);
    await until(() => a.sync.allSaved && noteXml(b.doc) === noteXml(a.doc), 'saved after the retry', 15_000);
    commit.mockRestore();
    expect(states).toContain('error');
    // Every word is stored: read back by a reader that is not the live note.
    const doc = await storedDoc(app, pair.session.id);
    expect(noteText(doc)).toContain('alpha beta');
    expect(noteXml(doc)).toBe(noteXml(a.doc));
  });
});

describe('connection state recovery', () => {
  it('keeps no keystroke or caret for replay (a reconnect re-syncs the note), and still keeps other events', async () => {
    const { app, pair, client } = await setup();
    const [a, b] = await Promise.all([client('mentor'), client('student')]);
    a.awareness.setLocalStateField('cursor', { anchor: 0, head: 0 });
    typeAtEnd(a.doc, 'not kept');
    await until(() => a.sync.allSaved && noteXml(b.doc).includes('not kept'), 'relayed');
    await until(() => b.awareness.getStates().has(a.doc.clientID), 'caret relayed');
    app.realtime.projectsChanged(pair.mentorshipId, [pair.student.id]);
    const kept = (app.io.of('/').adapter as unknown as { packets: { data: unknown[] }[] }).packets.map((p) => p.data[0]);
    expect(kept).toContain(ServerEvent.projectsChanged.name);
    expect(kept).not.toContain(ServerEvent.notesUpdate.name);
    expect(kept).not.toContain(ServerEvent.notesAwareness.name);
  });
});

describe('the SQLite hot log', () => {
  /** The rows of one table for this note, read straight from the database. */
  const count = async (app: Awaited<ReturnType<typeof setup>>['app'], table: 'note_log' | 'note_updates', id: string) =>
    table === 'note_log'
      ? (await app.db.selectFrom('note_log').select('seq').where('id', '=', id).execute()).length
      : (await app.db.selectFrom('note_updates').select('seq').where('session_id', '=', id).execute()).length;

  it.skipIf(onPostgres)(
    'acknowledges once an update is in the hot log; readers see it there; a compaction deletes what it covers, and only that',
    async () => {
      const { app, pair, client } = await setup({ noteLogMoveEveryMs: 60_000, snapshotEvery: 1_000 });
      const a = await client('mentor');
      typeAtEnd(a.doc, 'hello hot log');
      await until(() => a.sync.allSaved, 'saved');
      expect(await count(app, 'note_log', pair.session.id)).toBeGreaterThan(0);
      expect(await count(app, 'note_updates', pair.session.id)).toBe(0);
      // A reader that is not the live note (a restart, an export) sees the rows where they are.
      const stored = await new NoteStore(app.db, undefined, 'session').load(pair.session.id);
      const doc = new Y.Doc();
      for (const u of stored.updates) Y.applyUpdate(doc, u.update);
      expect(noteText(doc)).toContain('hello hot log');
      // Another note's update waits in the hot log too.
      const other = await insertSession(app.db, {
        mentorshipId: pair.mentorshipId,
        scheduledAt: new Date(0).toISOString(),
        durationMinutes: 60,
      });
      const otherNote = await app.notes.open(other.id, 'member', { template: [] });
      const otherTypist = typist('other');
      expect((await app.notes.applyClientUpdate(otherNote, otherTypist.type(0), 'test')).ok).toBe(true);
      expect(await count(app, 'note_log', other.id)).toBe(1);
      // A compaction writes the snapshot and deletes the rows it covers, from the hot log too; the
      // other note's row stays where it is (the whole hot log used to move at every compaction).
      const live = await app.notes.get(pair.session.id);
      if (!live) throw new Error('note not live');
      await app.notes.snapshot(live);
      expect(await count(app, 'note_log', pair.session.id)).toBe(0);
      expect(await count(app, 'note_updates', pair.session.id)).toBe(0);
      expect(await count(app, 'note_log', other.id)).toBe(1);
      const otherStored = await new NoteStore(app.db, undefined, 'session').load(other.id);
      expect(otherStored.updates.map((u) => u.seq)).toEqual([otherNote.seq]);
      const after = await new NoteStore(app.db, undefined, 'session').load(pair.session.id);
      expect(after.snapshot?.seq).toBe(live.seq);
      const fromSnapshot = new Y.Doc();
      Y.applyUpdate(fromSnapshot, after.snapshot?.state ?? new Uint8Array());
      expect(noteText(fromSnapshot)).toContain('hello hot log');
    },
  );

  it.skipIf(onPostgres)('moves the hot log into the notes’ own logs on its own, in order, nothing lost', async () => {
    const { app, pair, client } = await setup({ noteLogMoveEveryMs: 50, snapshotEvery: 1_000 });
    const a = await client('mentor');
    for (let i = 0; i < 20; i++) typeAtEnd(a.doc, `${i} `);
    await until(() => a.sync.allSaved, 'saved');
    const seqs = await loggedSeqs(app, 'session', pair.session.id);
    await until(async () => (await count(app, 'note_log', pair.session.id)) === 0, 'the hot log moved');
    expect(await loggedSeqs(app, 'session', pair.session.id)).toEqual(seqs);
    expect(await count(app, 'note_updates', pair.session.id)).toBe(seqs.length);
  });
});

describe('the shared note: convergence under random edits and disconnects', () => {
  for (const seed of [1, 2]) {
    it(`three clients converge after 250 random rounds (seed ${seed})`, { timeout: 40_000 }, async () => {
      const { app, pair, cookies, client } = await setup({ snapshotEvery: 40 });
      const random = prng(seed);
      const people = [await client('mentor'), await client('student'), await client('student')];
      void cookies;
      let typed = 0;
      for (let round = 0; round < 250; round++) {
        const c = people[Math.floor(random() * people.length)];
        if (!c) continue;
        const roll = random();
        if (roll < 0.08) {
          if (c.socket.connected) c.socket.disconnect();
          else c.socket.connect();
        } else if (roll < 0.2) {
          // Delete a range somewhere in a random paragraph's text.
          const texts = c.doc.getXmlFragment('default').createTreeWalker((n) => n instanceof Y.XmlText);
          const all = [...texts] as Y.XmlText[];
          const t = all[Math.floor(random() * all.length)];
          if (t && t.length > 0) {
            const at = Math.floor(random() * t.length);
            t.delete(at, Math.min(t.length - at, 1 + Math.floor(random() * 4)));
          }
        } else if (roll < 0.27) {
          c.doc.getXmlFragment('default').insert(Math.floor(random() * 3), [new Y.XmlElement('paragraph')]);
        } else {
          const texts = [...c.doc.getXmlFragment('default').createTreeWalker((n) => n instanceof Y.XmlText)] as Y.XmlText[];
          const t = texts[Math.floor(random() * texts.length)];
          const word = `w${typed++} `;
          if (t) t.insert(Math.floor(random() * (t.length + 1)), word);
          else typeAtEnd(c.doc, word);
        }
        if (random() < 0.3) await new Promise((r) => setTimeout(r, Math.floor(random() * 5)));
      }
      for (const c of people) if (!c.socket.connected) c.socket.connect();
      await until(() => people.every((c) => c.sync.allSaved), 'everyone saved', 20_000).catch((error: unknown) => {
        const states = people.map((c) => ({
          connected: c.socket.connected,
          ...c.sync.current,
          debug: c.sync.debug(),
          events: c.events.slice(-6),
        }));
        throw new Error(`${String(error)}: ${JSON.stringify(states)}`);
      });
      const live = await app.notes.get(pair.session.id);
      if (!live) throw new Error('note not live');
      await until(() => people.every((c) => noteXml(c.doc) === noteXml(live.doc)), 'all docs equal to the server', 20_000);
      const expected = noteXml(live.doc);
      expect(expected.length).toBeGreaterThan(100);
      for (const c of people) expect(Y.encodeStateVector(c.doc)).toEqual(Y.encodeStateVector(live.doc));

      // What is stored is what everyone sees: a fresh client, after the note is reloaded from the database.
      for (const c of people.splice(0)) c.close();
      await until(() => app.notes.size === 0, 'note unloaded');
      const fresh = await client('mentor');
      expect(noteXml(fresh.doc)).toBe(expected);
    });
  }
});
