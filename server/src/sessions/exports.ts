import type { GoalEvent, Mentorship, SessionRecord } from '@tandem/shared';
import type { Selectable } from 'kysely';
import type { SessionsTable } from '../db/schema.js';
import { mdText } from '../lib/markdown.js';
import { buildIcs } from '../week/ics.js';

const statusWord = { open: 'open', in_progress: 'in progress', done: 'done', dropped: 'dropped' } as const;

const minutes = (s: number) => `${Math.round(s / 60)} min`;

function eventLine(e: GoalEvent, titleOf: (id: string) => string): string {
  const title = `“${mdText(titleOf(e.goalId))}”`;
  const who = mdText(e.userName);
  if (e.kind === 'updated') {
    const changes = Object.keys(e.after ?? {}).map(
      (k) => `${mdText(k)}: ${mdText(String(e.before?.[k] ?? '—'))} → ${mdText(String(e.after?.[k] ?? '—'))}`,
    );
    return `${who} changed ${title} (${changes.join(', ')})`;
  }
  const verb = { created: 'added', moved: 'reordered', focused: 'made the focus:', deleted: 'deleted', restored: 'restored' }[e.kind];
  return `${who} ${verb} ${title}`;
}

/** One session's record as Markdown: notes, goals, what was decided, transcript, attendance. Everything people wrote is escaped. */
export function recordToMarkdown(r: SessionRecord): string {
  const date = new Date(r.session.scheduledAt).toISOString().slice(0, 10);
  const titleOf = (id: string) =>
    r.goals.find((g) => g.id === id)?.title ?? (r.goalEvents.find((e) => e.goalId === id)?.after?.title as string | undefined) ?? 'a goal';
  const lines = [
    `# ${mdText(r.mentorship.title)} — week ${r.session.week} (${date})`,
    '',
    `${mdText(r.mentorship.mentor.displayName)} (mentor) and ${mdText(r.mentorship.student.displayName)} (student) · ${minutes(r.durationSeconds)}`,
    '',
    '## Attendance',
    '',
    ...(r.attendance.length ? r.attendance.map((a) => `- ${mdText(a.displayName)}: ${minutes(a.seconds)}`) : ['- Nobody joined the call.']),
    '',
    '## Notes',
    '',
    // The note's own headings sit one level below "Notes".
    r.noteMarkdown.trim() ? r.noteMarkdown.trim().replace(/^(#{1,5}) /gm, '#$1 ') : '_No notes._',
    '',
    '## Goals at the end of the session',
    '',
    ...(r.goals.length
      ? r.goals.map(
          (g) =>
            `- [${g.status === 'done' ? 'x' : ' '}] ${mdText(g.title)} (${statusWord[g.status]}, ${g.owner}${g.dueDate ? `, due ${mdText(g.dueDate)}` : ''})${g.isFocus ? ' ← focus' : ''}`,
        )
      : ['_No goals._']),
    '',
    '## Decided in this session',
    '',
    ...(r.goalEvents.length
      ? r.goalEvents.filter((e) => e.kind !== 'moved').map((e) => `- ${eventLine(e, titleOf)}`)
      : ['_Nothing changed._']),
    '',
    '## Transcript',
    '',
    ...(r.transcript.length
      ? r.transcript.map(
          (t) =>
            `- [${new Date(t.startMs).toISOString().slice(11, 19)}] **${mdText(t.speakerName)}**${t.kind === 'chat' ? ' (chat)' : ''}: ${mdText(t.text)}`,
        )
      : ['_No transcript._']),
    '',
  ];
  return lines.join('\n');
}

/**
 * The pair's calendar feed: each session as its own event (the UID its invitations carry, so a
 * calendar that got both merges them), moved and cancelled ones as they are now, in the slot's
 * zone with its VTIMEZONE so it follows DST like the sessions do.
 */
export function mentorshipIcs(
  m: Mentorship,
  sessions: Pick<Selectable<SessionsTable>, 'id' | 'week' | 'scheduled_at' | 'duration_minutes' | 'status' | 'sequence'>[],
  origin: string,
  now = new Date(),
): string {
  return buildIcs({
    method: 'PUBLISH',
    timeZone: m.slot.timeZone,
    now,
    events: sessions.map((s) => ({
      uid: `session-${s.id}@tandem`,
      sequence: s.sequence,
      start: new Date(s.scheduled_at),
      durationMinutes: s.duration_minutes,
      summary: `${m.title}: ${m.mentor.displayName} & ${m.student.displayName}`,
      description: `Tandem session, week ${s.week}. Join: ${origin}/sessions/${s.id}`,
      url: `${origin}/sessions/${s.id}`,
      cancelled: s.status === 'cancelled',
    })),
  });
}
