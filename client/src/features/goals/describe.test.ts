import type { GoalEvent } from '@tandem/shared';
import { describe, expect, it } from 'vitest';
import { describeEvent, isOverdue } from './describe';

const event = (over: Partial<GoalEvent>): GoalEvent => ({
  id: 'e1',
  goalId: 'g1',
  sessionId: 's1',
  userId: 'u1',
  userName: 'Sam',
  kind: 'updated',
  before: { status: 'open' },
  after: { status: 'in_progress' },
  version: 2,
  createdAt: '2026-11-28T10:00:00.000Z',
  ...over,
});

describe('describeEvent', () => {
  it('says who changed what, in words', () => {
    expect(describeEvent(event({}), () => 'Learn testing')).toBe('Sam changed “Learn testing”: status Open → In progress');
    expect(describeEvent(event({ kind: 'created', before: null }), () => 'X')).toBe('Sam added “X”');
  });
});

describe('isOverdue', () => {
  const today = new Date(2026, 10, 28);
  it('flags open goals past their date only', () => {
    expect(isOverdue({ status: 'open', dueDate: '2026-11-27' }, today)).toBe(true);
    expect(isOverdue({ status: 'in_progress', dueDate: '2026-11-28' }, today)).toBe(false);
    expect(isOverdue({ status: 'done', dueDate: '2026-11-01' }, today)).toBe(false);
    expect(isOverdue({ status: 'open', dueDate: null }, today)).toBe(false);
  });
});
