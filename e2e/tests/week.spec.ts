import { expect, test } from '@playwright/test';
import { joinFromPreJoin } from '../fixtures/call.js';
import { expectSaved, noteEditor, sectionBody, textWithoutCarets } from '../fixtures/notes.js';
import { expectAccessible, expectFitsWidth, expectFocusKept, screens, tourShot } from '../fixtures/people.js';
import { bringForward, newPair, nextSessionOf } from '../fixtures/week.js';

// The week between calls, for a pair made for it (the mentor in Paris, the student in New York):
// the student proposes another time and the mentor accepts; they write to each other; they
// prepare the next note together before the call; the call after opens with the brief.

/** A local date-time input value ("2026-12-04T13:00") for a day after an instant, in a zone. */
function localInput(after: string, days: number, time: string, timeZone: string): string {
  const d = new Date(Date.parse(after) + days * 86_400_000);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  return `${parts}T${time}`;
}

test('the student proposes a move, the mentor accepts; a message arrives live and its unread count clears', async ({ browser }) => {
  const { mentor, student, mentorshipId } = await newPair(browser, { mentor: 'Europe/Paris', student: 'America/New_York' });
  const next = await nextSessionOf(student);

  // The student proposes Friday 13:00 (their time) with a message.
  await student.page.goto('/');
  await student.page.getByRole('button', { name: 'Propose another time' }).click();
  await student.page
    .getByLabel(/New date and time \(your time, New York\)/)
    .fill(localInput(next.scheduledAt, 1, '13:00', 'America/New_York'));
  // The other person's time is shown as one picks it.
  await expect(student.page.getByText(/19:00 for Mina Mentor \(Paris\)/)).toBeVisible();
  await student.page.getByLabel('Message (optional)').fill('Thursday is a holiday here.');
  await expectAccessible(student.page, 'dashboard: proposing a move');
  await tourShot(student.page, 'week-propose-desktop-en');
  await student.page.getByRole('button', { name: 'Send the proposal' }).click();
  await expect(student.page.getByText(/You proposed to Mina Mentor to move the session/)).toBeVisible();

  // The mentor sees it in both zones and accepts.
  await mentor.page.goto('/');
  await expect(mentor.page.getByText(/Sol Student proposes to move the session of/)).toBeVisible();
  await expect(mentor.page.getByText('Thursday is a holiday here.')).toBeVisible();
  await expect(mentor.page.getByText(/13:00 for Sol Student \(New York\)/).first()).toBeVisible();
  await expectAccessible(mentor.page, 'dashboard: a proposal to answer');
  await mentor.page.getByRole('button', { name: 'Accept' }).press('Enter');
  await expect(mentor.page.getByText(/proposes to move/)).toBeHidden();
  await expect(mentor.page.getByRole('status').filter({ hasText: 'Accepted: the session moved.' })).toBeVisible();
  // The Accept button went away with the proposal: the keyboard focus stays on the card, not the page body.
  await expectFocusKept(mentor.page, 'accepting a proposal');
  // Both dashboards show the new time, each in its own zone.
  await expect(mentor.page.locator('.next-session')).toContainText('at 19:00');
  await student.page.reload();
  await expect(student.page.locator('.next-session')).toContainText('at 13:00');
  await expect(student.page.getByText(/You proposed/)).toBeHidden();

  // A message: the student's dashboard counts it live, the title too; reading it clears both.
  await mentor.page.goto('/');
  await mentor.page.getByRole('link', { name: 'Messages' }).click();
  await expect(mentor.page.getByRole('heading', { name: 'Messages with Sol Student' })).toBeVisible();
  await expect(student.page.getByRole('link', { name: 'Messages' })).toBeVisible();
  const composer = mentor.page.getByLabel('Write to Sol Student');
  await composer.fill('Here is the checklist: https://example.org/checklist <b>not bold</b>');
  await composer.press('Enter');
  await expect(mentor.page.getByRole('log')).toContainText('Here is the checklist');
  await expect(student.page.getByRole('link', { name: /Messages\s*1 unread/ })).toBeVisible();
  await expect(student.page).toHaveTitle('(1) Tandem');
  await student.page.getByRole('link', { name: /Messages/ }).click();
  const thread = student.page.getByRole('log');
  await expect(thread).toContainText('Here is the checklist');
  // Text stays text: no markup is run, the link is a link.
  await expect(thread.locator('b')).toHaveCount(0);
  await expect(thread.getByRole('link', { name: 'https://example.org/checklist' })).toBeVisible();
  await expect(student.page).toHaveTitle('Tandem');
  // The mentor sees it was read.
  await expect(mentor.page.getByText('Seen')).toBeVisible();
  await student.page.getByLabel('Write to Mina Mentor').fill('Thanks, I will go through it tonight.');
  await student.page.getByRole('button', { name: 'Send' }).click();
  await expect(mentor.page.getByRole('log')).toContainText('Thanks, I will go through it tonight.');
  await expectAccessible(student.page, 'messages (en, desktop)');
  await tourShot(student.page, 'week-messages-desktop-en');
  await student.page.setViewportSize(screens.phone);
  await expectFitsWidth(student.page, 'messages (phone)');
  await expectAccessible(student.page, 'messages (en, phone)');
  await tourShot(student.page, 'week-messages-phone-en');
  await student.page.goto('/');
  await expect(student.page.getByRole('link', { name: 'Messages' })).toBeVisible();
  await expect(student.page.getByText(/unread/)).toHaveCount(0);
  await expectFitsWidth(student.page, 'dashboard with the week actions (phone)');
  await expectAccessible(student.page, 'dashboard (en, phone)');

  // The student cancels with a reason: kept on the record, counted on the mentorship page, next week booked.
  await student.page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(student.page.getByText('More than 24 hours before: this counts as cancelled in time.')).toBeVisible();
  await student.page.getByLabel('Reason (both of you see it)').fill('Moving house this week');
  await expectFitsWidth(student.page, 'cancelling (phone)');
  await tourShot(student.page, 'week-cancel-phone-en');
  await student.page.getByRole('button', { name: 'Cancel the session' }).press('Enter');
  await expect(student.page.getByRole('status').filter({ hasText: 'Session cancelled; next week is booked.' })).toBeVisible();
  await expectFocusKept(student.page, 'cancelling a session');
  await expect(student.page.locator('.past-sessions')).toContainText('cancelled in time');
  await expect(student.page.locator('.next-session')).toContainText('Week 2');
  await mentor.page.goto('/');
  // The agenda editor by keyboard: the keyboard moves into it, and back to its button once saved.
  await mentor.page.getByRole('button', { name: 'Edit agenda' }).press('Enter');
  await expect(mentor.page.getByLabel('Sections of each new session’s note, one per line')).toBeFocused();
  await mentor.page.getByRole('button', { name: 'Save agenda' }).press('Enter');
  await expect(mentor.page.getByRole('button', { name: 'Edit agenda' })).toBeFocused();
  await mentor.page.getByRole('link', { name: 'All sessions, search and export →' }).click();
  const counts = mentor.page.getByRole('region', { name: 'Sessions that did not take place as planned' });
  await expect(counts.locator('div', { hasText: 'cancelled in time' }).locator('dd')).toHaveText('1');
  await expect(mentor.page.locator('.history')).toContainText('Moving house this week');
  await expect(mentor.page.getByLabel('How it turned out')).toHaveValue('cancelled_early');
  await expectAccessible(mentor.page, 'mentorship page with outcomes');
  // The mentor corrects it with the arrow keys: the select keeps the keyboard while it saves.
  const outcome = mentor.page.getByLabel('How it turned out');
  await outcome.press('ArrowDown');
  await expect(outcome).toHaveValue('cancelled_late');
  await expect(outcome).not.toHaveAttribute('aria-busy', 'true');
  await expect(outcome).toBeFocused();
  // A search by keyboard keeps the focus on its button.
  await mentor.page.getByRole('searchbox').fill('Moving house');
  const searchButton = mentor.page.getByRole('button', { name: 'Search', exact: true });
  await searchButton.press('Enter');
  await expect(mentor.page.getByRole('heading', { name: /results? for “Moving house”/ })).toBeVisible();
  await expect(searchButton).toBeFocused();
  await mentor.page.reload();
  await expect(mentor.page.getByLabel('How it turned out')).toHaveValue('cancelled_late');

  // In French, on a phone: the conversation and the dashboard.
  await student.page.evaluate(() => window.localStorage.setItem('tandem.language', 'fr'));
  await student.page.goto(`/mentorships/${mentorshipId}/messages`);
  await expect(student.page.getByRole('heading', { name: 'Messages avec Mina Mentor' })).toBeVisible();
  await expect(student.page.getByLabel('Écrire à Mina Mentor')).toBeVisible();
  await expectFitsWidth(student.page, 'messages (fr, phone)');
  await expectAccessible(student.page, 'messages (fr, phone)');
  await tourShot(student.page, 'week-messages-phone-fr');
  await student.page.goto('/');
  await expect(student.page.getByRole('button', { name: 'Proposer un autre moment' })).toBeVisible();
  await expectFitsWidth(student.page, 'dashboard (fr, phone)');
  await expectAccessible(student.page, 'dashboard (fr, phone)');
  await tourShot(student.page, 'week-dashboard-phone-fr');
});

