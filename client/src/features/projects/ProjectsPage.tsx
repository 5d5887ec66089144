import { useTranslation } from 'react-i18next';
import { LoadFailed } from '../../app/LoadFailed';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, pagePath } from '../../app/router';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/useLoad';
import { useAppStore } from '../../store';
import { ProjectPanel } from './ProjectPanel';

/** A pair's projects outside the call (where the emails about a submission or a review lead). */
export function ProjectsPage({ mentorshipId }: { mentorshipId: string }) {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const [load, reload] = useLoad(() => api.history(mentorshipId), mentorshipId);
  return (
    <main className="page page-narrow">
      <p className="back">
        <a href={pagePath.dashboard} onClick={linkTo(pagePath.dashboard)}>
          {t('week.backToDashboard')}
        </a>
      </p>
      <PageHeading>{load.state === 'ready' ? `${t('projects.page')} — ${load.data.mentorship.title}` : t('projects.page')}</PageHeading>
      {load.state === 'loading' && (
        <p className="muted" aria-busy="true">
          {t('projects.loading')}
        </p>
      )}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={reload} />}
      {load.state === 'ready' && (
        <ProjectPanel
          mentorshipId={mentorshipId}
          role={user?.id === load.data.mentorship.mentor.id ? 'mentor' : user?.id === load.data.mentorship.student.id ? 'student' : 'admin'}
          readOnly={load.data.mentorship.status === 'ended'}
        />
      )}
    </main>
  );
}
