import { ApiRoute, apiPath, type SessionRecord } from '@tandem/shared';
import { linkTo, pagePath } from '../../app/router';
import { formatWhen } from '../../lib/format';
import { describeEvent, statusLabel } from '../goals/describe';
import { formatDuration } from './format';

/** An ended session's saved record: read-only note, goals, what was decided, transcript, attendance. */
export function RecordView({ record }: { record: SessionRecord }) {
  const { session, mentorship } = record;
  const titleOf = (id: string) =>
    record.goals.find((g) => g.id === id)?.title ?? String(record.goalEvents.find((e) => e.goalId === id)?.after?.title ?? 'a goal');
  const decided = record.goalEvents.filter((e) => e.kind !== 'moved');
  return (
    <article className="record" aria-labelledby="record-title">
      <header className="record-head">
        <div>
          <div className="eyebrow">Saved record · week {session.week}</div>
          <h1 id="record-title">{mentorship.title}</h1>
          <p className="muted">
            {formatWhen(session.scheduledAt)} · {formatDuration(record.durationSeconds)} ·{' '}
            {record.attendance.length
              ? record.attendance.map((a) => `${a.displayName} (${formatDuration(a.seconds)})`).join(', ')
              : 'nobody joined the call'}
          </p>
        </div>
        <div className="row no-print">
          <a
            className="btn btn-quiet btn-small"
            href={pagePath.mentorship(mentorship.id)}
            onClick={linkTo(pagePath.mentorship(mentorship.id))}
          >
            All sessions
          </a>
          <a className="btn btn-quiet btn-small" href={apiPath(ApiRoute.sessionExport, { id: session.id })} download>
            Export Markdown
          </a>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => window.print()}>
            Print
          </button>
        </div>
      </header>

      <section aria-labelledby="record-notes">
        <h2 id="record-notes">Notes</h2>
        {record.noteHtml ? (
          // Built on the server from the note's structure: every text is escaped, only known tags and safe links survive.
          // biome-ignore lint/security/noDangerouslySetInnerHtml: server-sanitised by construction (see server/src/notes/render.ts)
          <div className="note-editor record-note" dangerouslySetInnerHTML={{ __html: record.noteHtml }} />
        ) : (
          <p className="muted">No notes were taken.</p>
        )}
      </section>

      <section aria-labelledby="record-goals">
        <h2 id="record-goals">Goals at the end of the session</h2>
        {record.goals.length === 0 ? (
          <p className="muted">No goals.</p>
        ) : (
          <ul className="record-goals">
            {record.goals.map((g) => (
              <li key={g.id}>
                {g.isFocus && <span className="badge badge-focus">Focus</span>} <strong>{g.title}</strong> · {statusLabel[g.status]} ·{' '}
                {g.owner}
                {g.dueDate ? ` · due ${g.dueDate}` : ''}
              </li>
            ))}
          </ul>
        )}
        <h3>Decided in this session</h3>
        {decided.length === 0 ? (
          <p className="muted">No goal changed in this session.</p>
        ) : (
          <ul>
            {decided.map((e) => (
              <li key={e.id}>{describeEvent(e, titleOf)}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="record-transcript">
        <h2 id="record-transcript">Transcript</h2>
        {record.transcript.length === 0 ? (
          <p className="muted">No transcript for this session.</p>
        ) : (
          <ol className="transcript">
            {record.transcript.map((t) => (
              <li key={t.id}>
                <time>{new Date(t.startMs).toISOString().slice(11, 19)}</time> <strong>{t.speakerName}</strong>
                {t.kind === 'chat' ? ' (chat)' : ''}: {t.text}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}
