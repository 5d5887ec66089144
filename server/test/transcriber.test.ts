import { ServerEvent, type TranscriptSegment } from '@tandem/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { insertSession } from '../src/db/mentorships.js';
import { PocketsphinxEngine } from '../src/transcript/pocketsphinx.js';
import { type SpokenSegment, Transcriber } from '../src/transcript/transcriber.js';
import { buildTestApp, createMentorship, createUser, signIn } from './helpers.js';
import { speakerIn, useTestLivekit } from './livekit.js';
import { TEST_ORIGIN } from './origin.js';
import { connectOutcome, listen, newSocket, until } from './realtime.js';
import { expectRecognised, recognised, speak, TEST_PHRASE } from './speech.js';

const lk = useTestLivekit(7990);
const speaker = (identity: string, roomName: string) => speakerIn(lk.current, identity, roomName);

describe('the transcriber in a real LiveKit room with the offline engine', () => {
  it('attributes recognised speech to its speaker with plausible times', async () => {
    const roomName = `transcribe-${Date.now()}`;
    const sessionStart = Date.now();
    const segments: SpokenSegment[] = [];
    const transcriber = new Transcriber({
      livekit: { url: lk.current.url, apiKey: lk.current.apiKey, apiSecret: lk.current.apiSecret },
      engine: new PocketsphinxEngine(),
      sessionId: 'sess-1',
      roomName,
      sessionStart,
      speakers: new Map([['student-1', 'Sam Student']]),
      onSegment: (s) => segments.push(s),
      log: pino({ level: 'silent' }),
    });
    await transcriber.start();
    const sam = await speaker('student-1', roomName);
    const outsider = await speaker('not-consented', roomName);
    const pcm = speak(TEST_PHRASE);
    await Promise.all([sam.say(pcm), outsider.say(speak('This should never be transcribed at all.'))]);
    await until(() => segments.length > 0, 'a segment', 30_000);
    // Through Opus and a busy machine the same recording is sometimes heard as other words (a fresh
    // machine's run got "to do ya wanna go you do the light…", no keyword): Sam says it once more then.
    if (!recognised(segments.map((s) => s.text).join(' '))) {
      const heard = segments.length;
      await sam.say(pcm);
      await until(() => segments.length > heard, 'a segment of the second try', 30_000);
    }
    await transcriber.stop();
    await sam.leave();
    await outsider.leave();

    const text = segments.map((s) => s.text).join(' ');
    expect(segments.every((s) => s.speakerId === 'student-1' && s.speakerName === 'Sam Student')).toBe(true);
    expectRecognised(text);
    const elapsed = Date.now() - sessionStart;
    for (const s of segments) {
      expect(s.startMs).toBeGreaterThanOrEqual(0);
      expect(s.endMs).toBeGreaterThan(s.startMs);
      expect(s.endMs).toBeLessThanOrEqual(elapsed);
    }
  }, 90_000);
});

