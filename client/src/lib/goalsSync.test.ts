import type { Goal, GoalsChanged } from '@tandem/shared';
import { describe, expect, it } from 'vitest';
import { applyCommand, type GoalsSocket, GoalsSync } from './goalsSync';

/** A transport double: answers acks from a queue the test controls. Not a server. */
function fakeSocket() {
  const handlers = new Map<string, ((p: unknown) => void)[]>();
  const answers: ((event: string, payload: unknown) => Promise<unknown>)[] = [];
  const socket = {
    connected: true,
    on(e: string, h: (p: unknown) => void) {
      handlers.set(e, [...(handlers.get(e) ?? []), h]);
      return socket;
    },
    off(e: string, h: (p: unknown) => void) {
      handlers.set(
        e,
        (handlers.get(e) ?? []).filter((x) => x !== h),
      );
      return socket;
    },
    timeout() {
      return { emitWithAck: (event: string, payload: unknown) => (answers.shift() ?? (() => new Promise(() => {})))(event, payload) };
    },
  };
  return {
    socket: socket as unknown as GoalsSocket,
    answerNext: (f: (event: string, payload: unknown) => Promise<unknown>) => answers.push(f),
    emit: (e: string, p: unknown) => {
      for (const h of handlers.get(e) ?? []) h(p);
    },
  };
}

const goal = (over: Partial<Goal>): Goal => ({
  id: 'g1',
  mentorshipId: 'm1',
  title: 'Learn testing',
  detail: '',
  owner: 'student',
  status: 'open',
  dueDate: null,
  projectId: null,
  orderKey: 'V',
  isFocus: false,
  deleted: false,
  createdInSessionId: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...over,
});

async function loaded(goals: Goal[]) {
  const f = fakeSocket();
  f.answerNext(async () => ({
    ok: true,
    data: { mentorshipId: 'm1', version: 3, goals, readOnly: false, sessionEvents: [], previousSessionEvents: [], previousSessionId: null },
  }));
  const sync = new GoalsSync(f.socket, 's1');
  await new Promise((r) => setTimeout(r, 0));
  return { ...f, sync };
}

const changed = (version: number, goals: Goal[]): GoalsChanged => ({
  mentorshipId: 'm1',
  version,
  goals,
  event: {
    id: `e${version}`,
    goalId: goals[0]?.id ?? 'g1',
    sessionId: 's1',
    userId: 'u1',
    userName: 'Sam',
    kind: 'updated',
    before: null,
    after: null,
    version,
    createdAt: '2026-11-28T00:00:00.000Z',
  },
});

describe('GoalsSync: optimistic updates and rollback', () => {
  it('shows a command at once and keeps it when the server confirms', async () => {
    const { sync, answerNext } = await loaded([goal({})]);
    let confirm: (v: unknown) => void = () => {};
    answerNext(() => new Promise((r) => (confirm = r)));
    const running = sync.run({ type: 'update', goalId: 'g1', patch: { status: 'in_progress' } });
    expect(sync.current.goals[0]?.status).toBe('in_progress');
    confirm({ ok: true, data: changed(4, [goal({ status: 'in_progress' })]) });
    await running;
    expect(sync.current.goals[0]?.status).toBe('in_progress');
    expect(sync.current.version).toBe(4);
    expect(sync.current.message).toBeNull();
  });

  it('rolls back a refused command and says why', async () => {
    const { sync, answerNext } = await loaded([goal({})]);
    answerNext(async () => ({ ok: false, error: { code: 'SESSION_CLOSED', message: 'This session has ended.' } }));
    const result = await sync.run({ type: 'update', goalId: 'g1', patch: { title: 'Renamed' } });
    expect(result.ok).toBe(false);
    expect(sync.current.goals[0]?.title).toBe('Learn testing');
    expect(sync.current.message).toBe('Couldn’t save that change: This session has ended: it is read-only.');
  });

  it('keeps an unconfirmed edit on top of a remote change to another field', async () => {
    const { sync, answerNext, emit } = await loaded([goal({})]);
    answerNext(() => new Promise(() => {}));
    void sync.run({ type: 'update', goalId: 'g1', patch: { title: 'Mine' } });
    emit('goals:changed', changed(4, [goal({ status: 'done' })]));
    expect(sync.current.goals[0]).toMatchObject({ title: 'Mine', status: 'done' });
  });

  it('ignores stale versions and refetches after a gap', async () => {
    const { sync, answerNext, emit } = await loaded([goal({})]);
    emit('goals:changed', changed(3, [goal({ title: 'Stale' })]));
    expect(sync.current.goals[0]?.title).toBe('Learn testing');
    let refetched = false;
    answerNext(async (event) => {
      refetched = event === 'goals:subscribe';
      return {
        ok: true,
        data: {
          mentorshipId: 'm1',
          version: 9,
          goals: [goal({ title: 'Fresh' })],
          readOnly: false,
          sessionEvents: [],
          previousSessionEvents: [],
          previousSessionId: null,
        },
      };
    });
    emit('goals:changed', changed(6, [goal({ title: 'Gap' })]));
    await new Promise((r) => setTimeout(r, 0));
    expect(refetched).toBe(true);
    expect(sync.current.goals[0]?.title).toBe('Fresh');
    expect(sync.current.version).toBe(9);
  });
});

describe('applyCommand', () => {
  const ctx = { mentorshipId: 'm1', sessionId: 's1', now: '2026-11-28T00:00:00.000Z' };
  it('moves the focus to one goal only, and hides deleted goals from focus', () => {
    const goals = new Map([
      ['a', goal({ id: 'a', isFocus: true })],
      ['b', goal({ id: 'b' })],
    ]);
    const focused = applyCommand(goals, { type: 'focus', goalId: 'b' }, ctx);
    expect([...focused.values()].filter((g) => g.isFocus).map((g) => g.id)).toEqual(['b']);
    const deleted = applyCommand(focused, { type: 'delete', goalId: 'b' }, ctx);
    expect(deleted.get('b')).toMatchObject({ deleted: true, isFocus: false });
    expect(goals.get('a')?.isFocus).toBe(true); // pure: the input is untouched
  });
});
