import { carriedGoalStatuses, type Goal } from '@tandem/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatDate } from '../../lib/time';
import { isOverdue, statusLabel } from '../goals/describe';

/** Focus first, then the other open goals in their order. */
export function dashboardOrder(goals: Goal[]): Goal[] {
  const open = goals.filter((g) => carriedGoalStatuses.includes(g.status));
  return [...open.filter((g) => g.isFocus), ...open.filter((g) => !g.isFocus)];
}

/** The mentorship's goals outside calls: the focus first, overdue ones flagged. */
export function MentorshipGoals({ mentorshipId }: { mentorshipId: string }) {
  const { t } = useTranslation();
  const [goals, setGoals] = useState<Goal[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.goals(mentorshipId).then((res) => (res.ok ? setGoals(res.data.goals) : setError(errorText(res.error))));
  }, [mentorshipId]);

  if (error) return <p className="error">{error}</p>;
  if (!goals) return <p className="muted">{t('dashboard.loadingGoals')}</p>;
  const open = dashboardOrder(goals);
  const done = goals.filter((g) => g.status === 'done').length;
  return (
    <div className="dash-goals">
      <h3>{t('dashboard.goals')}</h3>
      {open.length === 0 ? (
        <p className="muted">{t('dashboard.noOpenGoals')}</p>
      ) : (
        <ul aria-label={t('dashboard.openGoals')}>
          {open.map((g) => (
            <li key={g.id}>
              {g.isFocus && <span className="badge badge-focus">{t('dashboard.focus')}</span>} {g.title}{' '}
              <span className="muted">· {statusLabel(g.status)}</span>
              {g.dueDate && <span className="muted"> · {t('dashboard.due', { date: formatDate(g.dueDate) })}</span>}{' '}
              {isOverdue(g) && <span className="badge badge-warn">{t('dashboard.overdue')}</span>}
            </li>
          ))}
        </ul>
      )}
      {done > 0 && <p className="muted small">{t('dashboard.doneSoFar', { count: done })}</p>}
    </div>
  );
}
