import { type GoalEvent, type GoalStatus, GoalStatusSchema } from '@tandem/shared';
import { i18n } from '../../i18n';

/** A goal status in the person's language. */
export const statusLabel = (status: GoalStatus): string => i18n.t(`goals.statuses.${status}`);

const fields = ['title', 'detail', 'owner', 'status', 'dueDate'] as const;
const fieldLabel = (field: string) =>
  fields.includes(field as (typeof fields)[number]) ? i18n.t(`goals.fields.${field as (typeof fields)[number]}`) : field;

function show(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const status = GoalStatusSchema.safeParse(value);
  if (field === 'status' && status.success) return statusLabel(status.data);
  if (field === 'owner' && (value === 'mentor' || value === 'student')) return i18n.t(`goals.owners.${value}`);
  return String(value);
}

/** One goal event in words: "Sam changed “Ship it”: status Open → In progress". */
export function describeEvent(e: GoalEvent, titleOf: (goalId: string) => string): string {
  const args = { who: e.userName, title: titleOf(e.goalId) };
  if (e.kind !== 'updated') return i18n.t(`goals.events.${e.kind}`, args);
  const changes = Object.keys(e.after ?? {})
    .map((k) => i18n.t('goals.events.change', { field: fieldLabel(k), before: show(k, e.before?.[k]), after: show(k, e.after?.[k]) }))
    .join(', ');
  return i18n.t('goals.events.updated', { ...args, changes });
}

/** True when a goal still open is past its due date (dates compared in the viewer's calendar). */
export function isOverdue(goal: { status: GoalStatus; dueDate: string | null }, today = new Date()): boolean {
  if (!goal.dueDate || (goal.status !== 'open' && goal.status !== 'in_progress')) return false;
  const local = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return goal.dueDate < local;
}
