import { type Kysely, type Migration, type MigrationProvider, PostgresAdapter, sql } from 'kysely';

/** Binary columns: bytea on PostgreSQL, blob on SQLite. */
const binaryType = (db: Kysely<unknown>) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob');

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
  '0002_notes': {
    async up(db: Kysely<unknown>) {
      const binary = binaryType(db);
      // The append-only log: each acknowledged Yjs update, durable before its ack.
      await db.schema
        .createTable('note_updates')
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('update', sql.raw(binary), (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('note_updates_pk', ['session_id', 'seq'])
        .execute();
      // The compacted state: the log's updates up to `seq` merged into one.
      await db.schema
        .createTable('notes')
        .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
        .addColumn('state', sql.raw(binary), (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('mentorships').addColumn('note_template', 'text').execute();
    },
  },
  '0003_goals': {
    async up(db: Kysely<unknown>) {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .alterTable('mentorships')
        .addColumn('goals_version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('goals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('owner', 'text', (c) => c.notNull().check(sqlIn('owner', ['student', 'mentor'])))
        .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['open', 'in_progress', 'done', 'dropped'])))
        .addColumn('due_date', 'text')
        // Byte order, as the fractional keys assume (PostgreSQL would otherwise sort by locale).
        .addColumn('order_key', 'text', (c) => (postgres ? c.notNull().modifyEnd(sql`collate "C"`) : c.notNull()))
        .addColumn('is_focus', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_in_session_id', 'text', (c) => c.references('sessions.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('goals_mentorship').on('goals').columns(['mentorship_id', 'order_key']).execute();
      await db.schema
        .createTable('goal_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('goal_id', 'text', (c) => c.notNull().references('goals.id'))
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('session_id', 'text', (c) => c.references('sessions.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('before_json', 'text')
        .addColumn('after_json', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        // One command, one version: versions of a mentorship's goals only grow, one step at a time.
        .addUniqueConstraint('goal_events_version', ['mentorship_id', 'version'])
        .execute();
      await db.schema.createIndex('goal_events_session').on('goal_events').column('session_id').execute();
    },
  },
  '0004_session_records': {
    async up(db: Kysely<unknown>) {
      const binary = binaryType(db);
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema.alterTable('sessions').addColumn('empty_since', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('ended_reason', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('summary', 'text').execute();
      // The saved record: written once, in the transaction that ends the session, never changed.
      await db.schema
        .createTable('session_records')
        .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
        .addColumn('note_state', sql.raw(binary), (c) => c.notNull())
        .addColumn('note_json', 'text', (c) => c.notNull())
        .addColumn('note_html', 'text', (c) => c.notNull())
        .addColumn('note_markdown', 'text', (c) => c.notNull())
        .addColumn('note_text', 'text', (c) => c.notNull())
        .addColumn('goals_json', 'text', (c) => c.notNull())
        .addColumn('goal_events_json', 'text', (c) => c.notNull())
        .addColumn('transcript_json', 'text', (c) => c.notNull())
        .addColumn('attendance_json', 'text', (c) => c.notNull())
        .addColumn('duration_seconds', 'integer', (c) => c.notNull())
        .addColumn('finalised_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('attendance')
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('joined_at', 'text', (c) => c.notNull())
        .addColumn('left_at', 'text')
        .addColumn('participant_sid', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('attendance_pk', ['session_id', 'participant_sid'])
        .execute();
      // LiveKit webhook ids already handled: delivery is at-least-once.
      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      if (postgres) {
        await sql`CREATE TABLE session_search (session_id text NOT NULL REFERENCES sessions(id), mentorship_id text NOT NULL, kind text NOT NULL, body text NOT NULL, tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)`.execute(
          db,
        );
        await sql`CREATE INDEX session_search_tsv ON session_search USING gin (tsv)`.execute(db);
      } else {
        await sql`CREATE VIRTUAL TABLE session_search USING fts5(session_id UNINDEXED, mentorship_id UNINDEXED, kind UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')`.execute(
          db,
        );
      }
    },
  },
  '0005_transcripts': {
    async up(db: Kysely<unknown>) {
      // Final speech segments and chat messages on one timeline, stored as they come.
      await db.schema
        .createTable('transcript_segments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('speaker_id', 'text', (c) => c.notNull())
        .addColumn('speaker_name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['speech', 'chat'])))
        .addColumn('start_ms', 'integer', (c) => c.notNull())
        .addColumn('end_ms', 'integer', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('transcript_segments_session').on('transcript_segments').columns(['session_id', 'start_ms']).execute();
      await db.schema
        .createTable('transcription_consent')
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('consented', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('transcription_consent_pk', ['session_id', 'user_id'])
        .execute();
    },
  },
  '0006_mentorship_consent': {
    async up(db: Kysely<unknown>) {
      // Consent given once for all of a mentorship's sessions; a session's own answer wins over it.
      await db.schema
        .createTable('transcription_consent_mentorship')
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('consented', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('transcription_consent_mentorship_pk', ['mentorship_id', 'user_id'])
        .execute();
    },
  },
  '0007_programme': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('users')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();
      await db.schema
        .alterTable('users')
        .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
        .execute();
      await db.schema.alterTable('users').addColumn('deactivated_at', 'text').execute();
      await db.schema.alterTable('mentorships').addColumn('ended_at', 'text').execute();
      // The mentorship a reassigned student came from (its open goals were carried over).
      await db.schema.alterTable('mentorships').addColumn('previous_id', 'text').execute();
      // Invitations and set-up links: only the hash of the link's token is stored.
      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['invite', 'setup'])))
        .addColumn('email', 'text')
        .addColumn('display_name', 'text')
        .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['mentor', 'student', 'admin'])))
        .addColumn('invited_by', 'text', (c) => c.references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'text')
        .addColumn('accepted_user_id', 'text', (c) => c.references('users.id'))
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('password_resets')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      // Mail is queued in the transaction that causes it and sent by a worker.
      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('to_name', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('html_body', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['queued', 'sending', 'sent', 'kept', 'failed'])))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('claimed_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .execute();
      await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('actor_id', 'text', (c) => c.references('users.id'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('detail_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_created').on('audit_log').column('created_at').execute();
    },
  },
  '0008_week': {
    async up(db: Kysely<unknown>) {
      // A weekly session follows the slot; an extra one sits between two weekly ones.
      await db.schema
        .alterTable('sessions')
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('weekly'))
        .execute();
      // How it turned out when not as planned, why, and who did not come.
      await db.schema.alterTable('sessions').addColumn('outcome', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('outcome_reason', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('absent_user_id', 'text').execute();
      // iCalendar SEQUENCE: grows with every move and with the cancellation.
      await db.schema
        .alterTable('sessions')
        .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The SEQUENCE both people's calendars were last sent (-1: never).
      await db.schema
        .alterTable('sessions')
        .addColumn('calendar_sent', 'integer', (c) => c.notNull().defaultTo(-1))
        .execute();
      // When scheduled_at was last set (booked or moved): a day-before reminder needs a day's notice.
      await db.schema.alterTable('sessions').addColumn('timed_at', 'text').execute();
      // The brief, frozen when the call starts.
      await db.schema.alterTable('sessions').addColumn('brief_json', 'text').execute();
      await db.schema
        .alterTable('users')
        .addColumn('remind_day', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('users')
        .addColumn('remind_hour', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('mail_outbox').addColumn('ics', 'text').execute();
      await db.schema
        .createTable('session_moves')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('proposed_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('from_at', 'text', (c) => c.notNull())
        .addColumn('to_at', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sqlIn('status', ['pending', 'accepted', 'declined', 'withdrawn', 'superseded'])),
        )
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text', (c) => c.references('users.id'))
        .execute();
      await db.schema.createIndex('session_moves_mentorship').on('session_moves').columns(['mentorship_id', 'status']).execute();
      // Durable jobs (reminders, no-show checks, digests): one row per job, its key unique, so
      // planning twice plans once; a job is done in the same transaction as its effect.
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['pending', 'done', 'skipped', 'failed'])))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('done_at', 'text')
        .addColumn('done_by', 'text')
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.references('sessions.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_thread').on('messages').columns(['mentorship_id', 'created_at']).execute();
      // How far each person has read, and up to where the last email digest went.
      await db.schema
        .createTable('message_reads')
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('read_until', 'text')
        .addColumn('digested_until', 'text')
        .addColumn('digest_sent_at', 'text')
        .addPrimaryKeyConstraint('message_reads_pk', ['mentorship_id', 'user_id'])
        .execute();
    },
  },
  '0009_projects': {
    async up(db: Kysely<unknown>) {
      // A learning path's reusable list of projects (the path is the mentorship's title).
      await db.schema
        .createTable('project_templates')
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('brief_url', 'text')
        .addColumn('criteria_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('project_templates_pk', ['path', 'position'])
        .execute();
      await db.schema
        .createTable('projects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('brief_url', 'text')
        .addColumn('due_date', 'text')
        .addColumn('criteria_json', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sqlIn('status', ['not_started', 'submitted', 'changes_requested', 'approved'])),
        )
        .addColumn('approved_at', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('projects_mentorship').on('projects').columns(['mentorship_id', 'position']).execute();
      // Every submission is kept (v1, v2, …) with its review, criterion by criterion.
      await db.schema
        .createTable('submissions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('links_json', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('submitted_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['pending', 'changes_requested', 'approved'])))
        .addColumn('reviewed_by', 'text', (c) => c.references('users.id'))
        .addColumn('reviewed_at', 'text')
        .addColumn('review_summary', 'text')
        .addColumn('review_json', 'text')
        .addUniqueConstraint('submissions_version', ['project_id', 'version'])
        .execute();
    },
  },
  '0010_reports': {
    async up(db: Kysely<unknown>) {
      // The mentor's report of a session (for programme staff; shared with the student only if the mentor says so).
      await db.schema
        .createTable('session_reports')
        .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
        .addColumn('mentor_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('progress', 'text', (c) => c.notNull().check(sqlIn('progress', ['on_track', 'behind', 'at_risk'])))
        .addColumn('engagement', 'integer', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('shared', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // The student's feedback on a session (for the mentor).
      await db.schema
        .createTable('session_feedback')
        .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
        .addColumn('student_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('usefulness', 'integer', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0011_private_notes_and_links': {
    async up(db: Kysely<unknown>) {
      const binary = binaryType(db);
      // The mentor's private note: one per mentorship, stored like a session's note (a log of
      // Yjs updates and a snapshot) in tables of its own, so nothing that reads notes finds it.
      await db.schema
        .createTable('private_note_updates')
        .addColumn('mentorship_id', 'text', (c) => c.notNull().references('mentorships.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('update', sql.raw(binary), (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('private_note_updates_pk', ['mentorship_id', 'seq'])
        .execute();
      await db.schema
        .createTable('private_notes')
        .addColumn('mentorship_id', 'text', (c) => c.primaryKey().references('mentorships.id'))
        .addColumn('state', sql.raw(binary), (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // A goal is a step toward one of the pair's projects (or toward none).
      await db.schema
        .alterTable('goals')
        .addColumn('project_id', 'text', (c) => c.references('projects.id'))
        .execute();
      // A transcript line or chat message quoted next to a goal: a link to the segment, not a copy.
      await db.schema
        .createTable('goal_quotes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('goal_id', 'text', (c) => c.notNull().references('goals.id'))
        .addColumn('segment_id', 'text', (c) => c.notNull().references('transcript_segments.id'))
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('quoted_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('goal_quotes_once', ['goal_id', 'segment_id'])
        .execute();
      await db.schema.createIndex('goal_quotes_goal').on('goal_quotes').column('goal_id').execute();
    },
  },
  '0012_note_log': {
    async up(db: Kysely<unknown>) {
      // SQLite only: the hot log every acknowledged note update is appended to first (one page or
      // two per group commit), moved into the notes' own logs every few seconds (NoteLogSql in
      // notes/noteSql.ts). No index but the rowid, by design. PostgreSQL appends to the notes' logs.
      if (db.getExecutor().adapter instanceof PostgresAdapter) return;
      await db.schema
        .createTable('note_log')
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('update', 'blob', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0013_note_seq': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL only: several server nodes may append to the same note's log, so a log row's
      // seq comes from one database sequence (bigint), not from a counter in one node's memory.
      // It starts past every seq already stored, so no new row can collide with an old one.
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      for (const table of ['note_updates', 'notes', 'private_note_updates', 'private_notes'])
        await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN seq TYPE bigint`.execute(db);
      await sql`CREATE SEQUENCE note_seq AS bigint`.execute(db);
      await sql`SELECT setval('note_seq', 1 + greatest(
        (SELECT coalesce(max(seq), 0) FROM note_updates), (SELECT coalesce(max(seq), 0) FROM notes),
        (SELECT coalesce(max(seq), 0) FROM private_note_updates), (SELECT coalesce(max(seq), 0) FROM private_notes)))`.execute(db);
    },
  },
  '0014_leases': {
    async up(db: Kysely<unknown>) {
      // Jobs exactly one node runs at a time (cluster/leases.ts).
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0015_note_logs_without_row_checks': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL only: a note's log row no longer checks, row by row, that its session (or
      // mentorship) exists. That check locked the parent row in every batch (a WAL record per note
      // per group commit; about a quarter of a batch's CPU in PostgreSQL, measured alone). The row is written only for
      // a note the access check opened, and sessions and mentorships are never deleted; the
      // snapshot tables keep their foreign keys. SQLite's writer keeps its own rule (see moveFromLog).
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      for (const table of ['note_updates', 'private_note_updates']) {
        const found = await sql<{ name: string }>`SELECT conname AS name FROM pg_constraint
          WHERE conrelid = ${table}::regclass AND contype = 'f'`.execute(db);
        for (const { name } of found.rows) await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.ref(name)}`.execute(db);
      }
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
