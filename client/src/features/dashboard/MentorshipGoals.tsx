import { carriedGoalStatuses, type Goal } from '@tandem/shared';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { isOverdue, statusLabel } from '../goals/describe';

/** Focus first, then the other open goals in their order. */
export function dashboardOrder(goals: Goal[]): Goal[] {
  const open = goals.filter((g) => carriedGoalStatuses.includes(g.status));
  return [...open.filter((g) => g.isFocus), ...open.filter((g) => !g.isFocus)];
}

/** The mentorship's goals outside calls: the focus first, overdue ones flagged. */
export function MentorshipGoals({ mentorshipId }: { mentorshipId: string }) {
  const [goals, setGoals] = useState<Goal[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.goals(mentorshipId).then((res) => (res.ok ? setGoals(res.data.goals) : setError(res.error.message)));
  }, [mentorshipId]);

  if (error) return <p className="error">{error}</p>;
  if (!goals) return <p className="muted">Loading goals…</p>;
  const open = dashboardOrder(goals);
  const done = goals.filter((g) => g.status === 'done').length;
  return (
    <div className="dash-goals">
      <h3>Goals</h3>
      {open.length === 0 ? (
        <p className="muted">No open goals. Set one in your next session.</p>
      ) : (
        <ul aria-label="Open goals">
          {open.map((g) => (
            <li key={g.id}>
              {g.isFocus && <span className="badge badge-focus">Focus</span>} {g.title}{' '}
              <span className="muted">· {statusLabel[g.status]}</span>
              {g.dueDate && <span className="muted"> · due {g.dueDate}</span>}{' '}
              {isOverdue(g) && <span className="badge badge-warn">Overdue</span>}
            </li>
          ))}
        </ul>
      )}
      {done > 0 && <p className="muted small">{done} done so far.</p>}
    </div>
  );
}