test('both prepare the next note before the call, and the call after opens with the brief and the carried-over to-do', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { mentor, student } = await newPair(browser, { mentor: 'Europe/Paris', student: 'Europe/Paris' });
  const first = await nextSessionOf(mentor);
  await bringForward(mentor, first.id);

  // Before the call: the note is open under the pre-join; each adds a talking point and sees the other's.
  for (const p of [mentor, student]) {
    await p.page.goto(`/sessions/${first.id}`);
    await expect(p.page.getByRole('heading', { name: 'Prepare together' })).toBeVisible();
    await expect(noteEditor(p.page)).toBeVisible();
  }
  await sectionBody(mentor.page, 'Project progress').click();
  await mentor.page.keyboard.type('Mentor: the chart colours');
  await sectionBody(student.page, 'Notes').click();
  await student.page.keyboard.type('Student: the deadline');
  await expect(noteEditor(mentor.page)).toContainText('Student: the deadline');
  await expect(noteEditor(student.page)).toContainText('Mentor: the chart colours');
  // A to-do left unchecked this week.
  await sectionBody(mentor.page, 'New goals').click();
  await mentor.page.getByRole('button', { name: 'Task list' }).click();
  await mentor.page.keyboard.type('Fix the legend contrast');
  await expectSaved(mentor.page);
  await expectSaved(student.page);
  await expect(student.page.getByRole('heading', { name: 'Since last week' })).toBeVisible();
  await expectAccessible(student.page, 'session: preparing together');
  await tourShot(student.page, 'week-prepare-desktop-en');

  // The call, then the mentor ends it: the next weekly session is booked.
  await joinFromPreJoin(mentor.page);
  await expect(noteEditor(mentor.page)).toContainText('Fix the legend contrast');
  await mentor.page.getByRole('button', { name: 'End session' }).click();
  await mentor.page.getByRole('dialog').getByRole('button', { name: 'End and save' }).click();
  await expect(mentor.page).toHaveURL(/\/sessions\//);
  const second = await nextSessionOf(mentor);
  expect(second.id).not.toBe(first.id);

  // The next call opens with the brief, the to-do carried into its check-in section.
  await bringForward(mentor, second.id);
  await mentor.page.goto(`/sessions/${second.id}`);
  await joinFromPreJoin(mentor.page);
  const brief = mentor.page.locator('.brief');
  await expect(brief).toContainText('To-dos left open last week');
  await expect(brief).toContainText('Fix the legend contrast');
  await expect(brief).toContainText(/Since week 1/);
  const checkIn = mentor.page.locator('.note-editor h2', { hasText: 'Check-in' }).locator('xpath=following-sibling::*[1]');
  await expect(checkIn).toHaveAttribute('data-type', 'taskList');
  expect(await textWithoutCarets(checkIn)).toContain('Fix the legend contrast');
  await expectAccessible(mentor.page, 'the call with the brief');
  await tourShot(mentor.page, 'week-brief-desktop-en');
});
