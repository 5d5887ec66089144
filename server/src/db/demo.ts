import { type DemoKey, demoAccounts } from '@tandem/shared';
import type { Kysely } from 'kysely';
import { hashPassword } from '../lib/password.js';
import { insertMentorship, insertSession } from './mentorships.js';
import type { Database } from './schema.js';
import { findUserByEmail, insertUser } from './users.js';

function localSlot(now: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { weekday: weekday || 1, time: `${get('hour')}:${get('minute')}`, timeZone, durationMinutes: 60 };
}

/**
 * Idempotent: creates the demo people and two mentorships the first time, and
 * makes sure the demo pair always has a session open now, keeping existing data.
 */
export async function seedDemo(db: Kysely<Database>, now = new Date()): Promise<{ sessionId: string }> {
  const ids = {} as Record<DemoKey, string>;
  for (const a of demoAccounts) {
    const existing = await findUserByEmail(db, a.email);
    ids[a.key] = existing
      ? existing.id
      : (await insertUser(db, { email: a.email, displayName: a.displayName, role: a.role, passwordHash: await hashPassword(a.password) }))
          .id;
  }
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const slot = localSlot(now, timeZone);

  const ensureMentorship = async (mentorId: string, studentId: string, title: string) => {
    const found = await db
      .selectFrom('mentorships')
      .select('id')
      .where('mentor_id', '=', mentorId)
      .where('student_id', '=', studentId)
      .executeTakeFirst();
    return found?.id ?? insertMentorship(db, { mentorId, studentId, title, slot });
  };
  const demoPair = await ensureMentorship(ids.mentor, ids.student, 'Frontend engineering path');
  await ensureMentorship(ids.outsider, ids.otherStudent, 'Data science path');

  const open = await db
    .selectFrom('sessions')
    .select('id')
    .where('mentorship_id', '=', demoPair)
    .where('status', 'in', ['scheduled', 'live'])
    .orderBy('week')
    .executeTakeFirst();
  if (open) return { sessionId: open.id };
  const created = await insertSession(db, {
    mentorshipId: demoPair,
    scheduledAt: now.toISOString(),
    durationMinutes: slot.durationMinutes,
  });
  return { sessionId: created.id };
}
