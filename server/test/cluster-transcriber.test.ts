import { ServerEvent, type TranscriptSegment } from '@tandem/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { Leases } from '../src/cluster/leases.js';
import { buildTestApp, createMentorship, envOf, onPostgres, signIn } from './helpers.js';
import { speakerIn, useTestLivekit } from './livekit.js';
import { freePort, killServers, startBuiltServer } from './process.js';
import { connectOutcome, listen, newSocket, until } from './realtime.js';
import { haveRedis, startRedis } from './redis.js';
import { speak, TEST_PHRASE } from './speech.js';

const lk = useTestLivekit(7996);
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  killServers();
  for (const stop of stops.splice(0)) await stop();
});

describe.skipIf(!onPostgres || !haveRedis)('a session’s transcriber in cluster mode', () => {
  it('runs on one node; when that node dies (kill -9) another takes it over within 10 s and captions resume', async () => {
    const redis = await startRedis();
    stops.push(() => redis.stop());
    // Node B in this process; node A the built server in its own process (so that it can die).
    const nodeB = await buildTestApp({ ...lk.env(), REDIS_URL: redis.url, NODE_NAME: 'node-b' });
    const urlB = await listen(nodeB);
    const portA = await freePort();
    await startBuiltServer(portA, { ...envOf(nodeB), NODE_NAME: 'node-a', WEEK_TICK_SECONDS: '0', SESSION_RECONCILE_SECONDS: '0' });
    const urlA = `http://127.0.0.1:${portA}`;

    const pair = await createMentorship(nodeB);
    const session = await nodeB.db
      .updateTable('sessions')
      .set({ status: 'live', started_at: new Date().toISOString() })
      .where('id', '=', pair.session.id)
      .returning('room_name')
      .executeTakeFirstOrThrow();
    const cookies = { mentor: await signIn(nodeB, pair.mentor), student: await signIn(nodeB, pair.student) };
    const open = async (url: string, cookie: string) => {
      const socket = newSocket(url, { cookie });
      expect(await connectOutcome(socket)).toBe('connected');
      const ack = await socket.emitWithAck('captions:open', { sessionId: pair.session.id });
      if (!ack.ok) throw new Error(ack.error.message);
      return socket;
    };
    // Both agree on node A: its transcriber starts there.
    const onA = [await open(urlA, cookies.mentor), await open(urlA, cookies.student)];
    for (const s of onA) expect((await s.emitWithAck('captions:consent', { sessionId: pair.session.id, consent: true })).ok).toBe(true);
    const leases = new Leases(nodeB.db, 'observer');
    const lease = `transcriber:${pair.session.id}`;
    await until(async () => (await leases.holderOf(lease))?.startsWith('node-a:') ?? false, 'node A runs the transcriber');

    // The mentor watches captions from node B.
    const watcher = await open(urlB, cookies.mentor);
    const captions: TranscriptSegment[] = [];
    watcher.on(ServerEvent.captionsSegment.name, (p: { segment: TranscriptSegment; final: boolean }) => {
      if (p.final && p.segment.kind === 'speech') captions.push(p.segment);
    });

    killServers();
    const died = performance.now();
    await until(async () => (await leases.holderOf(lease))?.startsWith('node-b:') ?? false, 'node B took the transcriber over', 10_000);
    const tookOverMs = performance.now() - died;

    const student = await speakerIn(lk.current, pair.student.id, session.room_name);
    stops.push(async () => student.leave());
    await until(
      async () => {
        if (captions.length > 0) return true;
        await student.say(speak(TEST_PHRASE));
        return captions.length > 0;
      },
      'a caption after the takeover',
      60_000,
    );
    expect(captions[0]?.speakerId).toBe(pair.student.id);
    console.info(`transcriber taken over ${Math.round(tookOverMs)} ms after its node died`);
    watcher.disconnect();
    for (const s of onA) s.disconnect();
  }, 120_000);
});
