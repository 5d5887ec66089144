import { randomUUID } from 'node:crypto';
import { ApiRoute, ProgrammeRoute, ReportRoute, ServerEvent } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTE_COOKIE } from '../src/cluster/route.js';
import { HOLDERS_CHECK_MS } from '../src/realtime/noteCluster.js';
import { buildTestApp, closeTestApps, createMentorship, envOf, onPostgres, signIn, storedDoc } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import {
  connectOutcome,
  listen,
  newGoalsClient,
  newNoteClient,
  newSocket,
  noteXml,
  prng,
  rawTypist,
  typeAtEnd,
  until,
} from './realtime.js';
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

/**
 * Every message on a note's Redis channel, by kind, heard as a third party: it never speaks, and it
 * listens through a pattern, which Redis does not count as a subscriber of the channel, so no node
 * takes it for a holder. `edits` counts the edits and carets published.
 */
async function listenToNote(app: FastifyInstance, sessionId: string) {
  const listener = new Redis(envOf(app).REDIS_URL ?? '');
  cleanups.push(() => listener.disconnect());
  const seen: number[] = [];
  listener.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => seen.push(message[0] ?? 0));
  await listener.psubscribe(`tandem:note:session:${sessionId}`);
  return { seen, edits: () => seen.filter((kind) => kind === 1 || kind === 2).length };
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

  it("a pair's people share a routing cookie (the load balancer puts them on one node); a note only one node holds costs Redis nothing, and its edits are published once another node holds it", async () => {
    const { apps, pair, cookies, note } = await twoNodes();

    // The routing cookie: the same for the mentor and their student, another for another pair; /api/me sets it again.
    const routeOf = async (res: Promise<{ cookies: { name: string; value: string }[] }>) =>
      (await res).cookies.find((c) => c.name === ROUTE_COOKIE)?.value;
    const signInRoute = (app: FastifyInstance, user: { email: string; password: string }) =>
      routeOf(
        app.inject({
          method: 'POST',
          url: ApiRoute.signIn,
          headers: { origin: TEST_ORIGIN },
          payload: { email: user.email, password: user.password },
        }),
      );
    const other = await createMentorship(apps[0]);
    const routes = {
      mentor: await signInRoute(apps[0], pair.mentor),
      student: await signInRoute(apps[1], pair.student),
      otherStudent: await signInRoute(apps[0], other.student),
      me: await routeOf(apps[1].inject({ method: 'GET', url: ApiRoute.me, headers: { cookie: cookies.student } })),
    };
    expect(routes.mentor).toMatch(/^[\w-]{16}$/);
    expect(routes.student).toBe(routes.mentor);
    expect(routes.me).toBe(routes.mentor);
    expect(routes.otherStudent).not.toBe(routes.mentor);

    const { seen, edits } = await listenToNote(apps[0], pair.session.id);

    // Both on node A: they write together, and no edit or caret goes to Redis.
    const mentor = await note('mentor', 0);
    const student = await note('student', 0);
    for (let i = 0; i < 20; i++) typeAtEnd(mentor.doc, `alone${i} `);
    await until(() => mentor.sync.allSaved && noteXml(student.doc) === noteXml(mentor.doc), 'the pair converged on one node');
    await new Promise((r) => setTimeout(r, 200));
    expect(edits()).toBe(0);

    // The student opens the note on node B as well: B asks, A answers, and from then on A publishes.
    const elsewhere = await note('student', 1);
    await until(() => noteXml(elsewhere.doc) === noteXml(mentor.doc), 'node B caught up');
    for (let i = 0; i < 20; i++) typeAtEnd(mentor.doc, `shared${i} `);
    await until(() => noteXml(elsewhere.doc) === noteXml(mentor.doc), 'edits on A reached B');
    typeAtEnd(elsewhere.doc, 'fromB ');
    await until(() => noteXml(mentor.doc).includes('fromB') && elsewhere.sync.allSaved, 'an edit on B reached A');
    expect(edits()).toBeGreaterThan(0);

    // B's last person leaves: B says so, and A stops publishing.
    elsewhere.close();
    await until(() => seen.includes(9), 'node B said it left');
    const before = edits();
    for (let i = 0; i < 20; i++) typeAtEnd(mentor.doc, `again${i} `);
    await until(() => mentor.sync.allSaved && noteXml(student.doc) === noteXml(mentor.doc), 'the pair converged again');
    await new Promise((r) => setTimeout(r, 200));
    expect(edits()).toBe(before);
  });

  it('a node that dies without saying it left stops counting as a holder: the note soon sends nothing to Redis again', async () => {
    const { apps, pair, note } = await twoNodes();
    const url = envOf(apps[0]).REDIS_URL ?? '';
    const channel = `tandem:note:session:${pair.session.id}`;
    const { seen, edits } = await listenToNote(apps[0], pair.session.id);

    const mentor = await note('mentor', 0);
    const student = await note('student', 0);
    // Another "node" holds the note: subscribed to its channel, and heard from once (a caret message naming it).
    const ghost = new Redis(url);
    const ghostVoice = new Redis(url);
    cleanups.push(() => ghostVoice.disconnect());
    await ghost.subscribe(channel);
    await ghostVoice.publish(channel, Buffer.from([2, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1]));
    await until(() => seen.includes(3), 'node A asked the newcomer what it lacks');
    for (let i = 0; i < 10; i++) typeAtEnd(mentor.doc, `shared${i} `);
    await until(() => mentor.sync.allSaved && edits() > 0, 'node A publishes while another holder lives');

    // It dies: no "leave", but its connection (and so its subscription) is gone.
    ghost.disconnect();
    await new Promise((r) => setTimeout(r, HOLDERS_CHECK_MS * 2 + 500));
    const before = edits();
    for (let i = 0; i < 20; i++) typeAtEnd(mentor.doc, `alone${i} `);
    await until(() => mentor.sync.allSaved && noteXml(student.doc) === noteXml(mentor.doc), 'the pair converged on node A');
    await new Promise((r) => setTimeout(r, 200));
    expect(edits()).toBe(before);
  });

  /** Both people type, each on their own node, until the session is ended on `enders`; returns what was acknowledged and saved. */
  async function endWhileTyping(enders: (0 | 1)[]) {
    const { apps, urls, pair, cookies } = await twoNodes();
    const sessionId = pair.session.id;
    const random = prng(21);
    const typists = [await rawTypist(urls[0], cookies.mentor, sessionId, 'm'), await rawTypist(urls[1], cookies.student, sessionId, 's')];
    cleanups.push(...typists.map((t) => () => t.close()));
    // Each typist stops when its node refuses a word (the note is frozen there too), or after 3 s.
    const stopBy = Date.now() + 3_000;
    const typing = typists.map(async (t) => {
      while (Date.now() < stopBy && (await t.type())) await new Promise((r) => setTimeout(r, random() * 4));
    });
    // The end comes once each has words acknowledged (a fixed 300 ms was not always enough since a
    // busy node's commits wait for the wall clock's grid: CI once saw two words each, not three).
    await until(() => typists.every((t) => t.acked.length > 2), 'three words acknowledged on each node', 2_000);
    const ends = await Promise.all(
      enders.map((i) =>
        apps[i].inject({ method: 'POST', url: `/api/sessions/${sessionId}/end`, headers: { origin: TEST_ORIGIN, cookie: cookies.mentor } }),
      ),
    );
    expect(ends.map((e) => e.statusCode).every((c) => c === 200)).toBe(true);
    await Promise.all(typing);
    const records = await apps[0].db.selectFrom('session_records').select('note_text').where('session_id', '=', sessionId).execute();
    expect(records).toHaveLength(1);
    const saved = new Set((records[0]?.note_text ?? '').split(/\s+/));
    for (const t of typists) {
      expect(t.acked.length).toBeGreaterThan(2);
      expect(t.acked.filter((w) => !saved.has(w))).toEqual([]);
    }
    for (const app of apps) {
      const live = await app.notes.get(sessionId);
      expect(live === undefined || live.frozen).toBe(true);
    }
  }

  it('the session ends on one node while people type on both: the other node freezes too, and every word either acknowledged is in the record', async () => {
    await endWhileTyping([0]);
  });

  it('the session ends on both nodes at once: one record (one finalisation), every acknowledged word in it', async () => {
    await endWhileTyping([0, 1]);
  });

  it('a session ended while Redis is away: the end still answers (bounded waits for the other nodes) and saves one record', async () => {
    const { redis, apps, urls, pair, cookies } = await twoNodes();
    const mentor = await rawTypist(urls[0], cookies.mentor, pair.session.id, 'm');
    cleanups.push(() => mentor.close());
    for (let i = 0; i < 5; i++) expect(await mentor.type()).toBe(true);
    await redis.stop();
    const asked = performance.now();
    const end = await apps[0].inject({
      method: 'POST',
      url: `/api/sessions/${pair.session.id}/end`,
      headers: { origin: TEST_ORIGIN, cookie: cookies.mentor },
    });
    expect(end.statusCode).toBe(200);
    const endMs = performance.now() - asked;
    expect(endMs).toBeLessThan(3_000);
    console.info(`session ended with Redis away in ${Math.round(endMs)} ms`);
    const record = await apps[1].db.selectFrom('session_records').select('note_text').where('session_id', '=', pair.session.id).execute();
    expect(record).toHaveLength(1);
    for (const w of mentor.acked) expect(record[0]?.note_text).toContain(w);
  }, 30_000);

  it('Redis away for a while: both nodes refuse realtime traffic (health 503), nothing acknowledged is lost, and both people converge soon after it returns', async () => {
    const outageMs = Number(process.env.TEST_REDIS_OUTAGE_MS ?? 30_000);
    const { redis, apps, pair, cookies, note } = await twoNodes();
    const mentor = await note('mentor', 0);
    const student = await note('student', 1);
    typeAtEnd(mentor.doc, 'before ');
    await until(() => student.doc.getXmlFragment('default').toString().includes('before'), 'relayed');

    await redis.stop();
    await until(() => !mentor.socket.connected && !student.socket.connected, 'both apps told to reconnect', 5_000);
    for (const app of apps) expect(await health(app)).toMatchObject({ status: 'redis_unavailable' });
    // What does not need Redis goes on: a message between sessions is stored and answered at once.
    const asked = performance.now();
    const posted = await apps[0].inject({
      method: 'POST',
      url: `/api/mentorships/${pair.mentorshipId}/messages`,
      headers: { origin: TEST_ORIGIN, cookie: cookies.mentor },
      payload: { body: 'sent while Redis is away' },
    });
    expect(posted.statusCode).toBe(201);
    expect(performance.now() - asked).toBeLessThan(3_000);
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

describe.skipIf(!onPostgres || !haveRedis)('limits counted by the whole cluster (PostgreSQL + Redis)', () => {
  const signInAttempt = (app: FastifyInstance, email: string) =>
    app.inject({
      method: 'POST',
      url: ApiRoute.signIn,
      headers: { origin: TEST_ORIGIN },
      payload: { email, password: 'not the password' },
    });

  it('a visitor guessing passwords on two nodes is stopped at the limit of one (sign-in: 10 a minute), and without Redis each node still counts', async () => {
    const { redis, apps } = await twoNodes();
    const email = `guess-${randomUUID()}@example.test`;
    for (let i = 0; i < 6; i++) expect((await signInAttempt(apps[0], email)).statusCode).toBe(401);
    for (let i = 0; i < 4; i++) expect((await signInAttempt(apps[1], email)).statusCode).toBe(401);
    // The 11th attempt, the 5th on this node: refused (counted per node, it would be let through).
    const eleventh = await signInAttempt(apps[1], email);
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().error.message).toMatch(/Too many sign-in attempts/);
    expect((await signInAttempt(apps[0], email)).statusCode).toBe(429);

    // Redis away: no request waits for it, and the node's own count still holds the limit.
    await redis.stop();
    const other = `guess-${randomUUID()}@example.test`;
    const started = performance.now();
    for (let i = 0; i < 10; i++) expect((await signInAttempt(apps[1], other)).statusCode).toBe(401);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect((await signInAttempt(apps[1], other)).statusCode).toBe(429);
  }, 30_000);

  it("a person's API budget is one across nodes, and each plugin's and route's limit still counts apart", async () => {
    const { apps, pair, cookies } = await twoNodes();
    const headers = { origin: TEST_ORIGIN, cookie: cookies.mentor };
    const rename = (node: 0 | 1) =>
      apps[node].inject({ method: 'PATCH', url: ProgrammeRoute.profile, headers, payload: { displayName: 'Ada L.' } });
    // The profile routes allow 60 a minute per person: 30 on each node, then the 61st is refused on either.
    for (let i = 0; i < 30; i++) {
      expect((await rename(0)).statusCode).toBe(200);
      expect((await rename(1)).statusCode).toBe(200);
    }
    expect((await rename(1)).statusCode).toBe(429);
    expect((await rename(0)).statusCode).toBe(429);
    // A route with its own limit in the same plugin, and another plugin's routes, count on their own.
    const password = await apps[1].inject({
      method: 'POST',
      url: ProgrammeRoute.password,
      headers,
      payload: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' },
    });
    expect(password.statusCode).toBe(403);
    const report = await apps[0].inject({ method: 'GET', url: ReportRoute.report.replace(':id', pair.session.id), headers });
    expect(report.statusCode).toBe(200);
  }, 30_000);

  it('a person reconnecting on two nodes has one connection budget (30 at once, then 1 a second)', async () => {
    const { urls, cookies } = await twoNodes();
    const open = async (node: 0 | 1) => {
      const socket = newSocket(urls[node], { cookie: cookies.mentor });
      const outcome = await connectOutcome(socket);
      socket.disconnect();
      return outcome;
    };
    for (let i = 0; i < 25; i++) expect(await open(0)).toBe('connected');
    // Node B alone would take 30 more; the person has at most 5 left (plus what refilled meanwhile).
    let accepted = 0;
    const started = performance.now();
    while ((await open(1)) === 'connected') accepted += 1;
    const refill = Math.ceil((performance.now() - started) / 1000) + 1;
    expect(accepted).toBeGreaterThanOrEqual(5);
    expect(accepted).toBeLessThanOrEqual(5 + refill);
    // Refused on the first node too: the budget is the person's.
    expect(await open(0)).toBe('rate_limited');
  }, 30_000);

  it('a person flooding through two nodes, each below one budget, is closed on both and refused on either for a while', async () => {
    const { urls, cookies, pair } = await twoNodes();
    const sockets = [newSocket(urls[0], { cookie: cookies.student }), newSocket(urls[1], { cookie: cookies.student })];
    cleanups.push(() => {
      for (const s of sockets) s.disconnect();
    });
    // Both outcomes listened to at once: the second may connect while the first is awaited.
    expect(await Promise.all(sockets.map(connectOutcome))).toEqual(['connected', 'connected']);
    const reasons = sockets.map(
      (s) => new Promise<string>((resolve) => s.on(ServerEvent.serverError.name, (p: { reason: string }) => resolve(p.reason))),
    );
    // 150 messages a second on each node: within one node's 200 a second, together 300.
    const perTick = 3;
    const timer = setInterval(() => {
      for (const s of sockets) for (let i = 0; i < perTick; i++) s.emit('notes:leave', { sessionId: pair.session.id });
    }, 20);
    cleanups.push(() => clearInterval(timer));
    const started = performance.now();
    try {
      expect(await Promise.race([reasons[0], reasons[1], new Promise((r) => setTimeout(() => r('still open'), 15_000))])).toBe(
        'rate_limited',
      );
    } finally {
      clearInterval(timer);
    }
    console.info(`flood over two nodes closed after ${Math.round(performance.now() - started)} ms`);
    await until(() => sockets.every((s) => !s.connected), 'closed on both nodes', 3_000);
    for (const url of urls) {
      const again = newSocket(url, { cookie: cookies.student });
      cleanups.push(() => again.disconnect());
      expect(await connectOutcome(again)).toBe('rate_limited');
    }
  }, 30_000);
});
