import {
  type Attendance,
  closedSessionStatuses,
  type Mentorship,
  nextSessionTime,
  type Session,
  type TranscriptSegment,
  type WeeklySlot,
} from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import * as Y from 'yjs';
import { loadGoals, loadSessionEvents } from '../db/goals.js';
import { closeOpenAttendance, getMentorship, insertSession, toSession } from '../db/mentorships.js';
import type { SessionsTable } from '../db/schema.js';
import { nowIso } from '../lib/time.js';
import { noteToHtml, noteToJSON, noteToMarkdown, noteToText } from '../notes/render.js';

export type EndReason = 'mentor' | 'empty_room' | 'reconciler';

/** Attendance per person from the join/leave rows (a person may join several times). */
async function attendanceOf(app: FastifyInstance, sessionId: string, endedAt: string): Promise<Attendance[]> {
  const rows = await app.db
    .selectFrom('attendance as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.user_id', 'u.display_name', 'a.joined_at', 'a.left_at'])
    .where('a.session_id', '=', sessionId)
    .orderBy('a.joined_at')
    .execute();
  const byUser = new Map<string, Attendance>();
  for (const r of rows) {
    const left = r.left_at ?? endedAt;
    const seconds = Math.max(0, Math.round((Date.parse(left) - Date.parse(r.joined_at)) / 1000));
    const a = byUser.get(r.user_id);
    if (a) {
      a.seconds += seconds;
      a.lastLeftAt = left > (a.lastLeftAt ?? '') ? left : a.lastLeftAt;
    } else {
      byUser.set(r.user_id, { userId: r.user_id, displayName: r.display_name, firstJoinedAt: r.joined_at, lastLeftAt: left, seconds });
    }
  }
  return [...byUser.values()];
}

/** The first line of what was written (not the agenda headings), as the session's summary. */
function summaryOf(json: ReturnType<typeof noteToJSON>): string {
  const firstParagraph = (json.content ?? [])
    .filter((n) => n.type !== 'heading')
    .map((n) => noteToText({ type: 'doc', content: [n] }).split('\n')[0] ?? '')
    .find((l) => l.trim() !== '');
  const line = firstParagraph?.trim() ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/**
 * Ends a session and saves its record, once. The note is frozen first (so no
 * acknowledged keystroke is missed and none arrives after), then ONE transaction
 * writes the status, the record (note in five forms, goals, events, transcript,
 * attendance, duration), the search index and the next week's session. Ending
 * twice, or concurrently, ends it once: the transaction re-checks the status.
 */
export async function endSession(
  app: FastifyInstance,
  sessionId: string,
  reason: EndReason,
): Promise<{ ended: boolean; session: Session; nextSession: Session | null }> {
  const row = await app.db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
  const mentorship = await getMentorship(app.db, row.mentorship_id);
  if (!mentorship) throw new Error(`session ${sessionId} has no mentorship`);
  const openNext = async () => {
    const next = await app.db
      .selectFrom('sessions')
      .selectAll()
      .where('mentorship_id', '=', row.mentorship_id)
      .where('status', 'in', ['scheduled', 'live'])
      .orderBy('scheduled_at')
      .executeTakeFirst();
    return next ? toSession(next) : null;
  };
  if (closedSessionStatuses.includes(row.status)) return { ended: false, session: toSession(row), nextSession: await openNext() };

  // The last words are flushed into the transcript before it is read.
  await app.transcription.stop(sessionId);
  // Frozen until the end is settled: nothing acknowledged from here on could miss the record.
  const state = await app.notes.freeze(sessionId);
  let settled = false;
  try {
    const result = await saveRecord(app, row, mentorship, reason, state);
    await app.notes.settle(sessionId, true);
    settled = true;
    return { ...result, nextSession: await openNext() };
  } finally {
    if (!settled) await app.notes.settle(sessionId, false);
  }
}

/** The record and the status in ONE transaction; then everyone leaves the call and is told. */
async function saveRecord(
  app: FastifyInstance,
  row: Selectable<SessionsTable>,
  mentorship: Mentorship,
  reason: EndReason,
  state: Uint8Array,
): Promise<{ ended: boolean; session: Session }> {
  const sessionId = row.id;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const json = noteToJSON(doc);
  doc.destroy();
  const endedAt = nowIso();
  const goals = (await loadGoals(app.db, row.mentorship_id)).goals.filter((g) => !g.deleted);
  const goalEvents = await loadSessionEvents(app.db, sessionId);
  const transcript: TranscriptSegment[] = await app.transcription.segments(sessionId);
  const attendance = await attendanceOf(app, sessionId, endedAt);
  const startedAt = row.started_at ?? attendance[0]?.firstJoinedAt ?? null;
  const durationSeconds = startedAt ? Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000)) : 0;
  const text = noteToText(json);

  const ended = await app.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('sessions')
      .set({ status: 'ended', ended_at: endedAt, ended_reason: reason, summary: summaryOf(json), empty_since: null, started_at: startedAt })
      .where('id', '=', sessionId)
      .where('status', 'in', ['scheduled', 'live'])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false; // someone else ended it first
    await trx
      .insertInto('session_records')
      .values({
        session_id: sessionId,
        note_state: state,
        note_json: JSON.stringify(json),
        // The record page puts the note under its own h2: the note's headings start at h3.
        note_html: noteToHtml(json, 1),
        note_markdown: noteToMarkdown(json),
        note_text: text,
        goals_json: JSON.stringify(goals),
        goal_events_json: JSON.stringify(goalEvents),
        transcript_json: JSON.stringify(transcript),
        attendance_json: JSON.stringify(attendance),
        duration_seconds: durationSeconds,
        finalised_at: endedAt,
      })
      .execute();
    await closeOpenAttendance(trx, sessionId, endedAt);
    if (text)
      await trx
        .insertInto('session_search')
        .values({ session_id: sessionId, mentorship_id: row.mentorship_id, kind: 'note', body: text })
        .execute();
    // What was said and written in the chat is searchable with the notes.
    const spoken = transcript.map((t) => `${t.speakerName}: ${t.text}`).join('\n');
    if (spoken) {
      await trx
        .insertInto('session_search')
        .values({ session_id: sessionId, mentorship_id: row.mentorship_id, kind: 'transcript', body: spoken })
        .execute();
    }
    // The weekly rhythm goes on: the next weekly session, unless one is booked (an extra one does not count).
    const open = await trx
      .selectFrom('sessions')
      .select('id')
      .where('mentorship_id', '=', row.mentorship_id)
      .where('kind', '=', 'weekly')
      .where('status', 'in', ['scheduled', 'live'])
      .executeTakeFirst();
    if (!open && mentorship.status === 'active') {
      const slot: WeeklySlot = mentorship.slot;
      const at = nextSessionTime(slot, new Date(row.scheduled_at), new Date(endedAt));
      await insertSession(trx, { mentorshipId: row.mentorship_id, scheduledAt: at.toISOString(), durationMinutes: slot.durationMinutes });
    }
    return true;
  });

  const final = toSession(await app.db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow());
  if (ended) {
    app.log.info({ sessionId, reason, durationSeconds }, 'session ended and saved');
    // Everyone leaves the call: a token's expiry is not re-checked on reconnect, so the room itself goes.
    await app.livekit
      .closeRoom(row.room_name)
      .catch((err: unknown) => app.log.warn({ err, sessionId }, 'could not close the LiveKit room'));
    app.realtime.sessionEnded(sessionId, row.mentorship_id);
  }
  return { ended, session: final };
}
