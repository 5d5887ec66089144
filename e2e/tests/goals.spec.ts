import { expect, test } from '../fixtures/actors.js';
import { addGoal, goalRow, openGoalsTab } from '../fixtures/goals.js';
import { expectFocusOn, focusedName, tabTo } from '../fixtures/keyboard.js';
import { noteEditor, openSessionCall } from '../fixtures/notes.js';
import { expectAccessible, expectFitsWidth, expectFocusKept, expectOnScreen, setUp, tourShot } from '../fixtures/people.js';

test('goals live on both sides: the mentor by keyboard only on a desktop, the student on a phone', async ({
  mentor,
  student,
}, testInfo) => {
  await setUp(mentor.page, 'desktop');
  await setUp(student.page, 'phone');
  await mentor.signInWithApi();
  await student.signInWithApi();
  const dashboard = await (await mentor.context.request.get('/api/dashboard')).json();
  const path = `/sessions/${dashboard.mentorships[0].nextSession.id}`;

  // The mentor joins by keyboard alone; the focus lands on the call's heading, not the body.
  await mentor.page.goto(path);
  await expect(mentor.page.getByLabel('Your camera preview')).toBeVisible();
  await tabTo(mentor.page, 'Join session');
  await mentor.page.keyboard.press('Enter');
  await expect(noteEditor(mentor.page)).toBeVisible();
  await expectFocusKept(mentor.page, 'joining');

  // The student on a phone: the panels open from the bottom bar, nothing wider than the screen.
  await openSessionCall(student.page, path, 'phone');
  await expectFitsWidth(student.page, 'the call on a phone');
  for (const control of ['Leave', 'Goals', 'Notes', /^Chat/]) await expectOnScreen(student.page, control);
  await tourShot(student.page, 'call-phone-en');
  await student.page.getByRole('button', { name: 'Goals', exact: true }).click();
  await expectAccessible(student.page, 'the call on a phone (goals)');

  // Shortcuts: 2 shows the goals; never while typing.
  await mentor.page.keyboard.press('2');
  await expect(mentor.page.getByRole('tab', { name: 'Goals', exact: true })).toHaveAttribute('aria-selected', 'true');
  await tabTo(mentor.page, 'New goal');
  const title = `Ship the portfolio page ${Date.now() % 10000}`;
  await mentor.page.keyboard.type(title);
  await mentor.page.keyboard.press('Enter');
  await expect(goalRow(student.page, title)).toBeVisible();
  await expectFocusOn(mentor.page, 'New goal');
  await expect(student.page.getByRole('list', { name: 'New this session' })).toContainText(title);

  await goalRow(student.page, title).getByLabel('Status').selectOption('in_progress');
  await expect(goalRow(mentor.page, title).getByLabel('Status')).toHaveValue('in_progress');

  // Star by keyboard: the goal moves to the top as the focus, and the keyboard stays on its star.
  await tabTo(mentor.page, 'Make this the focus');
  await mentor.page.keyboard.press('Enter');
  await expect(mentor.page.getByRole('list', { name: 'Focus this week' })).toContainText(title);
  await expectFocusOn(mentor.page, 'Current focus');
  await expect(goalRow(student.page, title).getByRole('button', { name: 'Current focus' })).toBeVisible();

  // Keyboard reorder: a third goal moves above the second with Alt+↑.
  const second = `Write tests for the form ${Date.now() % 10000}`;
  const third = `Read the testing chapter ${Date.now() % 10000}`;
  await addGoal(mentor.page, second);
  await addGoal(mentor.page, third);
  await goalRow(mentor.page, third).getByRole('button', { name: third, exact: true }).focus();
  await mentor.page.keyboard.press('Alt+ArrowUp');
  const newList = student.page.getByRole('list', { name: 'New this session' });
  await expect(newList.getByRole('listitem').first()).toHaveAccessibleName(`Goal: ${third}`);
  await expectFocusOn(mentor.page, third);

  // Delete from the goal's menu: the keyboard moves to Undo, and Undo brings it back to the goal.
  await tabTo(mentor.page, `More actions for ${second}`);
  await mentor.page.keyboard.press('Enter');
  await tabTo(mentor.page, /Delete$/);
  await mentor.page.keyboard.press('Enter');
  await expect(goalRow(student.page, second)).toHaveCount(0);
  await expectFocusOn(mentor.page, 'Undo');
  await expect(mentor.page.locator('.toast-slot')).toHaveAttribute('aria-live', 'polite');
  await mentor.page.keyboard.press('Enter');
  await expect(goalRow(student.page, second)).toBeVisible();
  await expectFocusOn(mentor.page, second);

  // The Undo toast stays while it is used, and goes 10 s after the last interaction with it.
  const toast = mentor.page.locator('.goals .toast');
  await goalRow(mentor.page, third)
    .getByRole('button', { name: `More actions for ${third}` })
    .click();
  await goalRow(mentor.page, third)
    .getByRole('button', { name: /Delete$/ })
    .click();
  await expect(toast).toBeVisible();
  await mentor.page.waitForTimeout(6_000);
  await expectFocusOn(mentor.page, 'Undo');
  await mentor.page.keyboard.press('Tab'); // a key pressed in the toast counts as using it
  await expectFocusOn(mentor.page, 'Dismiss');
  await mentor.page.waitForTimeout(6_000);
  await expect(toast).toBeVisible();
  await expect(toast).toBeHidden({ timeout: 8_000 });
  await expectFocusOn(mentor.page, 'New goal');
  await mentor.page.getByRole('tab', { name: /This session/ }).click();
  await mentor.page.getByRole('tab', { name: 'All goals' }).click();

  // M mutes from anywhere but a text field; "?" lists the shortcuts; Escape closes and keeps the focus.
  const mic = mentor.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Microphone', exact: true });
  const micBefore = await mic.getAttribute('aria-pressed');
  await mentor.page.keyboard.press('m');
  await expect(mic).not.toHaveAttribute('aria-pressed', micBefore ?? '');
  await mentor.page.keyboard.press('m');
  await expect(mic).toHaveAttribute('aria-pressed', micBefore ?? '');
  const camera = mentor.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Camera', exact: true });
  await mentor.page.keyboard.press('v');
  await expect(camera).toHaveAttribute('aria-pressed', 'false');
  await mentor.page.keyboard.press('v');
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  const before = await focusedName(mentor.page);
  await mentor.page.keyboard.press('Shift+?');
  await expect(mentor.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await expectAccessible(mentor.page, 'the shortcuts dialog');
  await mentor.page.keyboard.press('Escape');
  await expect(mentor.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
  expect(await focusedName(mentor.page)).toBe(before);

  // The side area: resized from its handle by keyboard, collapsed and brought back, the focus kept.
  const handle = mentor.page.getByRole('separator', { name: 'Resize the side panel' });
  const width = Number(await handle.getAttribute('aria-valuenow'));
  await handle.focus();
  await mentor.page.keyboard.press('ArrowLeft');
  await expect(handle).toHaveAttribute('aria-valuenow', String(width + 24));
  const side = await mentor.page.locator('.call-side').boundingBox();
  expect(side?.width).toBeGreaterThan(width);
  await mentor.page.getByRole('button', { name: 'Hide the side panel' }).click();
  await expect(mentor.page.locator('.call-side')).toBeHidden();
  await expectFocusOn(mentor.page, 'Show the side panel');
  await mentor.page.keyboard.press('Enter');
  await expect(mentor.page.locator('.call-side')).toBeVisible();
  await expectFocusOn(mentor.page, 'Goals');

  // N puts the cursor in the note; typing "m" there types, it does not mute.
  await mentor.page.keyboard.press('n');
  await expect(noteEditor(mentor.page)).toBeFocused();
  await mentor.page.keyboard.type('m');
  await expect(mic).toHaveAttribute('aria-pressed', micBefore ?? '');
  await mentor.page.keyboard.press('Backspace');

  // What was decided today, in words.
  await mentor.page.keyboard.press('Escape');
  await openGoalsTab(mentor.page);
  await mentor.page.getByRole('tab', { name: /This session/ }).click();
  await expect(mentor.page.getByText(`${student.name} changed “${title}”: status Open → In progress`)).toBeVisible();
  await expectAccessible(mentor.page, 'the call on a desktop (goals decided)');
  await mentor.page.screenshot({ path: testInfo.outputPath('goals-mentor.png') });
  await mentor.page.getByRole('tab', { name: 'All goals' }).click();
  await tourShot(mentor.page, 'call-goals-desktop-en');

  // The same call in French on the desktop.
  await mentor.page.evaluate(() => window.localStorage.setItem('tandem.language', 'fr'));
  await openSessionCall(mentor.page, path);
  await expect(mentor.page.getByRole('tab', { name: 'Objectifs', exact: true })).toBeVisible();
  await expectAccessible(mentor.page, 'the call (fr, desktop)');
  await tourShot(mentor.page, 'call-desktop-fr');

  await student.page.reload();
  await openSessionCall(student.page, path, 'phone');
  await student.page.getByRole('button', { name: 'Goals', exact: true }).click();
  await expect(goalRow(student.page, title).getByLabel('Status')).toHaveValue('in_progress');
  await expect(goalRow(student.page, second)).toBeVisible();
  await tourShot(student.page, 'call-goals-phone-en');

  // Outside the call, the dashboard shows the focus goal first.
  await student.page.goto('/');
  await expect(student.page.getByRole('list', { name: 'Open goals' }).getByRole('listitem').first()).toContainText(`Focus ${title}`);
  await expectFitsWidth(student.page, 'the dashboard on a phone');
  await expectAccessible(student.page, 'the dashboard on a phone');
  await tourShot(student.page, 'dashboard-phone-en');
});
