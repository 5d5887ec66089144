import { carriedGoalStatuses, type Goal, type GoalCommand, GoalFieldsSchema, keyBetween } from '@tandem/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useAppStore } from '../../store';
import { describeEvent } from './describe';
import { GoalRow } from './GoalRow';
import { useGoals } from './useGoals';

interface Group {
  key: string;
  title: string;
  goals: Goal[];
}

/** The goals panel of a session: carried-over goals first, what was decided today, edits live on both sides. */
export function GoalsPanel({ sessionId }: { sessionId: string }) {
  const run = useGoals(sessionId);
  const view = useAppStore((s) => s.goals);
  const [tab, setTab] = useState<'goals' | 'today'>('goals');
  const [title, setTitle] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [undo, setUndo] = useState<Goal | null>(null);
  const undoTimer = useRef<number | undefined>(undefined);
  const dragged = useRef<string | null>(null);

  useEffect(() => () => window.clearTimeout(undoTimer.current), []);

  if (!view || view.status === 'loading') return <p className="muted">Loading goals…</p>;
  if (view.status === 'error') {
    return (
      <p className="error" role="alert">
        {view.message}
      </p>
    );
  }

  const send = (command: GoalCommand) => void run(command);
  const all = [...view.goals, ...view.deleted];
  const titleOf = (id: string) => all.find((g) => g.id === id)?.title ?? 'a goal';
  const carried = view.goals.filter((g) => g.createdInSessionId !== sessionId && carriedGoalStatuses.includes(g.status));
  const fresh = view.goals.filter((g) => g.createdInSessionId === sessionId && carriedGoalStatuses.includes(g.status));
  const finished = view.goals.filter((g) => !carriedGoalStatuses.includes(g.status));
  const groups: Group[] = [
    { key: 'carried', title: 'Carried over from previous weeks', goals: carried },
    { key: 'new', title: 'New this session', goals: fresh },
    { key: 'finished', title: 'Done and dropped', goals: finished },
  ];
  const historyOf = (goalId: string) =>
    view.previousSessionEvents.filter((e) => e.goalId === goalId && e.kind !== 'moved').map((e) => describeEvent(e, titleOf));

  /** A key placing the goal at `index` among the group's other goals. */
  const keyAt = (group: Goal[], goalId: string, index: number) => {
    const others = group.filter((g) => g.id !== goalId);
    return keyBetween(others[index - 1]?.orderKey ?? null, others[index]?.orderKey ?? null);
  };
  const moveBy = (group: Goal[], goal: Goal, delta: -1 | 1) => {
    const index = group.findIndex((g) => g.id === goal.id) + delta;
    if (index < 0 || index >= group.length) return;
    send({ type: 'move', goalId: goal.id, orderKey: keyAt(group, goal.id, index) });
    // Keep the keyboard on the moved goal once it re-renders in its new place.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-goal-id="${goal.id}"] .goal-title`)?.focus());
  };
  const remove = (goal: Goal) => {
    send({ type: 'delete', goalId: goal.id });
    setUndo(goal);
    window.clearTimeout(undoTimer.current);
    undoTimer.current = window.setTimeout(() => setUndo(null), 8000);
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const parsed = GoalFieldsSchema.shape.title.safeParse(title);
    if (!parsed.success) return setFormError(parsed.error.issues[0]?.message ?? 'Check the title.');
    setFormError(null);
    // New goals go to the end of the list.
    const last = view.goals.at(-1)?.orderKey ?? null;
    send({ type: 'create', goalId: crypto.randomUUID(), fields: { title: parsed.data }, orderKey: keyBetween(last, null) });
    setTitle('');
  };

  return (
    <section className="goals" aria-label="Goals">
      <div className="goals-head">
        <div role="tablist" aria-label="Goals view" className="seg">
          <button type="button" role="tab" aria-selected={tab === 'goals'} onClick={() => setTab('goals')}>
            All goals
          </button>
          <button type="button" role="tab" aria-selected={tab === 'today'} onClick={() => setTab('today')}>
            This session ({view.sessionEvents.length})
          </button>
        </div>
      </div>
      {view.message && (
        <p className="error" role="alert">
          {view.message}
        </p>
      )}
      {undo && (
        <div className="toast" role="status">
          Deleted “{undo.title}”.{' '}
          <button
            type="button"
            className="btn btn-quiet btn-small"
            onClick={() => {
              send({ type: 'restore', goalId: undo.id });
              setUndo(null);
            }}
          >
            Undo
          </button>
        </div>
      )}
      {tab === 'goals' ? (
        <>
          {!view.readOnly && (
            <form className="goal-add" onSubmit={add}>
              <input
                aria-label="New goal"
                placeholder="Add a goal…"
                value={title}
                maxLength={200}
                onChange={(e) => setTitle(e.target.value)}
              />
              <button type="submit" className="btn btn-primary btn-small">
                Add
              </button>
            </form>
          )}
          {formError && (
            <p className="error" role="alert">
              {formError}
            </p>
          )}
          {view.goals.length === 0 && <p className="muted">No goals yet. What is the one thing to focus on this week?</p>}
          {groups.map(
            (group) =>
              group.goals.length > 0 && (
                <div key={group.key} className="goal-group">
                  <h3>{group.title}</h3>
                  <ol className="goal-list" aria-label={group.title}>
                    {group.goals.map((goal, index) => (
                      <GoalRow
                        key={goal.id}
                        goal={goal}
                        readOnly={view.readOnly}
                        history={group.key === 'carried' ? historyOf(goal.id) : undefined}
                        run={send}
                        move={(delta) => moveBy(group.goals, goal, delta)}
                        onDelete={remove}
                        dragHandlers={{
                          onDragStart: (e) => {
                            dragged.current = goal.id;
                            e.dataTransfer.effectAllowed = 'move';
                          },
                          onDragOver: (e) => {
                            if (dragged.current && group.goals.some((g) => g.id === dragged.current)) e.preventDefault();
                          },
                          onDrop: (e) => {
                            e.preventDefault();
                            const id = dragged.current;
                            dragged.current = null;
                            if (id && id !== goal.id) send({ type: 'move', goalId: id, orderKey: keyAt(group.goals, id, index) });
                          },
                        }}
                      />
                    ))}
                  </ol>
                </div>
              ),
          )}
        </>
      ) : (
        <div>
          <h3>Decided in this session</h3>
          {view.sessionEvents.length === 0 ? (
            <p className="muted">Nothing yet. Changes to goals made during this session appear here.</p>
          ) : (
            <ol className="goal-events">
              {view.sessionEvents.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.createdAt}>{new Date(e.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>{' '}
                  {describeEvent(e, titleOf)}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
