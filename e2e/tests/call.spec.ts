import { demoAccount } from '@tandem/shared';
import { expect, test } from '../fixtures/actors.js';
import { joinFromPreJoin, openNextSession, remoteTile, waitForRemoteVideo } from '../fixtures/call.js';
import { expectAccessible, tourShot } from '../fixtures/people.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

test('the mentor and the student meet on video and see each other', async ({ mentor, student }, testInfo) => {
  // The mentor's system asks for the dark theme and less motion; the student's for the light one.
  await mentor.page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await mentor.page.goto('/');
  await expect(mentor.page.locator('html')).toHaveCSS('background-color', 'rgb(15, 17, 21)');
  await expectAccessible(mentor.page, 'sign-in (en, desktop, dark)');
  await tourShot(mentor.page, 'sign-in-desktop-en');
  await mentor.signInWithForm();
  await student.signInWithForm();
  await expectAccessible(mentor.page, 'dashboard (en, desktop, dark)');
  await tourShot(mentor.page, 'dashboard-desktop-en');
  await mentor.page.screenshot({ path: testInfo.outputPath('dashboard-mentor.png') });

  const mentorSession = await openNextSession(mentor.page);
  const studentSession = await openNextSession(student.page);
  expect(studentSession).toBe(mentorSession);

  await expect(mentor.page.getByLabel('Your camera preview')).toBeVisible();
  await expectAccessible(mentor.page, 'pre-join (en, desktop, dark)');
  await tourShot(mentor.page, 'prejoin-desktop-en');
  await joinFromPreJoin(mentor.page);
  await expect(mentor.page.getByText(`Waiting for ${student.name} to join`)).toBeVisible();
  await joinFromPreJoin(student.page);

  const studentMs = await waitForRemoteVideo(student.page);
  await waitForRemoteVideo(mentor.page);
  await expect(remoteTile(mentor.page).locator('.lk-participant-name')).toHaveText(student.name);
  await expect(remoteTile(student.page).locator('.lk-participant-name')).toHaveText(mentor.name);
  await expect(mentor.page.getByText(`Waiting for ${student.name} to join`)).toBeHidden();
  await mentor.page.screenshot({ path: testInfo.outputPath('call-mentor.png') });
  await expectAccessible(mentor.page, 'the call (en, desktop, dark)');
  await tourShot(mentor.page, 'call-desktop-en');

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
  // Another pair's session answers exactly like one that does not exist.
  const token = await outsider.post(`/api/sessions/${sessionId}/token`);
  expect(token.status()).toBe(404);
  expect((await token.json()).error.code).toBe('NOT_FOUND');
  const missing = await outsider.post(`/api/sessions/${crypto.randomUUID()}/token`);
  expect(await missing.json()).toEqual(await token.json());

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
  // The keyboard is still on the button (it is not disabled while signing in, which would drop it to the body).
  await expect(student.page.getByRole('button', { name: 'Sign in' })).toBeFocused();
});

test('the pre-join preview starts the camera once and shows moving frames', async ({ student }) => {
  // Count what the page asks of the camera and microphone, from before the app's first line runs.
  await student.page.addInitScript(() => {
    const w = window as unknown as { gumCalls: string[]; trackStops: number };
    w.gumCalls = [];
    w.trackStops = 0;
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => {
      w.gumCalls.push(JSON.stringify(c));
      return gum(c);
    };
    const stop = MediaStreamTrack.prototype.stop;
    MediaStreamTrack.prototype.stop = function (this: MediaStreamTrack) {
      w.trackStops += 1;
      return stop.call(this);
    };
  });
  await student.signInWithForm();
  await openNextSession(student.page);
  const preview = student.page.getByLabel('Your camera preview');
  await expect(preview).toBeVisible();
  // Frames, not a black box: the video has a size and its clock moves.
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  const t0 = await preview.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t0 + 1);
  // Watched for a few more seconds: a restart loop would call getUserMedia hundreds of times here.
  await student.page.waitForTimeout(3_000);
  const counts = await student.page.evaluate(() => {
    const w = window as unknown as { gumCalls: string[]; trackStops: number };
    return { gum: w.gumCalls, stops: w.trackStops };
  });
  expect(counts.gum.length, counts.gum.join('\n')).toBeLessThanOrEqual(2);
  expect(counts.stops).toBeLessThanOrEqual(2);
});
