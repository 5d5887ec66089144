import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

// One list of migrations for SQLite and PostgreSQL: only portable column types.
const migrations: Record<string, Migration> = {
  '0001_accounts_mentorships_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['mentor', 'student', 'admin'])))
        .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('auth_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_sessions_user').on('auth_sessions').column('user_id').execute();
      await db.schema
        .createTable('mentorships')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mentor_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('student_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('slot_weekday', 'integer', (c) => c.notNull())
        .addColumn('slot_time', 'text', (c) => c.notNull())
        .addColumn('slot_time_zone', 'text', (c) => c.notNull())
        .addColumn('slot_duration_minutes', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['active', 'paused', 'ended'])))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mentorships_mentor').on('mentorships').column('mentor_id').execute();
      await db.schema.createIndex('mentorships_student').on('mentorships').column('student_id').execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('week', 'integer', (c) => c.notNull())
        .addColumn('scheduled_at', 'text', (c) => c.notNull())
        .addColumn('duration_minutes', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['scheduled', 'live', 'ended', 'cancelled', 'no_show'])))
        .addColumn('room_name', 'text', (c) => c.notNull().unique())
        .addColumn('started_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('sessions_mentorship_week', ['mentorship_id', 'week'])
        .execute();
    },
  },
};

function sqlIn(column: string, values: string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}

/** Serves the migrations above to Kysely's Migrator, in name order. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
