import { ApiRoute, apiPath, type SessionRecord } from '@tandem/shared';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, pagePath } from '../../app/router';
import { formatDate, formatDuration, formatWhen } from '../../lib/time';
import { useAppStore } from '../../store';
import { describeEvent, statusLabel } from '../goals/describe';
import { AfterSession } from './AfterSession';

/** An ended session's saved record: read-only note, goals, what was decided, transcript, attendance. */
export function RecordView({ record }: { record: SessionRecord }) {
  // A link to one line (a goal's quote) lands on it, highlighted, with the keyboard there.
  useEffect(() => {
    const target = window.location.hash.startsWith('#seg-') ? document.getElementById(window.location.hash.slice(1)) : null;
    if (!target) return;
    target.classList.add('seg-target');
    target.tabIndex = -1;
    target.focus();
    target.scrollIntoView({ block: 'center' });
  }, []);
  const { t } = useTranslation();
  const { session, mentorship } = record;
  const user = useAppStore((s) => s.user);
  const role = !user ? null : user.id === mentorship.mentor.id ? 'mentor' : user.id === mentorship.student.id ? 'student' : 'admin';
  const titleOf = (id: string) =>
    record.goals.find((g) => g.id === id)?.title ??
    String(record.goalEvents.find((e) => e.goalId === id)?.after?.title ?? t('goals.aGoal'));
  const decided = record.goalEvents.filter((e) => e.kind !== 'moved');
  return (
    <article className="record" aria-labelledby="record-title">
      <header className="record-head">
        <div>
          <div className="eyebrow">{t('review.savedRecord', { week: session.week })}</div>
          <PageHeading id="record-title">{mentorship.title}</PageHeading>
          <p className="muted">
            {formatWhen(session.scheduledAt, mentorship.slot.timeZone)} · {formatDuration(record.durationSeconds)} ·{' '}
            {record.attendance.length
              ? record.attendance.map((a) => `${a.displayName} (${formatDuration(a.seconds)})`).join(', ')
              : t('review.nobodyJoinedCall')}
          </p>
        </div>
        <div className="row no-print">
          <a
            className="btn btn-quiet btn-small"
            href={pagePath.mentorship(mentorship.id)}
            onClick={linkTo(pagePath.mentorship(mentorship.id))}
          >
            {t('review.allSessions')}
          </a>
          <a className="btn btn-quiet btn-small" href={apiPath(ApiRoute.sessionExport, { id: session.id })} download>
            {t('review.exportMarkdown')}
          </a>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => window.print()}>
            {t('review.print')}
          </button>
        </div>
      </header>

      {role !== null && <AfterSession sessionId={session.id} role={role} />}

      <section aria-labelledby="record-notes">
        <h2 id="record-notes">{t('review.notes')}</h2>
        {record.noteHtml ? (
          // Built on the server from the note's structure: every text is escaped, only known tags and safe links survive.
          // biome-ignore lint/security/noDangerouslySetInnerHtml: server-sanitised by construction (see server/src/notes/render.ts)
          <div className="note-editor record-note" dangerouslySetInnerHTML={{ __html: record.noteHtml }} />
        ) : (
          <p className="muted">{t('review.noNotes')}</p>
        )}
      </section>

      <section aria-labelledby="record-goals">
        <h2 id="record-goals">{t('review.goalsAtEnd')}</h2>
        {record.goals.length === 0 ? (
          <p className="muted">{t('review.noGoals')}</p>
        ) : (
          <ul className="record-goals">
            {record.goals.map((g) => (
              <li key={g.id}>
                {g.isFocus && <span className="badge badge-focus">{t('dashboard.focus')}</span>} <strong>{g.title}</strong> ·{' '}
                {statusLabel(g.status)} · {t(`goals.owners.${g.owner}`)}
                {g.dueDate ? ` · ${t('dashboard.due', { date: formatDate(g.dueDate) })}` : ''}
              </li>
            ))}
          </ul>
        )}
        <h3>{t('review.decided')}</h3>
        {decided.length === 0 ? (
          <p className="muted">{t('review.noDecided')}</p>
        ) : (
          <ul>
            {decided.map((e) => (
              <li key={e.id}>{describeEvent(e, titleOf)}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="record-transcript">
        <h2 id="record-transcript">{t('review.transcript')}</h2>
        {record.transcript.length === 0 ? (
          <p className="muted">{t('review.noTranscript')}</p>
        ) : (
          <ol className="transcript">
            {record.transcript.map((s) => (
              <li key={s.id} id={`seg-${s.id}`}>
                <time>{new Date(s.startMs).toISOString().slice(11, 19)}</time> <strong>{s.speakerName}</strong>
                {s.kind === 'chat' ? ` ${t('transcript.chat')}` : ''}: {s.text}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}
