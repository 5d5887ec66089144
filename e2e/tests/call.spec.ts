import { demoAccount } from '@tandem/shared';
import { expect, test } from '../fixtures/actors.js';
import { joinFromPreJoin, openNextSession, remoteTile, waitForRemoteVideo } from '../fixtures/call.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

test('the mentor and the student meet on video and see each other', async ({ mentor, student }, testInfo) => {
  await mentor.signInWithForm();
  await student.signInWithForm();
  await mentor.page.screenshot({ path: testInfo.outputPath('dashboard-mentor.png') });

  const mentorSession = await openNextSession(mentor.page);
  const studentSession = await openNextSession(student.page);
  expect(studentSession).toBe(mentorSession);

  await joinFromPreJoin(mentor.page);
  await expect(mentor.page.getByText(`Waiting for ${student.name} to join`)).toBeVisible();
  await joinFromPreJoin(student.page);

  const studentMs = await waitForRemoteVideo(student.page);
  await waitForRemoteVideo(mentor.page);
  await expect(remoteTile(mentor.page).locator('.lk-participant-name')).toHaveText(student.name);
  await expect(remoteTile(student.page).locator('.lk-participant-name')).toHaveText(mentor.name);
  await expect(mentor.page.getByText(`Waiting for ${student.name} to join`)).toBeHidden();
  await mentor.page.screenshot({ path: testInfo.outputPath('call-mentor.png') });

  // Join -> first remote frame, measured again over a few rejoins of the student.
  const samples = [studentMs];
  for (let i = 0; i < 4; i++) {
    await student.page.getByRole('button', { name: 'Leave' }).click();
    await expect(student.page.getByText('You left the call.')).toBeVisible();
    await expect(remoteTile(mentor.page)).toHaveCount(0);
    await student.page.getByRole('button', { name: 'Rejoin' }).click();
    await joinFromPreJoin(student.page);
    samples.push(await waitForRemoteVideo(student.page));
  }
  expect(samples.every((ms) => ms > 0)).toBe(true);
  const line = `join -> first remote video frame: median ${Math.round(median(samples))} ms over ${samples.length} joins (${samples.map(Math.round).join(', ')} ms)`;
  console.log(line);
  testInfo.annotations.push({ type: 'metric', description: line });
});

test('an outsider cannot join the session and is told why', async ({ mentor, outsider }) => {
  await mentor.signInWithApi();
  const dashboard = await mentor.context.request.get('/api/dashboard');
  const sessionId: string = (await dashboard.json()).mentorships[0].nextSession.id;

  await outsider.signInWithApi();
  const token = await outsider.context.request.post(`/api/sessions/${sessionId}/token`);
  expect(token.status()).toBe(403);
  expect((await token.json()).error.code).toBe('FORBIDDEN');

  await outsider.page.goto(`/sessions/${sessionId}`);
  await expect(outsider.page.getByRole('heading', { name: 'Can’t open this session' })).toBeVisible();
  await expect(outsider.page.getByRole('alert')).toContainText('belongs to a mentorship you are not part of');
  await expect(outsider.page.getByRole('button', { name: 'Join session' })).toHaveCount(0);
  expect(demoAccount('outsider').role).toBe('mentor');
});

test('signed-out visitors are sent to sign in and come back after', async ({ student }) => {
  await student.page.goto('/sessions/some-session');
  await expect(student.page).toHaveURL(/\/sign-in\?next=%2Fsessions%2Fsome-session/);
  await student.page.getByLabel('Email').fill('student@tandem.test');
  await student.page.getByLabel('Password').fill('wrong password');
  await student.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(student.page.getByRole('alert')).toHaveText('Wrong email or password.');
});
