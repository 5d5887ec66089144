import { ApiRoute, apiPath, type DashboardResponse } from '@tandem/shared';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadFailed } from '../../app/LoadFailed';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatDuration, formatSlot, formatWhen } from '../../lib/time';
import { useAppStore } from '../../store';
import { NextSessionCard } from '../week/NextSessionCard';
import { MentorshipGoals } from './MentorshipGoals';
import { NoteTemplateEditor } from './NoteTemplateEditor';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: DashboardResponse };

export function DashboardPage() {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const liveUnread = useAppStore((s) => s.unread);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  // A reload after an action keeps the page as it is until the answer comes (the focus stays where it was).
  const reload = useCallback((quiet = false) => {
    if (!quiet) setLoad({ state: 'loading' });
    void api
      .dashboard()
      .then((res) => setLoad(res.ok ? { state: 'ready', data: res.data } : { state: 'error', message: errorText(res.error) }));
  }, []);
  useEffect(() => reload(), [reload]);

  return (
    <main className="page">
      <PageHeading>{t('dashboard.hello', { name: user?.displayName.split(' ')[0] ?? '' })}</PageHeading>
      {load.state === 'loading' && (
        <p className="muted" aria-busy="true">
          {t('dashboard.loading')}
        </p>
      )}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={() => reload()} />}
      {load.state === 'ready' && load.data.mentorships.length === 0 && <p className="muted">{t('dashboard.none')}</p>}
      {load.state === 'ready' &&
        load.data.mentorships.map(({ mentorship, nextSession, pastSessions, pendingMoves, unread, projects }) => {
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
              <NextSessionCard
                mentorship={mentorship}
                session={nextSession}
                moves={pendingMoves}
                isMentor={isMentor}
                onChanged={() => reload(true)}
              />
              <p className="project-line">
                {projects.current
                  ? t('projects.dashboard', { title: projects.current.title, status: t(`projects.status.${projects.current.status}`) })
                  : projects.total > 0
                    ? t('projects.allApproved')
                    : t('projects.dashboardNone')}{' '}
                {projects.total > 0 && (
                  <span className="muted">· {t('projects.progress', { approved: projects.approved, total: projects.total })}</span>
                )}
              </p>
              <p className="row">
                <a
                  className="btn btn-quiet btn-small"
                  href={pagePath.projects(mentorship.id)}
                  onClick={linkTo(pagePath.projects(mentorship.id))}
                >
                  {t('projects.open')}
                </a>
                <a
                  className="btn btn-quiet btn-small"
                  href={pagePath.messages(mentorship.id)}
                  onClick={linkTo(pagePath.messages(mentorship.id))}
                >
                  {t('week.messages')}
                  {(liveUnread[mentorship.id] ?? unread) > 0 && (
                    <span className="badge">{t('week.unread', { count: liveUnread[mentorship.id] ?? unread })}</span>
                  )}
                </a>
              </p>
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
                      {s.outcome ? (
                        <span className="muted">({t(`week.outcome.${s.outcome}`)})</span>
                      ) : (
                        s.status !== 'ended' && (
                          <span className="muted">({s.status === 'cancelled' ? t('dashboard.cancelled') : t('dashboard.noShow')})</span>
                        )
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
