import type { Goal } from '@tandem/shared';
import { describe, expect, it } from 'vitest';
import { dashboardOrder } from './MentorshipGoals';

const g = (id: string, over: Partial<Goal> = {}): Goal => ({
  id,
  mentorshipId: 'm',
  title: id,
  detail: '',
  owner: 'student',
  status: 'open',
  dueDate: null,
  projectId: null,
  orderKey: id,
  isFocus: false,
  deleted: false,
  createdInSessionId: null,
  createdAt: '',
  updatedAt: '',
  ...over,
});

describe('dashboardOrder', () => {
  it('puts the focus first and leaves out finished goals', () => {
    const order = dashboardOrder([g('a'), g('b', { status: 'done' }), g('c', { isFocus: true }), g('d', { status: 'in_progress' })]);
    expect(order.map((x) => x.id)).toEqual(['c', 'a', 'd']);
  });
});
