import { type Goal, type GoalCommand, GoalLimits, GoalStatusSchema } from '@tandem/shared';
import { type DragEvent, type KeyboardEvent, useState } from 'react';
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
  dragHandlers: { onDragStart(e: DragEvent): void; onDragOver(e: DragEvent): void; onDrop(e: DragEvent): void };
}

/** One goal: edit in place, change status, owner and due date, focus, reorder (drag or Alt+↑/↓), delete. */
export function GoalRow({ goal, readOnly, history, run, move, onDelete, dragHandlers }: GoalRowProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const overdue = isOverdue(goal);

  const commitTitle = () => {
    const title = editing?.trim() ?? '';
    setEditing(null);
    if (title && title !== goal.title) run({ type: 'update', goalId: goal.id, patch: { title } });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (readOnly || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    move(e.key === 'ArrowUp' ? -1 : 1);
  };

  return (
    <li
      className={`goal goal-${goal.status}${goal.isFocus ? ' goal-focus' : ''}`}
      data-goal-id={goal.id}
      aria-label={`Goal: ${goal.title}`}
      draggable={!readOnly && editing === null}
      onKeyDown={onKeyDown}
      {...(readOnly ? {} : dragHandlers)}
    >
      <div className="goal-line">
        {!readOnly && (
          <span className="goal-handle" aria-hidden="true" title="Drag to reorder (or Alt+↑/↓)">
            ⋮⋮
          </span>
        )}
        <button
          type="button"
          className={`goal-star${goal.isFocus ? ' on' : ''}`}
          aria-pressed={goal.isFocus}
          aria-label={goal.isFocus ? 'Current focus' : 'Make this the focus'}
          title={goal.isFocus ? 'Current focus' : 'Make this the focus'}
          disabled={readOnly || goal.isFocus}
          onClick={() => run({ type: 'focus', goalId: goal.id })}
        >
          {goal.isFocus ? '★' : '☆'}
        </button>
        {editing !== null ? (
          <input
            className="goal-title-input"
            aria-label="Goal title"
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
        ) : (
          <button
            type="button"
            className="goal-title"
            disabled={readOnly}
            title={readOnly ? goal.title : 'Click to edit'}
            onClick={() => setEditing(goal.title)}
          >
            {goal.title}
          </button>
        )}
        {!readOnly && (
          <button type="button" className="goal-icon" aria-label={`Delete ${goal.title}`} title="Delete" onClick={() => onDelete(goal)}>
            ✕
          </button>
        )}
      </div>
      <div className="goal-meta">
        <select
          aria-label="Status"
          value={goal.status}
          disabled={readOnly}
          onChange={(e) => run({ type: 'update', goalId: goal.id, patch: { status: GoalStatusSchema.parse(e.target.value) } })}
        >
          {GoalStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {statusLabel[s]}
            </option>
          ))}
        </select>
        <select
          aria-label="Owner"
          value={goal.owner}
          disabled={readOnly}
          onChange={(e) => run({ type: 'update', goalId: goal.id, patch: { owner: e.target.value === 'mentor' ? 'mentor' : 'student' } })}
        >
          <option value="student">Student</option>
          <option value="mentor">Mentor</option>
        </select>
        <input
          type="date"
          aria-label="Due date"
          value={goal.dueDate ?? ''}
          disabled={readOnly}
          onChange={(e) => run({ type: 'update', goalId: goal.id, patch: { dueDate: e.target.value || null } })}
        />
        {overdue && <span className="badge badge-warn">Overdue</span>}
        {!readOnly && (
          <span className="goal-move">
            <button type="button" className="goal-icon" aria-label={`Move ${goal.title} up`} onClick={() => move(-1)}>
              ↑
            </button>
            <button type="button" className="goal-icon" aria-label={`Move ${goal.title} down`} onClick={() => move(1)}>
              ↓
            </button>
          </span>
        )}
      </div>
      {history && history.length > 0 && (
        <ul className="goal-history" aria-label="Last session">
          {history.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
