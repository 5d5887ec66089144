import { expect, test } from '../fixtures/actors.js';
import { addGoal, goalRow, openGoalsTab } from '../fixtures/goals.js';
import { openSessionCall } from '../fixtures/notes.js';

test('the mentor adds a goal, the student moves it forward, both see it live and after a reload', async ({ mentor, student }, testInfo) => {
  await mentor.signInWithApi();
  await student.signInWithApi();
  const dashboard = await (await mentor.context.request.get('/api/dashboard')).json();
  const path = `/sessions/${dashboard.mentorships[0].nextSession.id}`;
  await openSessionCall(mentor.page, path);
  await openSessionCall(student.page, path);
  await openGoalsTab(mentor.page);
  await openGoalsTab(student.page);

  const title = `Ship the portfolio page ${Date.now() % 10000}`;
  await addGoal(mentor.page, title);
  await expect(goalRow(student.page, title)).toBeVisible();
  await expect(student.page.getByRole('list', { name: 'New this session' })).toContainText(title);

  await goalRow(student.page, title).getByLabel('Status').selectOption('in_progress');
  await expect(goalRow(mentor.page, title).getByLabel('Status')).toHaveValue('in_progress');
  await goalRow(mentor.page, title).getByRole('button', { name: 'Make this the focus' }).click();
  await expect(goalRow(student.page, title).getByRole('button', { name: 'Current focus' })).toBeVisible();

  // Keyboard reorder: a second goal moves above the first with Alt+↑.
  const second = `Write tests for the form ${Date.now() % 10000}`;
  await addGoal(student.page, second);
  await goalRow(student.page, second).getByRole('button', { name: second, exact: true }).focus();
  await student.page.keyboard.press('Alt+ArrowUp');
  const newList = mentor.page.getByRole('list', { name: 'New this session' });
  await expect(newList.getByRole('listitem').first()).toHaveAccessibleName(`Goal: ${second}`);

  // What was decided today, in words.
  await mentor.page.getByRole('tab', { name: /This session/ }).click();
  await expect(mentor.page.getByText(`${student.name} changed “${title}”: status Open → In progress`)).toBeVisible();
  await mentor.page.screenshot({ path: testInfo.outputPath('goals-mentor.png') });
  await mentor.page.getByRole('tab', { name: 'All goals' }).click();

  // Delete with undo.
  await goalRow(mentor.page, second)
    .getByRole('button', { name: `Delete ${second}` })
    .click();
  await expect(goalRow(student.page, second)).toHaveCount(0);
  await mentor.page.getByRole('button', { name: 'Undo' }).click();
  await expect(goalRow(student.page, second)).toBeVisible();

  await student.page.reload();
  await openSessionCall(student.page, path);
  await openGoalsTab(student.page);
  await expect(goalRow(student.page, title).getByLabel('Status')).toHaveValue('in_progress');
  await expect(goalRow(student.page, second)).toBeVisible();

  // Outside the call, the dashboard shows the focus goal first.
  await student.page.goto('/');
  await expect(student.page.getByRole('list', { name: 'Open goals' }).getByRole('listitem').first()).toContainText(`Focus ${title}`);
});
