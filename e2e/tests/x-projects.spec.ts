import { expect, test } from '@playwright/test';
import { joinFromPreJoin } from '../fixtures/call.js';
import { addGoal, openGoalsTab } from '../fixtures/goals.js';
import { expectAccessible, expectFitsWidth, expectFocusKept, screens, tourShot } from '../fixtures/people.js';
import { bringForward, newPair, nextSessionOf } from '../fixtures/week.js';

// A project of the path, from its creation to its approval, for a pair made for it: the mentor on
// a desktop adds it; in the call the student (on a phone) submits it in the Project tab, the mentor
// reviews it criterion by criterion and asks for changes, the student submits again, the mentor approves.
test('the student submits a project in the call, the mentor requests changes, the student resubmits, the mentor approves; then the report and the feedback', async ({
  browser,
}) => {
  test.setTimeout(180_000);
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

  // A goal toward it, set in this call: its story shows on the mentorship page afterwards.
  await openGoalsTab(mentor.page);
  await addGoal(mentor.page, 'Deploy the portfolio');

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
  await expectAccessible(mentor.page, 'mentorship page with the goals’ timelines');
  await tourShot(mentor.page, 'timeline-desktop-en');

  // Both dashboards show where the path stands.
  await mentor.page.goto('/');
  await expect(mentor.page.locator('.project-line')).toContainText('1 of 1 projects approved');
  const api = await mentor.context.request.get(`/api/mentorships/${mentorshipId}/projects`);
  const body = (await api.json()) as { projects: { status: string; submissions: unknown[] }[] };
  expect(body.projects[0]?.status).toBe('approved');
  expect(body.projects[0]?.submissions).toHaveLength(2);
});
