import { type DemoKey, demoAccounts, localDate } from '@tandem/shared';
import type { Kysely } from 'kysely';
import { hashPassword } from '../lib/password.js';
import { insertMentorship, insertSession } from './mentorships.js';
import type { Database } from './schema.js';
import { findUserByEmail, insertUser } from './users.js';

/** A weekly slot at this very moment, so the demo pair has a session happening now. */
function localSlot(now: Date, timeZone: string) {
  const { weekday, time } = localDate(now, timeZone);
  return { weekday, time, timeZone, durationMinutes: 60 };
}

/**
 * Idempotent: creates the demo people and two mentorships the first time, and
 * makes sure each demo pair has a session open, keeping existing data.
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
  const otherPair = await ensureMentorship(ids.outsider, ids.otherStudent, 'Data science path');

  // Both pairs have a session open now (the second pair's lets two more people try a call).
  const ensureSessionNow = async (mentorshipId: string) => {
    const open = await db
      .selectFrom('sessions')
      .select('id')
      .where('mentorship_id', '=', mentorshipId)
      .where('status', 'in', ['scheduled', 'live'])
      .orderBy('week')
      .executeTakeFirst();
    if (open) return open.id;
    return (await insertSession(db, { mentorshipId, scheduledAt: now.toISOString(), durationMinutes: slot.durationMinutes })).id;
  };
  const sessionId = await ensureSessionNow(demoPair);
  await ensureSessionNow(otherPair);
  return { sessionId };
}