describe('consent, captions, chat and the saved transcript', () => {
  it('transcribes only once both agreed, shows captions to the other person, and saves transcript and chat with the record', async () => {
    const app = await buildTestApp(lk.env());
    const url = await listen(app);
    const pair = await createMentorship(app);
    const room = (await app.db.selectFrom('sessions').select('room_name').where('id', '=', pair.session.id).executeTakeFirstOrThrow())
      .room_name;
    const mentorCookie = await signIn(app, pair.mentor);
    const open = async (cookie: string) => {
      const socket = newSocket(url, { cookie });
      expect(await connectOutcome(socket)).toBe('connected');
      const ack = await socket.emitWithAck('captions:open', { sessionId: pair.session.id });
      if (!ack.ok) throw new Error(ack.error.message);
      return { socket, ack: ack.data };
    };
    const mentor = await open(mentorCookie);
    const student = await open(await signIn(app, pair.student));
    const captions: { segment: TranscriptSegment; final: boolean }[] = [];
    mentor.socket.on(ServerEvent.captionsSegment.name, (p) => captions.push(p as { segment: TranscriptSegment; final: boolean }));
    expect(mentor.ack).toMatchObject({ mentorConsent: false, studentConsent: false, running: false, segments: [] });

    // The student speaks before anyone agreed: nothing is transcribed.
    const sam = await speaker(pair.student.id, room);
    await sam.say(speak('Nobody agreed yet so this stays private.'));
    expect(await mentor.socket.emitWithAck('captions:consent', { sessionId: pair.session.id, consent: true })).toMatchObject({
      ok: true,
      data: { mentorConsent: true, running: false },
    });
    await sam.say(speak('Only one of us agreed so far.'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(captions.filter((c) => c.segment.kind === 'speech')).toEqual([]);

    // An outsider can neither open nor consent.
    const outsider = newSocket(url, { cookie: await signIn(app, await createUser(app, 'mentor')) });
    expect(await connectOutcome(outsider)).toBe('connected');
    expect(await outsider.emitWithAck('captions:consent', { sessionId: pair.session.id, consent: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    outsider.disconnect();

    const both = await student.socket.emitWithAck('captions:consent', { sessionId: pair.session.id, consent: true });
    expect(both).toMatchObject({ ok: true, data: { mentorConsent: true, studentConsent: true, running: true } });
    await sam.say(speak(TEST_PHRASE));
    await until(() => captions.some((c) => c.final && c.segment.kind === 'speech'), 'a caption on the mentor side', 30_000);
    const spoken = captions.filter((c) => c.segment.kind === 'speech');
    expect(spoken.every((c) => c.segment.speakerName === pair.student.displayName)).toBe(true);

    // Chat shares the timeline and is stored.
    expect(await student.socket.emitWithAck('chat:send', { sessionId: pair.session.id, text: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const chat = await student.socket.emitWithAck('chat:send', { sessionId: pair.session.id, text: 'Here is the link to my portfolio' });
    expect(chat).toMatchObject({ ok: true, data: { kind: 'chat', speakerName: pair.student.displayName } });
    const reopened = await open(mentorCookie);
    expect(reopened.ack.segments.map((s) => s.kind)).toContain('chat');

    // Either person can stop it at any time.
    expect(await student.socket.emitWithAck('captions:consent', { sessionId: pair.session.id, consent: false })).toMatchObject({
      ok: true,
      data: { running: false },
    });
    const before = captions.filter((c) => c.segment.kind === 'speech').length;
    await sam.say(speak('After stopping nothing more is written down.'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(captions.filter((c) => c.segment.kind === 'speech')).toHaveLength(before);
    await sam.leave();

    const ended = await app.inject({
      method: 'POST',
      url: `/api/sessions/${pair.session.id}/end`,
      headers: { origin: TEST_ORIGIN, cookie: mentorCookie },
    });
    expect(ended.statusCode).toBe(200);
    const record = (
      await app.inject({ method: 'GET', url: `/api/sessions/${pair.session.id}/record`, headers: { cookie: mentorCookie } })
    ).json();
    expect(record.transcript.some((t: TranscriptSegment) => t.kind === 'speech' && t.speakerId === pair.student.id)).toBe(true);
    expect(record.transcript.some((t: TranscriptSegment) => t.kind === 'chat' && t.text === 'Here is the link to my portfolio')).toBe(true);
    const md = await app.inject({ method: 'GET', url: `/api/sessions/${pair.session.id}/export.md`, headers: { cookie: mentorCookie } });
    expect(md.body).toContain('Here is the link to my portfolio');
    const search = (
      await app.inject({
        method: 'GET',
        url: `/api/mentorships/${pair.mentorshipId}/search?q=portfolio`,
        headers: { cookie: mentorCookie },
      })
    ).json();
    expect(search.results).toEqual([expect.objectContaining({ kind: 'transcript' })]);
    for (const s of [mentor.socket, student.socket, reopened.socket]) s.disconnect();
  }, 120_000);
});

describe('consent for all of a mentorship’s sessions', () => {
  it('starts the next session’s captions by itself, and withdrawing once withdraws for good', async () => {
    const app = await buildTestApp(lk.env());
    const url = await listen(app);
    const pair = await createMentorship(app);
    const cookies = [await signIn(app, pair.mentor), await signIn(app, pair.student)];
    const sockets = [];
    for (const cookie of cookies) {
      const socket = newSocket(url, { cookie });
      expect(await connectOutcome(socket)).toBe('connected');
      sockets.push(socket);
    }
    const [mentor, student] = sockets;
    if (!mentor || !student) throw new Error('sockets');
    for (const s of sockets) {
      expect(await s.emitWithAck('captions:open', { sessionId: pair.session.id })).toMatchObject({ ok: true });
      expect(await s.emitWithAck('captions:consent', { sessionId: pair.session.id, consent: true, scope: 'mentorship' })).toMatchObject({
        ok: true,
      });
    }
    await app.transcription.stop(pair.session.id);

    const next = await insertSession(app.db, {
      mentorshipId: pair.mentorshipId,
      scheduledAt: new Date().toISOString(),
      durationMinutes: 60,
    });
    const opened = await mentor.emitWithAck('captions:open', { sessionId: next.id });
    expect(opened).toMatchObject({
      ok: true,
      data: { mentorConsent: true, studentConsent: true, mentorRemembers: true, studentRemembers: true, running: true },
    });

    const withdrawn = await student.emitWithAck('captions:consent', { sessionId: next.id, consent: false });
    expect(withdrawn).toMatchObject({ ok: true, data: { studentConsent: false, studentRemembers: false, running: false } });
    const third = await insertSession(app.db, {
      mentorshipId: pair.mentorshipId,
      scheduledAt: new Date().toISOString(),
      durationMinutes: 60,
    });
    expect(await mentor.emitWithAck('captions:open', { sessionId: third.id })).toMatchObject({
      ok: true,
      data: { studentConsent: false, running: false },
    });
    for (const s of sockets) s.disconnect();
  }, 60_000);
});
