import { ApiRoute, apiPath, ClientEvent, ErrorCode, GoalTimelineRoute, NoteChannels } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildTestApp, call, closeTestApps, createMentorship, createUser, loggedSeqs, signIn } from './helpers.js';
import { connectOutcome, listen, type NoteClient, newNoteClient, newSocket, noteXml, until } from './realtime.js';

const clients: NoteClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await closeTestApps();
});

const SECRET = 'Zanzibarquux moving house';

/** Writes a paragraph at the end of a note. */
function write(doc: Y.Doc, text: string) {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment('default').push([paragraph]);
}

async function setup(env: Record<string, string> = {}) {
  const app = await buildTestApp(env);
  const url = await listen(app);
  const p = await createMentorship(app);
  const other = await createMentorship(app);
  const cookies = {
    mentor: await signIn(app, p.mentor),
    student: await signIn(app, p.student),
    otherStudent: await signIn(app, other.student),
    outsider: await signIn(app, await createUser(app, 'mentor')),
    admin: await signIn(app, await createUser(app, 'admin')),
  };
  const open = async (cookie: string, id = p.mentorshipId) => {
    const c = await newNoteClient(url, cookie, id, NoteChannels.private);
    clients.push(c);
    return c;
  };
  return { app, url, p, cookies, open };
}

/** Emits a private-note event on a raw socket and returns the ack. */
async function emit(url: string, cookie: string, event: string, payload: unknown) {
  const socket = newSocket(url, { cookie });
  expect(await connectOutcome(socket)).toBe('connected');
  const raw = (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> } })
    .timeout(5_000)
    .emitWithAck(event, payload);
  const ack = (await raw) as { ok: boolean; error?: { code: string }; data?: { readOnly?: boolean } };
  socket.disconnect();
  return ack;
}

const rows = (app: FastifyInstance) => loggedSeqs(app, 'private');

