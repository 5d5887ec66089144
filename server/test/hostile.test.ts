import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packFrame, ServerEvent } from '@tandem/shared';
import MarkdownIt from 'markdown-it';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { recordToMarkdown } from '../src/sessions/exports.js';
import { buildTestApp, closeTestApps, createMentorship, signIn, signInIdOf, storedDoc } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import { connectOutcome, listen, newNoteClient, newSocket, noteXml, typeAtEnd, until } from './realtime.js';

const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await closeTestApps();
});

const post = (url: string, cookie: string, origin: string | null = TEST_ORIGIN) => ({
  method: 'POST' as const,
  url,
  headers: { cookie, ...(origin ? { origin } : {}) },
});

describe('requests from elsewhere', () => {
  it('refuses a state-changing request without an Origin, and still answers reads', async () => {
    const app = await buildTestApp();
    const pair = await createMentorship(app);
    const cookie = await signIn(app, pair.mentor);
    const noOrigin = await app.inject(post(`/api/sessions/${pair.session.id}/end`, cookie, null));
    expect(noOrigin.statusCode).toBe(403);
    expect(noOrigin.json().error.code).toBe('BAD_ORIGIN');
    const signOut = await app.inject(post('/api/auth/sign-out', cookie, null));
    expect(signOut.statusCode).toBe(403);
    // Nothing changed: the session is still open and the sign-in still valid.
    expect((await app.inject({ method: 'GET', url: `/api/sessions/${pair.session.id}`, headers: { cookie } })).json().session.status).toBe(
      'scheduled',
    );
  });

  it('sends security headers: a CSP that forbids framing, nosniff, no referrer leaks', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-client-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Tandem</title>');
    const app = await buildTestApp({ CLIENT_DIR: dir, LIVEKIT_PUBLIC_URL: 'wss://lk.example.org' });
    for (const url of ['/', '/api/health', '/sessions/x']) {
      const res = await app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toMatch(/connect-src 'self' ws:\/\/localhost:3000 wss:\/\/lk\.example\.org https:\/\/lk\.example\.org/);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});

describe('signing out', () => {
  it('closes the sockets opened with that sign-in within a second, and only those', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const cookie = await signIn(app, pair.mentor);
    const otherDevice = await signIn(app, pair.mentor);
    const goals = newSocket(url, { cookie });
    const kept = newSocket(url, { cookie: otherDevice });
    closers.push(
      () => goals.disconnect(),
      () => kept.disconnect(),
    );
    expect(await connectOutcome(goals)).toBe('connected');
    expect(await connectOutcome(kept)).toBe('connected');
    expect((await goals.emitWithAck('goals:subscribe', { sessionId: pair.session.id })).ok).toBe(true);
    const reason = new Promise<string>((resolve) => goals.on(ServerEvent.serverError.name, (p) => resolve(p.reason)));

    const started = Date.now();
    expect((await app.inject(post('/api/auth/sign-out', cookie))).statusCode).toBe(204);
    await until(() => !goals.connected, 'the signed-out socket closed', 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await reason).toBe('unauthenticated');
    // The other device's sign-in is untouched.
    expect((await kept.emitWithAck('goals:subscribe', { sessionId: pair.session.id })).ok).toBe(true);
  });

  it('refuses events once the sign-in is gone, even without a sign-out (expired or removed elsewhere)', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const cookie = await signIn(app, pair.student);
    const socket = newSocket(url, { cookie });
    closers.push(() => socket.disconnect());
    expect(await connectOutcome(socket)).toBe('connected');
    const closed = new Promise((r) => socket.once('disconnect', () => r('closed')));
    const removedAt = performance.now();
    await app.db.deleteFrom('auth_sessions').where('id', '=', signInIdOf(cookie)).execute();
    // Within the sweep's second, the socket closes even without sending anything; an event sent
    // meanwhile is never handled.
    const res = await Promise.race([
      closed,
      new Promise((r) => setTimeout(r, 1_100)).then((): Promise<unknown> | string =>
        socket.connected ? socket.emitWithAck('chat:send', { sessionId: pair.session.id, text: 'still here?' }) : 'closed',
      ),
    ]);
    expect(res).toBe('closed');
    expect(performance.now() - removedAt).toBeLessThan(2_500);
    const rows = await app.db.selectFrom('transcript_segments').select('id').where('session_id', '=', pair.session.id).execute();
    expect(rows).toEqual([]);
  });

  it('refuses a keystroke once the sign-in is gone while the sweep lags behind: it waits for its own read and is never applied', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const cookie = await signIn(app, pair.student);
    const client = await newNoteClient(url, cookie, pair.session.id);
    closers.push(() => client.close());
    await until(() => client.sync.allSaved, 'synced');
    // The once-a-second sweep stalls (a slow database): past its 2 s of trust, an event reads the sign-in itself.
    stallTheSweep(app);
    await app.db.deleteFrom('auth_sessions').where('id', '=', signInIdOf(cookie)).execute();
    await new Promise((r) => setTimeout(r, 2_300));
    expect(client.socket.connected).toBe(true);
    const closed = new Promise((r) => client.socket.once('disconnect', () => r('closed')));
    typeAtEnd(client.doc, 'typed after the sign-in was gone');
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 5_000))])).toBe('closed');
    expect(client.events).toContain('server_error:unauthenticated');
    expect(noteXml(await storedDoc(app, pair.session.id))).not.toContain('typed after');
  });

  it('reads the sign-ins of many sockets whose trust ran out together, in one query rather than one each', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pairs = await Promise.all([1, 2, 3, 4].map(() => createMentorship(app)));
    const people = pairs.flatMap((pair) => [pair.mentor, pair.student].map((person) => ({ person, pair })));
    const sockets = await Promise.all(
      people.map(async ({ person, pair }) => {
        const cookie = await signIn(app, person);
        const socket = newSocket(url, { cookie });
        closers.push(() => socket.disconnect());
        expect(await connectOutcome(socket)).toBe('connected');
        return { socket, signIn: signInIdOf(cookie), sessionId: pair.session.id };
      }),
    );
    // The sweep stalls; past its 2 s of trust every socket's next event waits for a read of its sign-in.
    const reads = stallTheSweep(app);
    await new Promise((r) => setTimeout(r, 2_300));
    const answers = await Promise.all(sockets.map(({ socket, sessionId }) => socket.emitWithAck('goals:subscribe', { sessionId })));
    expect(answers.map((a) => a.ok)).toEqual(sockets.map(() => true));
    // Eight sockets, eight sign-ins: read together as they came (the same turn of the loop, or two
    // or three), where each used to read its own.
    expect(new Set(reads.flat())).toEqual(new Set(sockets.map((s) => s.signIn)));
    expect(reads.length).toBeLessThanOrEqual(3);
  });
});

