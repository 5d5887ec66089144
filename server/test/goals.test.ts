import { randomUUID } from 'node:crypto';
import { type GoalCommand, type GoalsChanged, keyBetween, ServerEvent } from '@tandem/shared';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGoals } from '../src/db/goals.js';
import { buildTestApp, closeTestApps, createMentorship, createUser, onPostgres, signIn } from './helpers.js';
import { connectOutcome, listen, newGoalsClient, newSocket, prng, until } from './realtime.js';

const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await closeTestApps();
});

async function setup() {
  const app = await buildTestApp();
  const url = await listen(app);
  const pair = await createMentorship(app);
  const cookies = { mentor: await signIn(app, pair.mentor), student: await signIn(app, pair.student) };
  const panel = async (who: 'mentor' | 'student', sessionId = pair.session.id) => {
    const c = await newGoalsClient(url, cookies[who], sessionId);
    closers.push(c.close);
    return c;
  };
  return { app, url, pair, cookies, panel };
}

const create = (title: string, orderKey = 'V'): GoalCommand => ({ type: 'create', goalId: randomUUID(), fields: { title }, orderKey });

describe('goals: commands, validation and authorisation', () => {
  it('creates, edits and broadcasts with a version that grows by one per command', async () => {
    const { app, pair, panel } = await setup();
    const mentor = await panel('mentor');
    const student = await panel('student');
    const seen: number[] = [];
    student.socket.on(ServerEvent.goalsChanged.name, (c: { version: number }) => seen.push(c.version));

    const made = await mentor.sync.run(create('Ship the portfolio page'));
    if (!made.ok) throw new Error(made.error.message);
    const goalId = made.data.goals[0]?.id ?? '';
    expect(made.data.version).toBe(1);
    expect(made.data.event).toMatchObject({ kind: 'created', sessionId: pair.session.id, userId: pair.mentor.id });
    const progressed = await student.sync.run({ type: 'update', goalId, patch: { status: 'in_progress' } });
    expect(progressed).toMatchObject({
      ok: true,
      data: { version: 2, event: { kind: 'updated', before: { status: 'open' }, after: { status: 'in_progress' } } },
    });
    await mentor.sync.run({ type: 'focus', goalId });
    await mentor.sync.run({ type: 'update', goalId, patch: { dueDate: '2026-12-08', owner: 'student' } });

    await until(() => student.sync.current.version === 4, 'student at version 4');
    expect(seen).toEqual([1, 3, 4]); // its own command (2) came back in its ack
    for (const c of [mentor, student]) {
      expect(c.sync.current.goals).toEqual([
        expect.objectContaining({ id: goalId, status: 'in_progress', isFocus: true, dueDate: '2026-12-08' }),
      ]);
    }
    const events = await app.db
      .selectFrom('goal_events')
      .select(['version', 'kind'])
      .where('goal_id', '=', goalId)
      .orderBy('version')
      .execute();
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad input with a clear code and changes nothing', async () => {
    const { app, pair, panel } = await setup();
    const mentor = await panel('mentor');
    const made = await mentor.sync.run(create('Learn testing'));
    if (!made.ok) throw new Error('create failed');
    const goalId = made.data.goals[0]?.id ?? '';
    const before = await loadGoals(app.db, pair.mentorshipId);
    const send = (command: unknown) => mentor.socket.emitWithAck('goals:command', { sessionId: pair.session.id, command } as never);
    const refused = [
      await send({ type: 'create', goalId: randomUUID(), fields: { title: '   ' }, orderKey: 'a' }),
      await send({ type: 'create', goalId: randomUUID(), fields: { title: 'x'.repeat(121) }, orderKey: 'a' }),
      await send({ type: 'update', goalId, patch: { status: 'finished' } }),
      await send({ type: 'move', goalId, orderKey: 'a0' }),
      await send({ type: 'explode', goalId }),
      await send({ type: 'update', goalId, patch: { title: 'ok', role: 'admin' } }),
      await send({ type: 'update', goalId, patch: { dueDate: '2026-13-01' } }),
    ];
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(refused[0]).toMatchObject({ error: { message: expect.stringMatching(/title/) } });
    expect(await loadGoals(app.db, pair.mentorshipId)).toEqual(before);
  });

  it('refuses outsiders, goals of another mentorship, sockets that did not open the panel, admins and ended sessions', async () => {
    const { app, url, pair, panel } = await setup();
    const other = await createMentorship(app);
    const otherMentor = await newGoalsClient(url, await signIn(app, other.mentor), other.session.id);
    closers.push(otherMentor.close);
    const foreign = await otherMentor.sync.run(create('Their goal'));
    if (!foreign.ok) throw new Error('create failed');
    const foreignId = foreign.data.goals[0]?.id ?? '';

    const mentor = await panel('mentor');
    expect(await mentor.sync.run({ type: 'update', goalId: foreignId, patch: { title: 'Hijacked' } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await loadGoals(app.db, other.mentorshipId)).goals[0]?.title).toBe('Their goal');

    // An outsider cannot open the panel, nor send commands without it.
    const outsider = newSocket(url, { cookie: await signIn(app, await createUser(app, 'mentor')) });
    expect(await connectOutcome(outsider)).toBe('connected');
    expect(await outsider.emitWithAck('goals:subscribe', { sessionId: pair.session.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await outsider.emitWithAck('goals:command', { sessionId: pair.session.id, command: create('x') })).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });
    outsider.disconnect();

    const admin = await newGoalsClient(url, await signIn(app, await createUser(app, 'admin')), pair.session.id);
    closers.push(admin.close);
    expect(admin.sync.current.readOnly).toBe(true);
    expect(await admin.sync.run(create('Admin goal'))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await app.db.updateTable('sessions').set({ status: 'ended' }).where('id', '=', pair.session.id).execute();
    expect(await mentor.sync.run(create('Too late'))).toMatchObject({ ok: false, error: { code: 'SESSION_CLOSED' } });
    expect((await loadGoals(app.db, pair.mentorshipId)).goals).toEqual([]);
  });

  it('a failing write leaves no half-change and the client rolls back with a message', async () => {
    const { app, pair, panel } = await setup();
    const mentor = await panel('mentor');
    // The event insert fails inside the transaction, after the goal row was written.
    if (onPostgres) {
      await sql`CREATE FUNCTION fail_event() RETURNS trigger AS $$ BEGIN IF NEW.after_json LIKE '%FAIL-ME%' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`.execute(
        app.db,
      );
      await sql`CREATE TRIGGER fail_event BEFORE INSERT ON goal_events FOR EACH ROW EXECUTE FUNCTION fail_event()`.execute(app.db);
    } else {
      await sql`CREATE TRIGGER fail_event BEFORE INSERT ON goal_events WHEN NEW.after_json LIKE '%FAIL-ME%' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`.execute(
        app.db,
      );
    }
    const running = mentor.sync.run(create('FAIL-ME please'));
    expect(mentor.sync.current.goals.map((g) => g.title)).toEqual(['FAIL-ME please']); // optimistic
    const result = await running;
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(mentor.sync.current.goals).toEqual([]); // rolled back
    expect(mentor.sync.current.message).toMatch(/Couldn’t save/);
    const state = await loadGoals(app.db, pair.mentorshipId);
    expect(state).toEqual({ mentorshipId: pair.mentorshipId, version: 0, goals: [] });
    expect(await mentor.sync.run(create('Fine one'))).toMatchObject({ ok: true, data: { version: 1 } });
  });

  it('ignores stale versions and refetches after a gap', async () => {
    const { pair, panel } = await setup();
    const mentor = await panel('mentor');
    const student = await panel('student');
    const made = await mentor.sync.run(create('One'));
    await until(() => student.sync.current.version === 1, 'student v1');
    if (!made.ok) throw new Error('create failed');
    // Replay an old broadcast: nothing changes.
    const stale: GoalsChanged = { ...made.data, goals: [{ ...(made.data.goals[0] as GoalsChanged['goals'][number]), title: 'Stale' }] };
    for (const listener of student.socket.listeners('goals:changed')) listener(stale);
    expect(student.sync.current.goals[0]?.title).toBe('One');
    // Skip ahead: the client fetches the whole state instead of guessing.
    student.socket.disconnect();
    await mentor.sync.run(create('Two', 'a'));
    await mentor.sync.run(create('Three', 'b'));
    student.socket.connect();
    await until(() => student.sync.current.version === 3, 'student caught up');
    expect(student.sync.current.goals.map((g) => g.title)).toEqual(['One', 'Two', 'Three']);
    void pair;
  });
});

describe('goals: concurrent edits and reorders converge', () => {
  it('two moves into the same gap at the same moment get distinct places in one order', async () => {
    const { app, pair, panel } = await setup();
    const mentor = await panel('mentor');
    const student = await panel('student');
    const keys = ['a', 'b', 'c', 'd'];
    for (const [i, title] of ['A', 'B', 'C', 'D'].entries()) await mentor.sync.run(create(title, keys[i]));
    await until(() => student.sync.current.version === 4, 'student has all goals');
    const [a, b, c, d] = mentor.sync.current.goals;
    if (!a || !b || !c || !d) throw new Error('expected four goals');
    // Both drop a different goal between A and B, from the same view: the same key.
    const gap = keyBetween(a.orderKey, b.orderKey);
    const results = await Promise.all([
      mentor.sync.run({ type: 'move', goalId: c.id, orderKey: gap }),
      student.sync.run({ type: 'move', goalId: d.id, orderKey: gap }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const server = await loadGoals(app.db, pair.mentorshipId);
    await until(() => mentor.sync.current.version === 6 && student.sync.current.version === 6, 'both at version 6');
    expect(new Set(server.goals.map((g) => g.orderKey)).size).toBe(4);
    expect(server.goals[0]?.title).toBe('A');
    expect(server.goals[3]?.title).toBe('B');
    expect(mentor.sync.current.goals.map((g) => g.title)).toEqual(server.goals.map((g) => g.title));
    expect(student.sync.current.goals.map((g) => g.title)).toEqual(server.goals.map((g) => g.title));
  });

  for (const seed of [3, 4]) {
    it(`two people editing and reordering the same goals at once end with one state (seed ${seed})`, async () => {
      const { app, pair, panel } = await setup();
      const mentor = await panel('mentor');
      const student = await panel('student');
      let key: string | null = null;
      for (const title of ['A', 'B', 'C', 'D', 'E']) {
        key = keyBetween(key, null);
        const r = await mentor.sync.run(create(title, key));
        if (!r.ok) throw new Error(r.error.message);
      }
      await until(() => student.sync.current.version === 5, 'student has all goals');
      const random = prng(seed);
      const moves: Promise<unknown>[] = [];
      for (let round = 0; round < 60; round++) {
        const who = random() < 0.5 ? mentor : student;
        const goals = who.sync.current.goals;
        const g = goals[Math.floor(random() * goals.length)];
        if (!g) continue;
        const roll = random();
        if (roll < 0.5) {
          // Move between two random neighbours, as a drag or Alt+Arrow would.
          const others = goals.filter((o) => o.id !== g.id);
          const at = Math.floor(random() * (others.length + 1));
          moves.push(
            who.sync.run({
              type: 'move',
              goalId: g.id,
              orderKey: keyBetween(others[at - 1]?.orderKey ?? null, others[at]?.orderKey ?? null),
            }),
          );
        } else if (roll < 0.8) {
          moves.push(who.sync.run({ type: 'update', goalId: g.id, patch: { title: `${g.title.slice(0, 1)}${round}` } }));
        } else {
          moves.push(who.sync.run({ type: 'update', goalId: g.id, patch: { status: random() < 0.5 ? 'in_progress' : 'done' } }));
        }
        if (random() < 0.3) await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(moves);
      const server = await loadGoals(app.db, pair.mentorshipId);
      await until(
        () => mentor.sync.current.version === server.version && student.sync.current.version === server.version,
        'both at the server version',
      );
      const visible = server.goals.filter((g) => !g.deleted);
      expect(visible).toHaveLength(5); // none lost, none duplicated
      expect(new Set(visible.map((g) => g.orderKey)).size).toBe(5); // one order, no ties
      expect(mentor.sync.current.goals).toEqual(visible);
      expect(student.sync.current.goals).toEqual(visible);
    });
  }
});
