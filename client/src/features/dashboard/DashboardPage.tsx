import { ApiRoute, apiPath, type DashboardResponse, type Session } from '@tandem/shared';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatDuration, formatSlot, formatWhen } from '../../lib/time';
import { useAppStore } from '../../store';
import { MentorshipGoals } from './MentorshipGoals';
import { NoteTemplateEditor } from './NoteTemplateEditor';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: DashboardResponse };

export function DashboardPage() {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const reload = useCallback(() => {
    setLoad({ state: 'loading' });
    void api
      .dashboard()
      .then((res) => setLoad(res.ok ? { state: 'ready', data: res.data } : { state: 'error', message: errorText(res.error) }));
  }, []);
  useEffect(reload, [reload]);

  return (
    <main className="page">
      <PageHeading>{t('dashboard.hello', { name: user?.displayName.split(' ')[0] ?? '' })}</PageHeading>
      {load.state === 'loading' && (
        <p className="muted" aria-busy="true">
          {t('dashboard.loading')}
        </p>
      )}
      {load.state === 'error' && (
        <div className="error" role="alert">
          {load.message}{' '}
          <button type="button" className="btn btn-quiet" onClick={reload}>
            {t('errors.tryAgain')}
          </button>
        </div>
      )}
      {load.state === 'ready' && load.data.mentorships.length === 0 && <p className="muted">{t('dashboard.none')}</p>}
      {load.state === 'ready' &&
        load.data.mentorships.map(({ mentorship, nextSession, pastSessions }) => {
          const isMentor = user?.id === mentorship.mentor.id;
          const other = isMentor ? mentorship.student : mentorship.mentor;
          const zone = mentorship.slot.timeZone;
          return (
            <section key={mentorship.id} className="card mentorship" aria-labelledby={`m-${mentorship.id}`}>
              <h2 id={`m-${mentorship.id}`}>{mentorship.title}</h2>
              <p className="muted">
                {t('dashboard.with', {
                  name: other.displayName,
                  role: t(`header.role.${isMentor ? 'student' : 'mentor'}`),
                  slot: formatSlot(mentorship.slot),
                  duration: formatDuration(mentorship.slot.durationMinutes * 60),
                })}
              </p>
              <NextSession session={nextSession} pairZone={zone} isMentor={isMentor} onChanged={reload} />
              <MentorshipGoals mentorshipId={mentorship.id} />
              <NoteTemplateEditor mentorshipId={mentorship.id} sections={mentorship.noteTemplate} editable={isMentor} />
              <h3>{t('dashboard.pastSessions')}</h3>
              {pastSessions.length === 0 ? (
                <p className="muted">{t('dashboard.noPast')}</p>
              ) : (
                <ul className="past-sessions">
                  {pastSessions.slice(0, 5).map((s) => (
                    <li key={s.id}>
                      <a href={pagePath.session(s.id)} onClick={linkTo(pagePath.session(s.id))}>
                        {t('dashboard.weekAt', { week: s.week, when: formatWhen(s.scheduledAt, zone) })}
                      </a>{' '}
                      {s.status !== 'ended' && (
                        <span className="muted">({s.status === 'cancelled' ? t('dashboard.cancelled') : t('dashboard.noShow')})</span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              <p className="links">
                <a href={pagePath.mentorship(mentorship.id)} onClick={linkTo(pagePath.mentorship(mentorship.id))}>
                  {t('dashboard.allSessions')}
                </a>
                <a href={apiPath(ApiRoute.calendar, { id: mentorship.id })} download>
                  {t('dashboard.calendar')}
                </a>
              </p>
            </section>
          );
        })}
    </main>
  );
}

function NextSession({
  session,
  pairZone,
  isMentor,
  onChanged,
}: {
  session: Session | null;
  pairZone: string;
  isMentor: boolean;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  if (!session) return <p className="muted">{t('dashboard.noUpcoming')}</p>;
  const mark = async (status: 'cancelled' | 'no_show') => {
    if (!window.confirm(status === 'cancelled' ? t('dashboard.confirmCancel') : t('dashboard.confirmNoShow'))) return;
    const res = await api.cancelSession(session.id, status);
    if (res.ok) onChanged();
    else setError(errorText(res.error));
  };
  // Only a session nobody has joined yet can be called off.
  const canCallOff = isMentor && session.status === 'scheduled';
  const href = pagePath.session(session.id);
  return (
    <div className="next-session">
      <div>
        <div className="eyebrow">{session.status === 'live' ? t('dashboard.happeningNow') : t('dashboard.nextSession')}</div>
        <div>{t('dashboard.weekAt', { week: session.week, when: formatWhen(session.scheduledAt, pairZone) })}</div>
      </div>
      <div className="row">
        {canCallOff && (
          <>
            <button type="button" className="btn btn-quiet btn-small" onClick={() => void mark('cancelled')}>
              {t('dashboard.cancelSession')}
            </button>
            <button type="button" className="btn btn-quiet btn-small" onClick={() => void mark('no_show')}>
              {t('dashboard.markNoShow')}
            </button>
          </>
        )}
        <a className="btn btn-primary" href={href} onClick={linkTo(href)}>
          {t('dashboard.join')}
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
