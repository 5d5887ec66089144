import type { GoalEvent, GoalStatus } from '@tandem/shared';

export const statusLabel: Record<GoalStatus, string> = { open: 'Open', in_progress: 'In progress', done: 'Done', dropped: 'Dropped' };

const fieldLabel: Record<string, string> = { title: 'title', detail: 'detail', owner: 'owner', status: 'status', dueDate: 'due date' };

function show(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'status' && typeof value === 'string' && value in statusLabel) return statusLabel[value as GoalStatus];
  return String(value);
}

/** One goal event in words: "Sam: status Open → In progress". */
export function describeEvent(e: GoalEvent, titleOf: (goalId: string) => string): string {
  const title = `“${titleOf(e.goalId)}”`;
  switch (e.kind) {
    case 'created':
      return `${e.userName} added ${title}`;
    case 'updated':
      return `${e.userName} changed ${title}: ${Object.keys(e.after ?? {})
        .map((k) => `${fieldLabel[k] ?? k} ${show(k, e.before?.[k])} → ${show(k, e.after?.[k])}`)
        .join(', ')}`;
    case 'moved':
      return `${e.userName} reordered ${title}`;
    case 'focused':
      return `${e.userName} made ${title} the focus`;
    case 'deleted':
      return `${e.userName} deleted ${title}`;
    case 'restored':
      return `${e.userName} restored ${title}`;
  }
}

/** True when a goal still open is past its due date (dates compared in the viewer's calendar). */
export function isOverdue(goal: { status: GoalStatus; dueDate: string | null }, today = new Date()): boolean {
  if (!goal.dueDate || (goal.status !== 'open' && goal.status !== 'in_progress')) return false;
  const local = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return goal.dueDate < local;
}
