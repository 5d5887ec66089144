import type { Generated } from 'kysely';

/** Rows as stored. Instants are ISO 8601 strings so SQLite and PostgreSQL agree. */
export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: 'mentor' | 'student' | 'admin';
  locale: string;
  password_hash: string;
  created_at: string;
  status: Generated<'active' | 'deactivated'>;
  time_zone: Generated<string>;
  deactivated_at: string | null;
  remind_day: Generated<number>;
  remind_hour: Generated<number>;
}

export interface AuthSessionsTable {
  /** sha256 of the cookie's token: a stolen database does not yield live cookies. */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface MentorshipsTable {
  id: string;
  mentor_id: string;
  student_id: string;
  title: string;
  slot_weekday: number;
  slot_time: string;
  slot_time_zone: string;
  slot_duration_minutes: number;
  status: 'active' | 'paused' | 'ended';
  /** JSON array of section titles for a new session's note; null = the default agenda. */
  note_template: string | null;
  /** Grows by one with every goal command of this mentorship. */
  goals_version: Generated<number>;
  created_at: string;
  ended_at: Generated<string | null>;
  /** The mentorship a reassigned student came from. */
  previous_id: Generated<string | null>;
}

export interface SessionsTable {
  id: string;
  mentorship_id: string;
  week: number;
  scheduled_at: string;
  duration_minutes: number;
  status: 'scheduled' | 'live' | 'ended' | 'cancelled' | 'no_show';
  room_name: string;
  started_at: string | null;
  ended_at: string | null;
  /** When the LiveKit room became empty; the session ends after a grace period. */
  empty_since: string | null;
  ended_reason: string | null;
  /** The first line of the note, written at the end. */
  summary: string | null;
  created_at: string;
  kind: Generated<'weekly' | 'extra'>;
  outcome: Generated<'skipped' | 'cancelled_early' | 'cancelled_late' | 'no_show' | 'other' | null>;
  outcome_reason: Generated<string | null>;
  absent_user_id: Generated<string | null>;
  /** iCalendar SEQUENCE: grows with every move and with the cancellation. */
  sequence: Generated<number>;
  /** The SEQUENCE both calendars were last sent (-1: never). */
  calendar_sent: Generated<number>;
  /** When scheduled_at was last set (booked or moved). */
  timed_at: Generated<string | null>;
  /** The brief, frozen when the call started. */
  brief_json: Generated<string | null>;
}

export interface NoteUpdatesTable {
  session_id: string;
  seq: number;
  update: Uint8Array;
  created_at: string;
}

/** SQLite only: the hot log of note updates (see NoteLogSql in notes/noteSql.ts). */
export interface NoteLogTable {
  /** The kind of note (a key of NoteTables). */
  note: string;
  id: string;
  seq: number;
  update: Uint8Array;
  created_at: string;
}

export interface NotesTable {
  session_id: string;
  state: Uint8Array;
  seq: number;
  updated_at: string;
}

/** The mentor's private note of a mentorship: the same log-and-snapshot shape as a session's note. */
export interface PrivateNoteUpdatesTable {
  mentorship_id: string;
  seq: number;
  update: Uint8Array;
  created_at: string;
}

export interface PrivateNotesTable {
  mentorship_id: string;
  state: Uint8Array;
  seq: number;
  updated_at: string;
}

/** A transcript segment (speech or chat) quoted next to a goal. */
export interface GoalQuotesTable {
  id: string;
  goal_id: string;
  segment_id: string;
  session_id: string;
  quoted_by: string;
  created_at: string;
}

export interface GoalsTable {
  id: string;
  mentorship_id: string;
  title: string;
  detail: string;
  owner: 'student' | 'mentor';
  status: 'open' | 'in_progress' | 'done' | 'dropped';
  due_date: string | null;
  order_key: string;
  is_focus: number;
  deleted: number;
  created_in_session_id: string | null;
  created_at: string;
  updated_at: string;
  /** The project this goal is a step toward. */
  project_id: Generated<string | null>;
}

export interface GoalEventsTable {
  id: string;
  goal_id: string;
  mentorship_id: string;
  session_id: string | null;
  user_id: string;
  kind: 'created' | 'updated' | 'moved' | 'focused' | 'deleted' | 'restored';
  before_json: string | null;
  after_json: string | null;
  version: number;
  created_at: string;
}

export interface SessionRecordsTable {
  session_id: string;
  note_state: Uint8Array;
  note_json: string;
  note_html: string;
  note_markdown: string;
  note_text: string;
  goals_json: string;
  goal_events_json: string;
  transcript_json: string;
  attendance_json: string;
  duration_seconds: number;
  finalised_at: string;
}

export interface AttendanceTable {
  session_id: string;
  user_id: string;
  participant_sid: string;
  joined_at: string;
  left_at: string | null;
}

export interface WebhookEventsTable {
  id: string;
  event: string;
  received_at: string;
}

export interface SessionSearchTable {
  session_id: string;
  mentorship_id: string;
  kind: 'note' | 'transcript';
  body: string;
}

export interface TranscriptSegmentsTable {
  id: string;
  session_id: string;
  speaker_id: string;
  speaker_name: string;
  kind: 'speech' | 'chat';
  start_ms: number;
  end_ms: number;
  text: string;
  created_at: string;
}

export interface TranscriptionConsentTable {
  session_id: string;
  user_id: string;
  consented: number;
  updated_at: string;
}

export interface TranscriptionConsentMentorshipTable {
  mentorship_id: string;
  user_id: string;
  consented: number;
  updated_at: string;
}

export interface InvitationsTable {
  id: string;
  /** sha256 of the link's token. */
  token_hash: string;
  kind: 'invite' | 'setup';
  email: string | null;
  display_name: string | null;
  role: 'mentor' | 'student' | 'admin';
  /** Null for a set-up link printed by the server itself. */
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_user_id: string | null;
  revoked_at: string | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  to_name: string;
  subject: string;
  text_body: string;
  html_body: string;
  purpose: string;
  status: 'queued' | 'sending' | 'sent' | 'kept' | 'failed';
  attempts: number;
  next_attempt_at: string;
  /** While a worker sends it: another worker leaves it alone until then. */
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** An iCalendar invitation sent with it (METHOD:REQUEST or CANCEL). */
  ics: Generated<string | null>;
}

export interface SessionMovesTable {
  id: string;
  session_id: string;
  mentorship_id: string;
  proposed_by: string;
  from_at: string;
  to_at: string;
  message: string;
  status: 'pending' | 'accepted' | 'declined' | 'withdrawn' | 'superseded';
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface JobsTable {
  id: string;
  /** Unique: planning the same job twice plans it once. */
  key: string;
  kind: string;
  payload_json: string;
  run_at: string;
  status: 'pending' | 'done' | 'skipped' | 'failed';
  attempts: number;
  last_error: string | null;
  created_at: string;
  done_at: string | null;
  /** The process that did it (host:pid). */
  done_by: string | null;
}

export interface MessagesTable {
  id: string;
  mentorship_id: string;
  author_id: string;
  body: string;
  session_id: string | null;
  created_at: string;
}

export interface MessageReadsTable {
  mentorship_id: string;
  user_id: string;
  read_until: string | null;
  digested_until: string | null;
  digest_sent_at: string | null;
}

export interface AuditLogTable {
  id: string;
  actor_id: string | null;
  action: string;
  target: string | null;
  detail_json: string;
  created_at: string;
}

export interface ProjectTemplatesTable {
  path: string;
  position: number;
  title: string;
  brief_url: string | null;
  criteria_json: string;
}

export interface ProjectsTable {
  id: string;
  mentorship_id: string;
  title: string;
  brief_url: string | null;
  due_date: string | null;
  /** JSON [{ id, text }]. */
  criteria_json: string;
  position: number;
  status: 'not_started' | 'submitted' | 'changes_requested' | 'approved';
  approved_at: string | null;
  created_by: string;
  created_at: string;
}

export interface SubmissionsTable {
  id: string;
  project_id: string;
  version: number;
  links_json: string;
  note: string;
  submitted_by: string;
  submitted_at: string;
  status: 'pending' | 'changes_requested' | 'approved';
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_summary: string | null;
  /** JSON [{ criterionId, met, comment }]. */
  review_json: string | null;
}

export interface SessionReportsTable {
  session_id: string;
  mentor_id: string;
  progress: 'on_track' | 'behind' | 'at_risk';
  engagement: number;
  comment: string;
  shared: number;
  created_at: string;
  updated_at: string;
}

export interface SessionFeedbackTable {
  session_id: string;
  student_id: string;
  usefulness: number;
  comment: string;
  created_at: string;
  updated_at: string;
}

/**
 * A lease: one node (of several) holds a job (a session's transcriber, the reconciler) until
 * `expires_at`, renewing it while it lives; another takes it over once it has expired.
 */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface Database {
  leases: LeasesTable;
  session_reports: SessionReportsTable;
  session_feedback: SessionFeedbackTable;
  project_templates: ProjectTemplatesTable;
  projects: ProjectsTable;
  submissions: SubmissionsTable;
  session_moves: SessionMovesTable;
  jobs: JobsTable;
  messages: MessagesTable;
  message_reads: MessageReadsTable;
  invitations: InvitationsTable;
  password_resets: PasswordResetsTable;
  mail_outbox: MailOutboxTable;
  audit_log: AuditLogTable;
  transcription_consent_mentorship: TranscriptionConsentMentorshipTable;
  transcript_segments: TranscriptSegmentsTable;
  transcription_consent: TranscriptionConsentTable;
  session_records: SessionRecordsTable;
  attendance: AttendanceTable;
  webhook_events: WebhookEventsTable;
  session_search: SessionSearchTable;
  goals: GoalsTable;
  goal_events: GoalEventsTable;
  note_updates: NoteUpdatesTable;
  note_log: NoteLogTable;
  notes: NotesTable;
  private_note_updates: PrivateNoteUpdatesTable;
  private_notes: PrivateNotesTable;
  goal_quotes: GoalQuotesTable;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  mentorships: MentorshipsTable;
  sessions: SessionsTable;
  /** Kysely's own bookkeeping is not typed here. */
  _placeholder?: { id: Generated<number> };
}
