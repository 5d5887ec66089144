import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildTestApp, closeTestApps, createMentorship, envOf, onPostgres, signIn, storedDoc } from './helpers.js';
import { listen, newGoalsClient, newNoteClient, noteXml, prng, typeAtEnd, until } from './realtime.js';
import { haveRedis, startRedis } from './redis.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await closeTestApps();
});

/** Two nodes on one PostgreSQL and one Redis, a pair, and the pair's people each on their own node. */
async function twoNodes() {
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  const first = await buildTestApp({ REDIS_URL: redis.url, NODE_NAME: 'node-a' });
  const second = await buildTestApp({ ...envOf(first), NODE_NAME: 'node-b' });
  const urls = [await listen(first), await listen(second)] as const;
  const pair = await createMentorship(first);
  const cookies = { mentor: await signIn(first, pair.mentor), student: await signIn(second, pair.student) };
  const note = async (who: 'mentor' | 'student', node: 0 | 1) => {
    const c = await newNoteClient(urls[node], cookies[who], pair.session.id);
    cleanups.push(() => c.close());
    await until(() => c.sync.allSaved, `${who} synced`);
    return c;
  };
  return { redis, apps: [first, second] as const, urls, pair, cookies, note };
}

const health = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/api/health' })).json() as { status: string };

describe.skipIf(!onPostgres || !haveRedis)('several nodes (PostgreSQL + Redis)', () => {
  it('two people on different nodes type in the same note and edit the same goals: they converge, and every acknowledged update is in PostgreSQL', async () => {
    const { apps, urls, pair, cookies, note } = await twoNodes();
    expect(await health(apps[0])).toMatchObject({ status: 'ready' });
    const mentor = await note('mentor', 0);
    const student = await note('student', 1);
    expect(noteXml(student.doc)).toBe(noteXml(mentor.doc));

    const random = prng(7);
    for (let i = 0; i < 120; i++) {
      const [who, name] = random() < 0.5 ? ([mentor, 'm'] as const) : ([student, 's'] as const);
      typeAtEnd(who.doc, `${name}${i} `);
      if (i % 8 === 7) await new Promise((r) => setTimeout(r, random() * 20));
    }
    await until(() => mentor.sync.allSaved && student.sync.allSaved && noteXml(mentor.doc) === noteXml(student.doc), 'converged');
    for (const i of [0, 60, 119]) expect(noteXml(mentor.doc)).toContain(`${i} `);
    expect(noteXml(await storedDoc(apps[1], pair.session.id))).toBe(noteXml(mentor.doc));

    // Goals: a command on one node reaches the panel open on the other (Socket.IO's rooms through Redis).
    const goalsA = await newGoalsClient(urls[0], cookies.mentor, pair.session.id);
    const goalsB = await newGoalsClient(urls[1], cookies.student, pair.session.id);
    cleanups.push(
      () => goalsA.close(),
      () => goalsB.close(),
    );
    const made = await goalsA.sync.run({ type: 'create', goalId: randomUUID(), fields: { title: 'Ship it' }, orderKey: 'V' });
    if (!made.ok) throw new Error(made.error.message);
    const goalId = made.data.goals[0]?.id ?? '';
    await until(() => goalsB.sync.current.goals.some((g) => g.id === goalId), 'the goal reached the other node');
    const done = await goalsB.sync.run({ type: 'update', goalId, patch: { status: 'done' } });
    expect(done.ok).toBe(true);
    await until(() => goalsA.sync.current.goals.some((g) => g.id === goalId && g.status === 'done'), 'the change came back');
  });

  it('Redis away for a while: both nodes refuse realtime traffic (health 503), nothing acknowledged is lost, and both people converge soon after it returns', async () => {
    const outageMs = Number(process.env.TEST_REDIS_OUTAGE_MS ?? 30_000);
    const { redis, apps, pair, note } = await twoNodes();
    const mentor = await note('mentor', 0);
    const student = await note('student', 1);
    typeAtEnd(mentor.doc, 'before ');
    await until(() => student.doc.getXmlFragment('default').toString().includes('before'), 'relayed');

    await redis.stop();
    await until(() => !mentor.socket.connected && !student.socket.connected, 'both apps told to reconnect', 5_000);
    for (const app of apps) expect(await health(app)).toMatchObject({ status: 'redis_unavailable' });
    // Typed while Redis is away: kept by each app, never shown as saved.
    typeAtEnd(mentor.doc, 'mentor-during ');
    typeAtEnd(student.doc, 'student-during ');
    await new Promise((r) => setTimeout(r, outageMs));
    expect(mentor.sync.allSaved).toBe(false);
    expect(student.sync.allSaved).toBe(false);
    expect(mentor.socket.connected || student.socket.connected).toBe(false);

    await redis.start();
    const back = performance.now();
    await until(
      () => mentor.sync.allSaved && student.sync.allSaved && noteXml(mentor.doc) === noteXml(student.doc),
      'converged after Redis returned',
      10_000,
    );
    const convergedMs = performance.now() - back;
    for (const word of ['before', 'mentor-during', 'student-during']) expect(noteXml(mentor.doc)).toContain(word);
    expect(noteXml(await storedDoc(apps[0], pair.session.id))).toBe(noteXml(mentor.doc));
    for (const app of apps) expect(await health(app)).toMatchObject({ status: 'ready' });
    console.info(`redis outage ${outageMs} ms: converged ${Math.round(convergedMs)} ms after its return`);
  }, 90_000);
});
