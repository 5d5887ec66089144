import { ApiRoute, apiPath, type DashboardResponse, type Session } from '@tandem/shared';
import { useCallback, useEffect, useState } from 'react';
import { linkTo, pagePath } from '../../app/router';
import { api } from '../../lib/api';
import { formatSlot, formatWhen } from '../../lib/format';
import { useAppStore } from '../../store';
import { MentorshipGoals } from './MentorshipGoals';
import { NoteTemplateEditor } from './NoteTemplateEditor';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: DashboardResponse };

export function DashboardPage() {
  const user = useAppStore((s) => s.user);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const reload = useCallback(() => {
    setLoad({ state: 'loading' });
    void api
      .dashboard()
      .then((res) => setLoad(res.ok ? { state: 'ready', data: res.data } : { state: 'error', message: res.error.message }));
  }, []);
  useEffect(reload, [reload]);

  return (
    <main className="page">
      <h1>Hello, {user?.displayName.split(' ')[0]}</h1>
      {load.state === 'loading' && (
        <p className="muted" aria-busy="true">
          Loading your mentorships…
        </p>
      )}
      {load.state === 'error' && (
        <div className="error" role="alert">
          {load.message}{' '}
          <button type="button" className="btn btn-quiet" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {load.state === 'ready' && load.data.mentorships.length === 0 && <p className="muted">You are not part of a mentorship yet.</p>}
      {load.state === 'ready' &&
        load.data.mentorships.map(({ mentorship, nextSession, pastSessions }) => {
          const other = user?.id === mentorship.mentor.id ? mentorship.student : mentorship.mentor;
          const otherRole = user?.id === mentorship.mentor.id ? 'student' : 'mentor';
          return (
            <section key={mentorship.id} className="card mentorship" aria-labelledby={`m-${mentorship.id}`}>
              <h2 id={`m-${mentorship.id}`}>{mentorship.title}</h2>
              <p className="muted">
                With {other.displayName} ({otherRole}) · {formatSlot(mentorship.slot)}
              </p>
              <NextSession session={nextSession} isMentor={user?.id === mentorship.mentor.id} onChanged={reload} />
              <MentorshipGoals mentorshipId={mentorship.id} />
              <NoteTemplateEditor
                mentorshipId={mentorship.id}
                sections={mentorship.noteTemplate}
                editable={user?.id === mentorship.mentor.id}
              />
              <h3>Past sessions</h3>
              {pastSessions.length === 0 ? (
                <p className="muted">No past sessions yet. They appear here once a session ends.</p>
              ) : (
                <ul className="past-sessions">
                  {pastSessions.slice(0, 5).map((s) => (
                    <li key={s.id}>
                      <a href={pagePath.session(s.id)} onClick={linkTo(pagePath.session(s.id))}>
                        Week {s.week} · {formatWhen(s.scheduledAt)}
                      </a>{' '}
                      {s.status !== 'ended' && <span className="muted">({s.status === 'cancelled' ? 'cancelled' : 'no-show'})</span>}
                    </li>
                  ))}
                </ul>
              )}
              <p>
                <a href={pagePath.mentorship(mentorship.id)} onClick={linkTo(pagePath.mentorship(mentorship.id))}>
                  All sessions, search and export →
                </a>{' '}
                ·{' '}
                <a href={apiPath(ApiRoute.calendar, { id: mentorship.id })} download>
                  Add the weekly sessions to your calendar
                </a>
              </p>
            </section>
          );
        })}
    </main>
  );
}

function NextSession({ session, isMentor, onChanged }: { session: Session | null; isMentor: boolean; onChanged(): void }) {
  const [error, setError] = useState<string | null>(null);
  if (!session) return <p className="muted">No upcoming session.</p>;
  const mark = async (status: 'cancelled' | 'no_show') => {
    const question = status === 'cancelled' ? 'Cancel this session? Nobody will be able to join it.' : 'Mark this session as a no-show?';
    if (!window.confirm(question)) return;
    const res = await api.cancelSession(session.id, status);
    if (res.ok) onChanged();
    else setError(res.error.message);
  };
  // Only a session nobody has joined yet can be called off.
  const canCallOff = isMentor && session.status === 'scheduled';
  const href = pagePath.session(session.id);
  return (
    <div className="next-session">
      <div>
        <div className="eyebrow">{session.status === 'live' ? 'Happening now' : 'Next session'}</div>
        <div>
          Week {session.week} · {formatWhen(session.scheduledAt)}
        </div>
      </div>
      <div className="row">
        {canCallOff && (
          <>
            <button type="button" className="btn btn-quiet btn-small" onClick={() => void mark('cancelled')}>
              Cancel session
            </button>
            <button type="button" className="btn btn-quiet btn-small" onClick={() => void mark('no_show')}>
              Mark no-show
            </button>
          </>
        )}
        <a className="btn btn-primary" href={href} onClick={linkTo(href)}>
          Join
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
