import { expect, test } from '@playwright/test';
import { joinFromPreJoin } from '../fixtures/call.js';
import { addGoal, goalRow, openGoalsTab } from '../fixtures/goals.js';
import { noteEditor } from '../fixtures/notes.js';
import { expectAccessible, expectFitsWidth, expectFocusKept, screens, tourShot } from '../fixtures/people.js';
import { bringForward, newPair, nextSessionOf } from '../fixtures/week.js';

// A project of the path, from its creation to its approval, for a pair made for it: the mentor on
// a desktop adds it; in the call the student (on a phone) submits it in the Project tab, the mentor
// reviews it criterion by criterion and asks for changes, the student submits again, the mentor approves.
test('the student submits a project in the call, the mentor requests changes, the student resubmits, the mentor approves; then the report and the feedback', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const { mentor, student, mentorshipId } = await newPair(browser, { mentor: 'Europe/Paris', student: 'Europe/Paris' });

  // The mentor adds the project on the projects page.
  await mentor.page.goto('/');
  await mentor.page.getByRole('link', { name: 'Projects' }).click();
  await expect(mentor.page.getByRole('heading', { name: /Projects — / })).toBeVisible();
  await mentor.page.getByRole('button', { name: 'Add a project' }).click();
  await mentor.page.getByLabel('Title').fill('Portfolio site');
  await mentor.page.getByLabel('Link to the brief').fill('https://paths.example/portfolio');
  await mentor.page
    .getByLabel('Assessment criteria, one per line')
    .fill('Responsive down to 390 px\nPasses axe\nDeployed at a public address');
  await mentor.page.getByRole('button', { name: 'Add the project' }).click();
  await expect(mentor.page.getByRole('heading', { name: /Portfolio site/ })).toBeVisible();
  await expectFocusKept(mentor.page, 'adding a project');
  await expectAccessible(mentor.page, 'projects page (mentor)');

  // The call: the student on a phone opens the Project tab and submits.
  const first = await nextSessionOf(mentor);
  await bringForward(mentor, first.id);
  await student.page.setViewportSize(screens.phone);
  for (const p of [mentor, student]) {
    await p.page.goto(`/sessions/${first.id}`);
    await joinFromPreJoin(p.page);
  }
  await mentor.page.getByRole('tab', { name: 'Project' }).click();
  await student.page.locator('[data-panel-toggle="project"]').click();
  const studentPanel = student.page.locator('#panel-project');
  await expect(studentPanel.getByRole('heading', { name: /Portfolio site/ })).toBeVisible();
  await expectFitsWidth(student.page, 'the call with the Project tab (phone)');
  await studentPanel.getByLabel(/Links to your work/).fill('https://github.com/sol/portfolio\nhttps://sol.example');
  await studentPanel.getByLabel(/A note for your mentor/).fill('The contact form is not done yet.');
  await tourShot(student.page, 'project-submit-phone-en');
  await studentPanel.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(studentPanel.getByText('Submitted: waiting for your mentor’s review.')).toBeVisible();

  // The mentor sees it live and reviews it criterion by criterion: changes requested.
  const mentorPanel = mentor.page.locator('#panel-project');
  await expect(mentorPanel.getByRole('heading', { name: 'Review version 1' })).toBeVisible();
  await expect(mentorPanel.getByRole('link', { name: 'https://sol.example' })).toBeVisible();
  const criterion = (name: string) => mentorPanel.getByRole('group', { name });
  await criterion('Responsive down to 390 px').getByLabel('Met').check();
  await criterion('Passes axe').getByLabel('Met').check();
  await criterion('Deployed at a public address').getByLabel('Comment').fill('Not deployed yet');
  await expect(mentorPanel.getByRole('button', { name: 'Approve' })).toBeDisabled();
  await mentorPanel.getByLabel(/Summary/).fill('Almost there: deploy it and send the address.');
  await expectAccessible(mentor.page, 'the review form in the call');
  await tourShot(mentor.page, 'project-review-desktop-en');
  await mentorPanel.getByRole('button', { name: 'Request changes' }).click();
  await expect(mentorPanel.getByText('Changes requested: the student is told.')).toBeVisible();
  await expectFocusKept(mentor.page, 'requesting changes');

  // The student sees the review, then submits version 2.
  await expect(studentPanel.getByText('Almost there: deploy it and send the address.')).toBeVisible();
  await expect(studentPanel.getByText('Not deployed yet')).toBeVisible();
  await expect(studentPanel.getByRole('heading', { name: 'Submit a new version' })).toBeVisible();
  await studentPanel.getByLabel(/Links to your work/).fill('https://sol-portfolio.example');
  await studentPanel.getByRole('button', { name: 'Submit', exact: true }).click();

  // The mentor approves version 2: every criterion met.
  await expect(mentorPanel.getByRole('heading', { name: 'Review version 2' })).toBeVisible();
  for (const name of ['Responsive down to 390 px', 'Passes axe', 'Deployed at a public address'])
    await criterion(name).getByLabel('Met').check();
  await mentorPanel.getByLabel(/Summary/).fill('Great work.');
  await mentorPanel.getByRole('button', { name: 'Approve' }).click();
  await expect(mentorPanel.getByText('Approved: the student is told.')).toBeVisible();
  await expect(studentPanel.getByText('Every project is approved.')).toBeVisible();
  await expect(studentPanel.locator('.submission').first()).toContainText('approved');
  await expectAccessible(student.page, 'the Project tab after approval (phone)');
  await tourShot(student.page, 'project-approved-phone-en');

  // The mentor's private note, beside the shared note, marked "Only you": the student has none, and cannot read it.
  const SECRET = 'Moving house this month: keep the scope small.';
  await mentor.page.getByRole('tab', { name: 'Notes', exact: true }).click();
  const privateNote = mentor.page.locator('details.private-note');
  await privateNote.locator('summary').click();
  await expect(privateNote.locator('summary')).toContainText('Only you');
  await mentor.page.getByLabel('Your private note', { exact: true }).click();
  await mentor.page.keyboard.type(SECRET);
  await expect(privateNote.locator('[data-private-save-state]')).toHaveAttribute('data-private-save-state', 'saved');
  await expectAccessible(mentor.page, 'the call with the private note open');
  await tourShot(mentor.page, 'private-note-desktop-en');
  await student.page.locator('[data-panel-toggle="notes"]').click();
  await expect(student.page.getByLabel('Session notes', { exact: true })).toBeVisible();
  await expect(student.page.locator('.private-note')).toHaveCount(0);
  await expect(student.page.getByText(SECRET)).toHaveCount(0);
  expect((await student.context.request.get(`/api/mentorships/${mentorshipId}/private-note`)).status()).toBe(404);

  // A goal toward the project, set in this call, and a chat line quoted next to it: its story shows on the mentorship page afterwards.
  await openGoalsTab(mentor.page);
  await addGoal(mentor.page, 'Deploy the portfolio');
  await goalRow(mentor.page, 'Deploy the portfolio').getByRole('button', { name: 'More actions for Deploy the portfolio' }).click();
  await goalRow(mentor.page, 'Deploy the portfolio').getByLabel('Project').selectOption({ label: 'Portfolio site' });
  await goalRow(mentor.page, 'Deploy the portfolio').getByRole('button', { name: 'More actions for Deploy the portfolio' }).click();
  await expect(goalRow(mentor.page, 'Deploy the portfolio')).toContainText('Toward Portfolio site');
  await mentor.page.getByRole('tab', { name: /Chat & transcript/ }).click();
  await mentor.page.getByLabel('Chat message').fill('Free hosting first: https://pages.example/deploy');
  await mentor.page.getByLabel('Chat message').press('Enter');
  const line = mentor.page.locator('#panel-transcript .tl-item', { hasText: 'pages.example/deploy' });
  await line.getByRole('button', { name: /^Quote to a goal/ }).click();
  await expect(line.getByLabel('Goal')).toBeFocused();
  await line.getByLabel('Goal').selectOption({ label: 'Deploy the portfolio' });
  await line.getByRole('button', { name: 'Quote here' }).click();
  await expect(mentor.page.getByText('Quoted next to “Deploy the portfolio” and into the note.')).toBeVisible();
  await expectFocusKept(mentor.page, 'quoting next to a goal');
  await expect(line.getByRole('button', { name: /^Quote to a goal/ })).toBeFocused();
  // The quote went into the note too (without taking the keyboard there).
  await expect(noteEditor(mentor.page)).toContainText('Free hosting first');

  // After ending: the mentor files a report (for staff, not shared), the student leaves feedback the mentor reads.
  await mentor.page.getByRole('button', { name: 'End session' }).click();
  await mentor.page.getByRole('dialog').getByRole('button', { name: 'End and save' }).click();
  const report = mentor.page.getByRole('form', { name: 'Your session report' });
  await expect(report).toBeVisible();
  await report.getByRole('radio', { name: 'On track' }).check();
  await report.getByRole('radio', { name: '4 — high' }).check();
  await report.getByLabel('Comment (optional)').fill('Steady progress; interviews start next month.');
  await expectAccessible(mentor.page, 'the record with the report form');
  await tourShot(mentor.page, 'report-desktop-en');
  await report.getByRole('button', { name: 'Save the report' }).click();
  await expect(report.getByRole('status')).toHaveText('Report saved.');
  // The keyboard stays on the button that saved it (it is not disabled while saving, which would drop it to the body).
  await expect(report.getByRole('button', { name: 'Save the report' })).toBeFocused();
  await student.page.goto(`/sessions/${first.id}`);
  const feedback = student.page.getByRole('form', { name: 'Your feedback on this session' });
  await expect(feedback).toBeVisible();
  await expect(student.page.getByText('Steady progress')).toHaveCount(0);
  await feedback.getByRole('radio', { name: '4 — very useful' }).check();
  await feedback.getByLabel('Comment (optional)').fill('The review made the criteria clear.');
  await expectFitsWidth(student.page, 'the record with the feedback form (phone)');
  await expectAccessible(student.page, 'the record with the feedback form (phone)');
  await tourShot(student.page, 'feedback-phone-en');
  await feedback.getByRole('button', { name: 'Send the feedback' }).click();
  await expect(feedback.getByRole('status')).toHaveText('Feedback sent.');
  await expect(feedback.getByRole('button', { name: 'Send the feedback' })).toBeFocused();
  await mentor.page.reload();
  await expect(mentor.page.getByText('The review made the criteria clear.')).toBeVisible();
  await expect(mentor.page.getByText('Useful: 4 of 4')).toBeVisible();

  // The goal's story across the weeks, on the mentorship page.
  await mentor.page.goto(`/mentorships/${mentorshipId}`);
  const timeline = mentor.page.getByRole('region', { name: 'Goals over the weeks' });
  await timeline.getByText('Deploy the portfolio').click();
  await expect(timeline).toContainText('Set by Mina Mentor in week 1');
  await expect(timeline).toContainText('Week 1: created');
  await expect(timeline).toContainText('carried over 1 week');
  await expect(timeline).toContainText('A step toward the project “Portfolio site”');
  await expect(timeline.getByRole('list', { name: 'Quoted next to it' })).toContainText('Free hosting first');
  await expect(timeline.getByRole('list', { name: 'Quoted next to it' })).toContainText('Mina Mentor, week 1 at');
  await expectAccessible(mentor.page, 'mentorship page with the goals’ timelines');
  await tourShot(mentor.page, 'timeline-desktop-en');
  // The charts, and the mentor's private note as written (the mentor's page only).
  const charts = mentor.page.getByRole('region', { name: 'Progress over the weeks' });
  await expect(charts.getByRole('figure', { name: /Goals open and done, week by week/ })).toBeVisible();
  await expect(charts.locator('canvas').first()).toBeVisible();
  await expect(charts).toContainText('1 of 1 sessions held');
  await expect(charts.getByRole('figure', { name: /How the student is doing/ })).toBeVisible();
  await expect(charts).toContainText('approved (version 2)');
  await charts.getByText('Show the numbers').first().click();
  await expect(charts.getByRole('table').first()).toContainText('W1');
  await mentor.page.locator('details.private-note summary').click();
  await expect(mentor.page.getByLabel('Your private note', { exact: true })).toContainText(SECRET);
  await expectAccessible(mentor.page, 'mentorship page with the charts');
  await charts.scrollIntoViewIfNeeded();
  await tourShot(mentor.page, 'charts-desktop-en');
  // The student's page on a phone: the charts (without the unshared report), no private note, nothing of it.
  await student.page.goto(`/mentorships/${mentorshipId}`);
  const studentCharts = student.page.getByRole('region', { name: 'Progress over the weeks' });
  await expect(studentCharts.locator('canvas').first()).toBeVisible();
  await expect(studentCharts.getByRole('figure', { name: /How the student is doing/ })).toHaveCount(0);
  await expect(student.page.locator('.private-note')).toHaveCount(0);
  await expect(student.page.getByText(SECRET)).toHaveCount(0);
  const exported = await (await student.context.request.get(`/api/mentorships/${mentorshipId}/export.md`)).text();
  expect(exported).not.toContain(SECRET);
  expect(exported).toContain('Free hosting first');
  const studentTimeline = student.page.getByRole('region', { name: 'Goals over the weeks' });
  await studentTimeline.getByText('Deploy the portfolio').click();
  await expect(studentTimeline.getByRole('list', { name: 'Quoted next to it' })).toContainText('Free hosting first');
  await studentTimeline.scrollIntoViewIfNeeded();
  await tourShot(student.page, 'timeline-phone-en');
  await expectFitsWidth(student.page, 'the mentorship page with charts (phone)');
  await expectAccessible(student.page, 'the mentorship page with charts (phone)');
  await studentCharts.scrollIntoViewIfNeeded();
  await tourShot(student.page, 'charts-phone-en');

  // Both dashboards show where the path stands.
  await mentor.page.goto('/');
  await expect(mentor.page.locator('.project-line')).toContainText('1 of 1 projects approved');
  const api = await mentor.context.request.get(`/api/mentorships/${mentorshipId}/projects`);
  const body = (await api.json()) as { projects: { status: string; submissions: unknown[] }[] };
  expect(body.projects[0]?.status).toBe('approved');
  expect(body.projects[0]?.submissions).toHaveLength(2);
});