/**
 * Stalls the sign-in sweep (its next read never answers: a slow database) and lets every read
 * after it through; returns the ids of each of those later reads.
 */
function stallTheSweep(app: Awaited<ReturnType<typeof buildTestApp>>): string[][] {
  const read = app.auth.validSignIns;
  const later: string[][] = [];
  let stalled = false;
  app.auth.validSignIns = (ids) => {
    if (!stalled) {
      stalled = true;
      return new Promise(() => undefined);
    }
    later.push([...ids]);
    return read(ids);
  };
  return later;
}

describe('floods', () => {
  it('limits bytes per person: big frames within the message budget close the sockets, reconnecting does not reset it, one log line', async () => {
    const warnings: string[] = [];
    const app = await buildTestApp(
      {},
      {
        logger: {
          level: 'warn',
          stream: {
            write: (line: string) => {
              warnings.push(line);
            },
          },
        },
      },
    );
    const url = await listen(app);
    const honest = await createMentorship(app);
    const calm = await newNoteClient(url, await signIn(app, honest.student), honest.session.id);
    closers.push(calm.close);
    await until(() => calm.sync.allSaved, 'calm client synced');

    const attacker = await createMentorship(app);
    const cookie = await signIn(app, attacker.mentor);
    const flood = newSocket(url, { cookie });
    closers.push(() => flood.disconnect());
    expect(await connectOutcome(flood)).toBe('connected');
    const reason = new Promise<string>((resolve) => flood.on(ServerEvent.serverError.name, (p) => resolve(p.reason)));
    const big = new Uint8Array(400 * 1024);
    // 20 messages: far within the message budget, 8 MB: far over the byte budget.
    for (let i = 0; i < 20; i++) flood.emit('notes:update', { sessionId: attacker.session.id, update: big }, () => {});
    expect(await reason).toBe('rate_limited');
    await until(() => !flood.connected, 'flooder closed');
    // A new socket of the same person is refused for a while: the budget is theirs, not the socket's.
    const again = newSocket(url, { cookie });
    closers.push(() => again.disconnect());
    expect(await connectOutcome(again)).toBe('rate_limited');

    // The honest pair does not notice.
    const para = calm.doc.getXmlFragment('default').get(1) as Y.XmlElement;
    para.insert(0, [new Y.XmlText('unbothered')]);
    await until(() => calm.sync.allSaved, 'honest edit saved', 2_000);
    const budgetLines = warnings.filter((l) => l.includes('realtime budget exceeded'));
    expect(budgetLines).toHaveLength(1);
  });

  it('refuses a payload larger than its event needs before parsing it, and the socket stays usable', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const socket = newSocket(url, { cookie: await signIn(app, pair.mentor) });
    closers.push(() => socket.disconnect());
    expect(await connectOutcome(socket)).toBe('connected');
    expect((await socket.emitWithAck('goals:subscribe', { sessionId: pair.session.id })).ok).toBe(true);
    const huge = await socket.emitWithAck('goals:command', {
      sessionId: pair.session.id,
      command: { type: 'create', goalId: randomUUID(), fields: { title: 'x'.repeat(100_000) }, orderKey: 'V' },
    } as never);
    expect(huge).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const chat = await socket.emitWithAck('chat:send', { sessionId: pair.session.id, text: 'y'.repeat(50_000) });
    expect(chat).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const fine = await socket.emitWithAck('goals:command', {
      sessionId: pair.session.id,
      command: { type: 'create', goalId: randomUUID(), fields: { title: 'A real goal' }, orderKey: 'V' },
    });
    expect(fine.ok).toBe(true);
  });

  it('closes a connection that sends a malformed binary frame; the server and everyone else go on', async () => {
    const app = await buildTestApp();
    const url = await listen(app);
    const pair = await createMentorship(app);
    const [mentorCookie, studentCookie] = [await signIn(app, pair.mentor), await signIn(app, pair.student)];
    const student = await newNoteClient(url, studentCookie, pair.session.id);
    closers.push(() => student.close());
    const frames = [
      new Uint8Array([0x54, 0, 0, 0, 0, 0]), // no attachments
      new Uint8Array([0x54, 1, 200, 0, 0, 0, 1, 0, 0, 0, 0x35]), // lengths that do not add up
      packFrame('2["notes:update",{}]', [new Uint8Array([1])]), // a header that announces no attachment
      packFrame('51-["notes:update",{"update":{"_placeholder":true,"num":4}}]', [new Uint8Array([1])]), // a placeholder past the end
      new Uint8Array([1, 2, 3]), // not this format at all
    ];
    for (const frame of frames) {
      const socket = newSocket(url, { cookie: mentorCookie });
      closers.push(() => socket.disconnect());
      expect(await connectOutcome(socket)).toBe('connected');
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      socket.io.engine.write(frame as unknown as string);
      expect(await closed).toBe('transport close');
    }
    // The server is up and the others were not touched: the student still types and is saved.
    expect(student.socket.connected).toBe(true);
    student.doc.getXmlFragment('default').insert(0, [new Y.XmlText('still here')]);
    await until(() => student.sync.allSaved, 'the student is saved');
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});

describe('exports', () => {
  it('escapes everything people wrote: a real Markdown renderer shows it as text, never as HTML or a live link', async () => {
    const payloads = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(2)>',
      '[click](javascript:alert(3))',
      '![x](javascript:alert(4))',
      '<javascript:alert(5)>',
      '<a href="javascript:alert(6)">a</a>',
      '`</code><svg onload=alert(7)>`',
      '&lt;script&gt;alert(8)&lt;/script&gt;',
      '<details open ontoggle=alert(9)>',
      '[a]: javascript:alert(10)\n[a]',
    ];
    const md = new MarkdownIt({ html: true, linkify: true });
    for (const evil of payloads) {
      const name = evil.slice(0, 80);
      const record = {
        session: { id: randomUUID(), mentorshipId: randomUUID(), week: 1, scheduledAt: new Date().toISOString(), durationMinutes: 60 },
        mentorship: { title: evil, mentor: { id: 'm', displayName: name }, student: { id: 's', displayName: name } },
        durationSeconds: 600,
        attendance: [{ userId: 'm', displayName: name, firstJoinedAt: '', lastLeftAt: '', seconds: 60 }],
        noteMarkdown: '',
        goals: [{ id: 'g', title: evil, status: 'open', owner: 'student', dueDate: null, isFocus: false }],
        goalEvents: [
          { goalId: 'g', kind: 'created', userName: name, after: { title: evil } },
          { goalId: 'g', kind: 'updated', userName: name, before: { title: 'old' }, after: { title: evil } },
        ],
        transcript: [{ startMs: 0, speakerName: name, kind: 'chat', text: evil }],
      } as unknown as Parameters<typeof recordToMarkdown>[0];
      const html = md.render(recordToMarkdown(record));
      expect(html, evil).not.toMatch(/<(script|img|svg|details|a )[^>]*/i);
      expect(html, evil).not.toMatch(/<[^>]*\son\w+=/i);
      expect(html, evil).not.toMatch(/href="javascript:/i);
      expect(html, evil).not.toMatch(/<a /i);
    }
  });
});

describe('the join window and LiveKit going away', () => {
  it('opens a future session to join only shortly before its time, and never ends a session that has not started', async () => {
    const app = await buildTestApp({ SESSION_JOIN_WINDOW_MINUTES: '15' });
    const pair = await createMentorship(app);
    const inAWeek = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    await app.db.updateTable('sessions').set({ scheduled_at: inAWeek }).where('id', '=', pair.session.id).execute();
    const cookie = await signIn(app, pair.student);
    const detail = await app.inject({ method: 'GET', url: `/api/sessions/${pair.session.id}`, headers: { cookie } });
    expect(detail.json().joinOpensAt).toBe(new Date(Date.parse(inAWeek) - 15 * 60_000).toISOString());
    const early = await app.inject(post(`/api/sessions/${pair.session.id}/token`, cookie));
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('NOT_YET_OPEN');
    expect(await app.sessions.reconcile(new Date(Date.now() + 3600_000))).toEqual([]);
    const row = await app.db.selectFrom('sessions').select('status').where('id', '=', pair.session.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('scheduled');
    // Within the window it opens.
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    await app.db.updateTable('sessions').set({ scheduled_at: soon }).where('id', '=', pair.session.id).execute();
    expect((await app.inject(post(`/api/sessions/${pair.session.id}/token`, cookie))).statusCode).toBe(200);
  });

  it('ends an empty live session from what the server knows when LiveKit does not answer, and stops counting attendance', async () => {
    // Nothing listens on this port: every LiveKit call fails.
    const app = await buildTestApp({ LIVEKIT_URL: 'ws://127.0.0.1:9', SESSION_END_GRACE_SECONDS: '60' });
    const url = await listen(app);
    const pair = await createMentorship(app);
    const joinedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    await app.db.updateTable('sessions').set({ status: 'live', started_at: joinedAt }).where('id', '=', pair.session.id).execute();
    await app.db
      .insertInto('attendance')
      .values({ session_id: pair.session.id, user_id: pair.student.id, participant_sid: 'PA_1', joined_at: joinedAt, left_at: null })
      .execute();
    // While someone of the pair has the session open, it is not empty.
    const present = await newNoteClient(url, await signIn(app, pair.student), pair.session.id);
    await until(() => present.sync.allSaved, 'student present');
    const now = Date.now();
    expect(await app.sessions.reconcile(new Date(now))).toEqual([]);
    expect(await app.sessions.reconcile(new Date(now + 120_000))).toEqual([]);
    present.close();
    await until(async () => (await app.realtime.connectedTo(pair.session.id)).length === 0, 'student gone');
    expect(await app.sessions.reconcile(new Date(now + 130_000))).toEqual([]); // noticed empty: the grace starts
    const attendance = await app.db.selectFrom('attendance').select('left_at').where('session_id', '=', pair.session.id).execute();
    expect(attendance.every((a) => a.left_at !== null)).toBe(true);
    expect(await app.sessions.reconcile(new Date(now + 200_000))).toEqual([pair.session.id]);
    const record = await app.db
      .selectFrom('session_records')
      .select('attendance_json')
      .where('session_id', '=', pair.session.id)
      .executeTakeFirstOrThrow();
    const seconds = JSON.parse(record.attendance_json)[0].seconds;
    // Counted up to when the server noticed the room empty (about ten minutes), not up to the end.
    expect(seconds).toBeGreaterThanOrEqual(590);
    expect(seconds).toBeLessThan(800);
  });
});
