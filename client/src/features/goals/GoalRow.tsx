import { type Goal, type GoalCommand, GoalLimits, GoalStatusSchema } from '@tandem/shared';
import { type DragEvent, type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n';
import { isOverdue, statusLabel } from './describe';

export interface GoalRowProps {
  goal: Goal;
  readOnly: boolean;
  /** What changed in the last session, in words (carried-over goals). */
  history?: string[];
  run(command: GoalCommand): void;
  /** Moves the goal one place up (-1) or down (+1) within its group. */
  move(delta: -1 | 1): void;
  onDelete(goal: Goal): void;
  /** Makes the goal the focus (the panel keeps the keyboard on it once it moves to the top). */
  onFocusGoal(goal: Goal): void;
  dragHandlers: { onDragStart(e: DragEvent): void; onDragOver(e: DragEvent): void; onDrop(e: DragEvent): void };
  /** The pair's projects, which a goal can be a step toward. */
  projects: readonly { id: string; title: string }[];
}

/**
 * One goal, compact: the star, the title (edit in place) and the status; owner, due date,
 * reordering and delete behind "More". Reorder also by drag or Alt+↑/↓.
 */
export function GoalRow({ goal, readOnly, history, run, move, onDelete, onFocusGoal, dragHandlers, projects }: GoalRowProps) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const moreId = useId();
  const overdue = isOverdue(goal);

  const commitTitle = () => {
    const title = editing?.trim() ?? '';
    setEditing(null);
    if (title && title !== goal.title) run({ type: 'update', goalId: goal.id, patch: { title } });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.key === 'Escape' && more) {
      setMore(false);
      document.getElementById(`${moreId}-button`)?.focus();
      return;
    }
    if (readOnly || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    move(e.key === 'ArrowUp' ? -1 : 1);
  };
  const project = goal.projectId ? projects.find((p) => p.id === goal.projectId) : undefined;
  const focusLabel = goal.isFocus ? t('goals.currentFocus') : t('goals.makeFocus');

  return (
    <li
      className={`goal goal-${goal.status}${goal.isFocus ? ' goal-focus' : ''}`}
      data-goal-id={goal.id}
      aria-label={t('goals.goal', { title: goal.title })}
      draggable={!readOnly && editing === null}
      onKeyDown={onKeyDown}
      {...(readOnly ? {} : dragHandlers)}
    >
      <div className="goal-line">
        {!readOnly && (
          <span className="goal-handle" aria-hidden="true" title={t('goals.dragHint')}>
            ⋮⋮
          </span>
        )}
        {/* Never disabled: a disabled button drops the keyboard focus to the page. */}
        <button
          type="button"
          className={`goal-star${goal.isFocus ? ' on' : ''}`}
          aria-pressed={goal.isFocus}
          aria-label={focusLabel}
          title={focusLabel}
          aria-disabled={readOnly || undefined}
          onClick={() => {
            if (!readOnly && !goal.isFocus) onFocusGoal(goal);
          }}
        >
          {goal.isFocus ? '★' : '☆'}
        </button>
        {editing !== null ? (
          <input
            className="goal-title-input"
            aria-label={t('goals.titleLabel')}
            value={editing}
            maxLength={GoalLimits.titleMax}
            // biome-ignore lint/a11y/noAutofocus: the person just asked to edit this title
            autoFocus
            onChange={(e) => setEditing(e.target.value)}
            onBlur={commitTitle}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitTitle();
              if (e.key === 'Escape') setEditing(null);
            }}
          />
        ) : readOnly ? (
          <span className="goal-title">{goal.title}</span>
        ) : (
          <button type="button" className="goal-title" title={t('goals.clickToEdit')} onClick={() => setEditing(goal.title)}>
            {goal.title}
          </button>
        )}
        <select
          className="goal-status"
          aria-label={t('goals.status')}
          value={goal.status}
          disabled={readOnly}
          onChange={(e) => run({ type: 'update', goalId: goal.id, patch: { status: GoalStatusSchema.parse(e.target.value) } })}
        >
          {GoalStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
        {!readOnly && (
          <button
            type="button"
            id={`${moreId}-button`}
            className="goal-icon"
            aria-expanded={more}
            aria-controls={moreId}
            aria-label={t('goals.more', { title: goal.title })}
            title={t('goals.more', { title: goal.title })}
            onClick={() => setMore((v) => !v)}
          >
            ⋯
          </button>
        )}
      </div>
      {(overdue || goal.owner === 'mentor' || goal.dueDate || project) && !more && (
        <div className="goal-summary muted small">
          {project && <span className="goal-project">→ {t('goals.toward', { title: project.title })}</span>}
          {goal.owner === 'mentor' && <span>{t('goals.owners.mentor')}</span>}
          {goal.dueDate && <span>{goal.dueDate}</span>}
          {overdue && <span className="badge badge-warn">{t('goals.overdue')}</span>}
        </div>
      )}
      {(more || readOnly) && (
        <div className="goal-meta" id={moreId}>
          <select
            aria-label={t('goals.owner')}
            value={goal.owner}
            disabled={readOnly}
            onChange={(e) => run({ type: 'update', goalId: goal.id, patch: { owner: e.target.value === 'mentor' ? 'mentor' : 'student' } })}
          >
            <option value="student">{t('goals.owners.student')}</option>
            <option value="mentor">{t('goals.owners.mentor')}</option>
          </select>
          <input
            type="date"
            lang={currentLanguage()}
            aria-label={t('goals.dueDate')}
            value={goal.dueDate ?? ''}
            disabled={readOnly}
            onChange={(e) => run({ type: 'update', goalId: goal.id, patch: { dueDate: e.target.value || null } })}
          />
          {(projects.length > 0 || project) && (
            <select
              aria-label={t('goals.project')}
              value={goal.projectId ?? ''}
              disabled={readOnly}
              onChange={(e) => run({ type: 'update', goalId: goal.id, patch: { projectId: e.target.value || null } })}
            >
              <option value="">{t('goals.noProject')}</option>
              {projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                </option>
              ))}
            </select>
          )}
          {overdue && <span className="badge badge-warn">{t('goals.overdue')}</span>}
          {!readOnly && (
            <>
              <button type="button" className="btn btn-quiet btn-small" onClick={() => move(-1)}>
                ↑ {t('goals.moveUp')}
              </button>
              <button type="button" className="btn btn-quiet btn-small" onClick={() => move(1)}>
                ↓ {t('goals.moveDown')}
              </button>
              <button type="button" className="btn btn-quiet btn-small btn-danger-text" onClick={() => onDelete(goal)}>
                ✕ {t('goals.delete')}
              </button>
            </>
          )}
        </div>
      )}
      {history && history.length > 0 && (
        <ul className="goal-history" aria-label={t('goals.lastSession')}>
          {history.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
