import { carriedGoalStatuses, type Goal, type GoalCommand, GoalFieldsSchema, keyBetween } from '@tandem/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusAfterRender } from '../../app/focus';
import { formatTime } from '../../lib/time';
import { useAppStore } from '../../store';
import { useProjects } from '../projects/ProjectPanel';
import { describeEvent } from './describe';
import { GoalRow } from './GoalRow';
import { useGoals } from './useGoals';

interface Group {
  key: string;
  title: string;
  goals: Goal[];
}

/** The goals panel of a session: carried-over goals first, what was decided today, edits live on both sides. */
/** How long the Undo toast stays after the last interaction with it. */
const UNDO_MS = 10_000;

export function GoalsPanel({ sessionId, mentorshipId }: { sessionId: string; mentorshipId: string }) {
  const { t } = useTranslation();
  const { load: projectsLoad } = useProjects(mentorshipId);
  const projects = projectsLoad.state === 'ready' ? projectsLoad.data.projects.map((p) => ({ id: p.id, title: p.title })) : [];
  const run = useGoals(sessionId);
  const view = useAppStore((s) => s.goals);
  const [tab, setTab] = useState<'goals' | 'today'>('goals');
  const [title, setTitle] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [undo, setUndo] = useState<Goal | null>(null);
  const undoTimer = useRef<number | undefined>(undefined);
  const dragged = useRef<string | null>(null);
  const focusLater = useFocusAfterRender();

  useEffect(() => () => window.clearTimeout(undoTimer.current), []);

  if (!view || view.status === 'loading') return <p className="muted">{t('goals.loading')}</p>;
  if (view.status === 'error') {
    return (
      <p className="error" role="alert">
        {view.message}
      </p>
    );
  }

  const send = (command: GoalCommand) => void run(command);
  const all = [...view.goals, ...view.deleted];
  const titleOf = (id: string) => all.find((g) => g.id === id)?.title ?? t('goals.aGoal');
  const open = view.goals.filter((g) => carriedGoalStatuses.includes(g.status));
  // The focus goal is pinned first, whichever week it comes from.
  const focus = open.filter((g) => g.isFocus);
  const carried = open.filter((g) => !g.isFocus && g.createdInSessionId !== sessionId);
  const fresh = open.filter((g) => !g.isFocus && g.createdInSessionId === sessionId);
  const finished = view.goals.filter((g) => !carriedGoalStatuses.includes(g.status));
  const groups: Group[] = [
    { key: 'focus', title: t('goals.groups.focus'), goals: focus },
    { key: 'carried', title: t('goals.groups.carried'), goals: carried },
    { key: 'new', title: t('goals.groups.new'), goals: fresh },
    { key: 'finished', title: t('goals.groups.finished'), goals: finished },
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
    focusLater(`[data-goal-id="${goal.id}"] .goal-title`);
  };
  /** The toast stays until dismissed, or until 10 s after the last interaction with it. */
  const keepUndo = () => {
    window.clearTimeout(undoTimer.current);
    undoTimer.current = window.setTimeout(() => {
      // The toast goes; a keyboard that was on it goes to the new-goal field, not the page body.
      const hadFocus = Boolean(document.activeElement?.closest('.goals .toast'));
      setUndo(null);
      if (hadFocus) focusLater('.goal-add input');
    }, UNDO_MS);
  };
  const remove = (goal: Goal) => {
    send({ type: 'delete', goalId: goal.id });
    setUndo(goal);
    keepUndo();
    focusLater('.goals .toast button');
  };
  const restore = (goal: Goal) => {
    send({ type: 'restore', goalId: goal.id });
    setUndo(null);
    focusLater(`[data-goal-id="${goal.id}"] .goal-title`);
  };
  const dismissUndo = () => {
    setUndo(null);
    focusLater('.goal-add input');
  };
  const makeFocus = (goal: Goal) => {
    send({ type: 'focus', goalId: goal.id });
    focusLater(`[data-goal-id="${goal.id}"] .goal-star.on`);
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const parsed = GoalFieldsSchema.shape.title.safeParse(title);
    if (!parsed.success) return setFormError(t('goals.checkTitle'));
    setFormError(null);
    // New goals go to the end of the list.
    const last = view.goals.at(-1)?.orderKey ?? null;
    send({ type: 'create', goalId: crypto.randomUUID(), fields: { title: parsed.data }, orderKey: keyBetween(last, null) });
    setTitle('');
  };

  return (
    <section className="goals" aria-label={t('goals.region')}>
      <div className="goals-head">
        <div role="tablist" aria-label={t('goals.view')} className="seg">
          <button type="button" role="tab" aria-selected={tab === 'goals'} onClick={() => setTab('goals')}>
            {t('goals.all')}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'today'} onClick={() => setTab('today')}>
            {t('goals.thisSession', { count: view.sessionEvents.length })}
          </button>
        </div>
      </div>
      {view.message && (
        <p className="error" role="alert">
          {view.message}
        </p>
      )}
      {/* Always in the page, so screen readers announce what appears in it. */}
      <div className="toast-slot" aria-live="polite">
        {undo && (
          // biome-ignore lint/a11y/noStaticElementInteractions: any interaction with the toast keeps it open; its buttons do the work
          <div className="toast" onFocus={keepUndo} onPointerMove={keepUndo} onKeyDown={keepUndo}>
            <span>{t('goals.deleted', { title: undo.title })}</span>
            <button type="button" className="btn btn-quiet btn-small" onClick={() => restore(undo)}>
              {t('goals.undo')}
            </button>
            <button type="button" className="btn btn-quiet btn-small" aria-label={t('goals.dismiss')} onClick={dismissUndo}>
              ✕
            </button>
          </div>
        )}
      </div>
      {tab === 'goals' ? (
        <>
          {!view.readOnly && (
            <form className="goal-add" onSubmit={add}>
              <input
                aria-label={t('goals.newGoal')}
                placeholder={t('goals.addPlaceholder')}
                value={title}
                maxLength={200}
                onChange={(e) => setTitle(e.target.value)}
              />
              <button type="submit" className="btn btn-primary btn-small">
                {t('goals.add')}
              </button>
            </form>
          )}
          {formError && (
            <p className="error" role="alert">
              {formError}
            </p>
          )}
          {view.goals.length === 0 && <p className="muted">{t('goals.none')}</p>}
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
                        projects={projects}
                        history={group.key !== 'finished' && goal.createdInSessionId !== sessionId ? historyOf(goal.id) : undefined}
                        run={send}
                        move={(delta) => moveBy(group.goals, goal, delta)}
                        onDelete={remove}
                        onFocusGoal={makeFocus}
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
          <h3>{t('goals.decided')}</h3>
          {view.sessionEvents.length === 0 ? (
            <p className="muted">{t('goals.nothingDecided')}</p>
          ) : (
            <ol className="goal-events">
              {view.sessionEvents.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.createdAt}>{formatTime(e.createdAt)}</time>
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