describe('the mentor’s private note', () => {
  it('is the mentor’s alone: live on their devices, durable, and nowhere for anyone else (REST, socket, export, search, quotes)', async () => {
    const { app, url, p, cookies, open } = await setup();
    const laptop = await open(cookies.mentor);
    const phone = await open(cookies.mentor);
    await until(() => laptop.sync.allSaved && phone.sync.allSaved, 'both devices synced');
    expect(laptop.sync.current.readOnly).toBe(false);
    write(laptop.doc, SECRET);
    await until(() => laptop.sync.allSaved, 'the private note saved');
    await until(() => noteXml(phone.doc).includes(SECRET), 'the other device sees it live');
    expect((await rows(app)).length).toBeGreaterThan(0);

    // The shared note and the private note are different documents.
    const shared = await newNoteClient(url, cookies.student, p.session.id);
    clients.push(shared);
    await until(() => shared.sync.allSaved, 'student synced the shared note');
    expect(noteXml(shared.doc)).not.toContain(SECRET);

    // Socket: everyone but the mentor is told it does not exist; nobody may write without joining.
    for (const who of ['student', 'otherStudent', 'outsider', 'admin'] as const) {
      const join = await emit(url, cookies[who], ClientEvent.privateJoin.name, {
        mentorshipId: p.mentorshipId,
        stateVector: Y.encodeStateVector(new Y.Doc()),
      });
      expect(join, who).toMatchObject({ ok: false, error: { code: ErrorCode.NotFound } });
      const forged = new Y.Doc();
      write(forged, 'injected');
      const update = await emit(url, cookies[who], ClientEvent.privateUpdate.name, {
        mentorshipId: p.mentorshipId,
        update: Y.encodeStateAsUpdate(forged),
      });
      expect(update, who).toMatchObject({ ok: false, error: { code: ErrorCode.NotJoined } });
    }
    // Malformed payloads are refused with a clear error.
    expect(await emit(url, cookies.mentor, ClientEvent.privateJoin.name, { mentorshipId: p.mentorshipId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.ValidationFailed },
    });
    expect(
      await emit(url, cookies.mentor, ClientEvent.privateJoin.name, { sessionId: p.session.id, stateVector: new Uint8Array(1) }),
    ).toMatchObject({ ok: false, error: { code: ErrorCode.ValidationFailed } });
    // The signed-out visitor does not even get a socket.
    const visitor = newSocket(url);
    expect(await connectOutcome(visitor)).toBe('unauthenticated');
    visitor.disconnect();
    expect(noteXml(laptop.doc)).not.toContain('injected');

    // REST: the mentor reads it rendered; everyone else gets the same 404, the visitor 401.
    const route = apiPath(ApiRoute.privateNote, { id: p.mentorshipId });
    const mine = await call(app, 'GET', route, cookies.mentor);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ access: 'write', empty: false });
    expect(mine.json().html).toContain(SECRET);
    for (const who of ['student', 'otherStudent', 'outsider', 'admin'] as const) {
      const res = await call(app, 'GET', route, cookies[who]);
      expect(res.statusCode, who).toBe(404);
      expect(res.body).not.toContain(SECRET);
    }
    expect((await call(app, 'GET', route)).statusCode).toBe(401);

    // The session ends: its record, search index and export are built; the private note is in none but the mentor's export.
    const shared2 = shared.doc;
    write(shared2, 'Shared words everyone may read');
    await until(() => shared.sync.allSaved, 'shared note saved');
    expect((await call(app, 'POST', apiPath(ApiRoute.endSession, { id: p.session.id }), cookies.mentor)).statusCode).toBe(200);
    const exportRoute = apiPath(ApiRoute.mentorshipExport, { id: p.mentorshipId });
    const mentorExport = await call(app, 'GET', exportRoute, cookies.mentor);
    expect(mentorExport.body).toContain('Private note (only you)');
    expect(mentorExport.body).toContain(SECRET);
    for (const who of ['student', 'admin'] as const) {
      const res = await call(app, 'GET', exportRoute, cookies[who]);
      expect(res.statusCode, who).toBe(200);
      expect(res.body, who).toContain('Shared words everyone may read');
      expect(res.body, who).not.toContain(SECRET);
      expect(res.body, who).not.toContain('Private note');
    }
    const sessionExport = await call(app, 'GET', apiPath(ApiRoute.sessionExport, { id: p.session.id }), cookies.student);
    expect(sessionExport.statusCode).toBe(200);
    expect(sessionExport.body).not.toContain(SECRET);
    const record = await call(app, 'GET', apiPath(ApiRoute.sessionRecord, { id: p.session.id }), cookies.student);
    expect(record.statusCode).toBe(200);
    expect(record.body).not.toContain(SECRET);
    for (const who of ['student', 'mentor'] as const) {
      const search = await call(app, 'GET', `${apiPath(ApiRoute.search, { id: p.mentorshipId })}?q=Zanzibarquux`, cookies[who]);
      expect(search.statusCode).toBe(200);
      expect(search.json().results, who).toEqual([]);
      const found = await call(app, 'GET', `${apiPath(ApiRoute.search, { id: p.mentorshipId })}?q=everyone`, cookies[who]);
      expect(found.json().results.length, `${who}: the search itself works`).toBeGreaterThan(0);
    }
    const timelines = await call(app, 'GET', apiPath(GoalTimelineRoute, { id: p.mentorshipId }), cookies.student);
    expect(timelines.statusCode).toBe(200);
    expect(timelines.body).not.toContain(SECRET);
    const dashboard = await call(app, 'GET', ApiRoute.dashboard, cookies.student);
    expect(dashboard.body).not.toContain(SECRET);

    // Durable: with every device gone, it opens again as written.
    for (const device of [laptop, phone]) {
      device.close();
      clients.splice(clients.indexOf(device), 1);
    }
    await until(async () => (await app.privateNotes.get(p.mentorshipId)) === undefined, 'the note unloaded');
    const again = await open(cookies.mentor);
    await until(() => again.sync.allSaved, 'reopened');
    expect(noteXml(again.doc)).toContain(SECRET);
  });

  it('staff read it only when the programme turns that on, and never write it; an ended mentorship leaves it read-only', async () => {
    const { app, p, cookies, open } = await setup({ PRIVATE_NOTES_VISIBLE_TO_ADMINS: 'true' });
    const mentor = await open(cookies.mentor);
    await until(() => mentor.sync.allSaved, 'mentor synced');
    write(mentor.doc, SECRET);
    await until(() => mentor.sync.allSaved, 'saved');

    const route = apiPath(ApiRoute.privateNote, { id: p.mentorshipId });
    const staff = await call(app, 'GET', route, cookies.admin);
    expect(staff.statusCode).toBe(200);
    expect(staff.json()).toMatchObject({ access: 'read' });
    expect(staff.json().html).toContain(SECRET);
    // The student is still told nothing, whatever the programme's setting.
    expect((await call(app, 'GET', route, cookies.student)).statusCode).toBe(404);

    const reader = await open(cookies.admin);
    await until(() => reader.sync.current.readOnly && noteXml(reader.doc).includes(SECRET), 'staff read it live');
    const before = (await rows(app)).length;
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(reader.doc));
    write(forged, 'staff edit');
    const socket = reader.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> } };
    const ack = await socket.timeout(5_000).emitWithAck(ClientEvent.privateUpdate.name, {
      mentorshipId: p.mentorshipId,
      update: Y.encodeStateAsUpdate(forged, Y.encodeStateVector(reader.doc)),
    });
    expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });
    expect((await rows(app)).length).toBe(before);

    await app.db.updateTable('mentorships').set({ status: 'ended' }).where('id', '=', p.mentorshipId).execute();
    const later = await open(cookies.mentor);
    await until(() => later.sync.current.readOnly, 'the mentor reads it, read-only');
    expect((await call(app, 'GET', route, cookies.mentor)).json()).toMatchObject({ access: 'read' });
  });
});
