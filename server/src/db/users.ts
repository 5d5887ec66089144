import { randomUUID } from 'node:crypto';
import type { User } from '@tandem/shared';
import type { Kysely, Selectable } from 'kysely';
import { nowIso } from '../lib/time.js';
import type { Database, UsersTable } from './schema.js';

/** Maps a row to the API shape: the password hash never leaves this module. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    locale: row.locale,
    timeZone: row.time_zone,
    reminders: { dayBefore: row.remind_day !== 0, hourBefore: row.remind_hour !== 0 },
  };
}

export interface NewUser {
  email: string;
  displayName: string;
  role: User['role'];
  passwordHash: string;
  locale?: string;
  timeZone?: string;
}

export async function insertUser(db: Kysely<Database>, input: NewUser): Promise<User> {
  const row = {
    id: randomUUID(),
    email: input.email.toLowerCase(),
    display_name: input.displayName,
    role: input.role,
    locale: input.locale ?? 'en',
    password_hash: input.passwordHash,
    created_at: nowIso(),
    status: 'active' as const,
    time_zone: input.timeZone ?? 'UTC',
    deactivated_at: null,
    remind_day: 1,
    remind_hour: 1,
  };
  await db.insertInto('users').values(row).execute();
  return toUser(row);
}

export function findUserByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}
