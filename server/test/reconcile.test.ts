import { describe, expect, it } from 'vitest';
import { buildTestApp, createMentorship } from './helpers.js';
import { useTestLivekit } from './livekit.js';

const lk = useTestLivekit(7995);

describe('the reconciler, against a real LiveKit', () => {
  it('ends a live session whose room is gone although no webhook said so', async () => {
    const app = await buildTestApp({ ...lk.env(), SESSION_END_GRACE_SECONDS: '60' });
    const pair = await createMentorship(app);
    // The call went live, then every leave and room_finished webhook was lost.
    await app.db
      .updateTable('sessions')
      .set({ status: 'live', started_at: new Date(Date.now() - 3_600_000).toISOString() })
      .where('id', '=', pair.session.id)
      .execute();
    const now = Date.now();
    expect(await app.sessions.reconcile(new Date(now))).toEqual([]); // noticed empty, grace starts
    const marked = await app.db.selectFrom('sessions').select('empty_since').where('id', '=', pair.session.id).executeTakeFirstOrThrow();
    expect(marked.empty_since).not.toBeNull();
    expect(await app.sessions.reconcile(new Date(now + 30_000))).toEqual([]);
    expect(await app.sessions.reconcile(new Date(now + 61_000))).toEqual([pair.session.id]);
    const ended = await app.db
      .selectFrom('sessions')
      .select(['status', 'ended_reason'])
      .where('id', '=', pair.session.id)
      .executeTakeFirstOrThrow();
    expect(ended).toEqual({ status: 'ended', ended_reason: 'empty_room' });
  });
});
