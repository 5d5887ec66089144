import { RoomServiceClient } from 'livekit-server-sdk';
import { expect, test } from '../fixtures/actors.js';
import { addGoal, openGoalsTab } from '../fixtures/goals.js';
import { expectSaved, openSessionCall, sectionBody } from '../fixtures/notes.js';

// Runs last (file order): it ends the demo session, and the next week's session takes its place.
test('the mentor ends the session; both land on its record; next week opens with the goal carried over', async ({
  mentor,
  student,
  outsider,
}, testInfo) => {
  await mentor.signInWithApi();
  await student.signInWithApi();
  const dashboard = await (await mentor.context.request.get('/api/dashboard')).json();
  const sessionId: string = dashboard.mentorships[0].nextSession.id;
  const week: number = dashboard.mentorships[0].nextSession.week;
  const mentorshipId: string = dashboard.mentorships[0].mentorship.id;
  const path = `/sessions/${sessionId}`;
  await openSessionCall(mentor.page, path);
  await openSessionCall(student.page, path);
  const roomName: string = (await (await mentor.post(`/api/sessions/${sessionId}/token`)).json()).roomName;

  const noteText = `Reviewed the accessibility audit ${Date.now() % 10000}`;
  await sectionBody(mentor.page, 'Project progress').click();
  await mentor.page.keyboard.type(noteText);
  await expectSaved(mentor.page);
  await openGoalsTab(student.page);
  const goal = `Fix the colour contrast ${Date.now() % 10000}`;
  await addGoal(student.page, goal);

  await expect(student.page.getByRole('button', { name: 'End session' })).toHaveCount(0); // the mentor's call
  await mentor.page.getByRole('button', { name: 'End session' }).click();
  const dialog = mentor.page.getByRole('dialog', { name: 'End this session?' });
  await expect(dialog).toContainText('the note, as it is now, then read-only');
  await mentor.page.screenshot({ path: testInfo.outputPath('end-dialog.png') });
  await dialog.getByRole('button', { name: 'End and save' }).click();

  for (const page of [mentor.page, student.page]) {
    await expect(page.getByRole('heading', { name: 'Notes', exact: true, level: 2 })).toBeVisible();
    await expect(page.locator('.record-note')).toContainText(noteText);
    await expect(page.locator('.record-goals')).toContainText(goal);
    await expect(page.getByText(`${student.name} added “${goal}”`)).toBeVisible();
  }
  await student.page.screenshot({ path: testInfo.outputPath('record-student.png'), fullPage: true });

  // The LiveKit room is gone: nobody can stay in the call.
  const lk = process.env.E2E_LIVEKIT_URL;
  if (lk) {
    const rooms = new RoomServiceClient(lk.replace(/^ws/, 'http'), process.env.E2E_LIVEKIT_API_KEY, process.env.E2E_LIVEKIT_API_SECRET);
    await expect.poll(async () => (await rooms.listRooms([roomName])).length).toBe(0);
  }

  // Search finds the note; an outsider gets 404 on the record, its search and its export.
  const search = await (await student.context.request.get(`/api/mentorships/${mentorshipId}/search?q=accessibility`)).json();
  expect(search.results[0].sessionId).toBe(sessionId);
  await outsider.signInWithApi();
  for (const url of [
    `/api/sessions/${sessionId}/record`,
    `/api/mentorships/${mentorshipId}/search?q=accessibility`,
    `/api/sessions/${sessionId}/export.md`,
  ]) {
    expect((await outsider.context.request.get(url)).status(), url).toBe(404);
  }
  await outsider.page.goto(path);
  await expect(outsider.page.getByRole('alert')).toContainText('not part of');

  // Next week: the session exists already with the goal carried over, and it does not open early
  // (joining it now used to use it up): its page says when it opens, with no camera and no Join.
  await student.page.goto('/');
  await expect(student.page.getByText(`Week ${week + 1}`)).toBeVisible();
  await expect(student.page.getByRole('list', { name: 'Open goals' })).toContainText(goal);
  await student.page.getByRole('link', { name: 'Join' }).click();
  await expect(student.page.getByRole('heading', { name: 'Not open yet' })).toBeVisible();
  await expect(student.page.getByRole('status')).toContainText('opens to join on');
  await expect(student.page.getByRole('button', { name: 'Join session' })).toHaveCount(0);
  await expect(student.page.getByLabel('Your camera preview')).toHaveCount(0);
  await student.page.setViewportSize({ width: 390, height: 844 });
  await student.page.screenshot({ path: testInfo.outputPath('not-open-yet-390.png'), fullPage: true });
  const nextId = decodeURIComponent(new URL(student.page.url()).pathname.split('/').pop() ?? '');
  const early = await student.post(`/api/sessions/${nextId}/token`);
  expect(early.status()).toBe(409);
  expect((await early.json()).error.code).toBe('NOT_YET_OPEN');
  const goals = await (await student.context.request.get(`/api/mentorships/${mentorshipId}/goals`)).json();
  expect(goals.goals.map((g: { title: string }) => g.title)).toContain(goal);

  // The history page lists the ended session with its summary.
  await mentor.page.goto(`/mentorships/${mentorshipId}`);
  await expect(mentor.page.getByRole('heading', { name: 'Past sessions' })).toBeVisible();
  // Its summary is the first line written (other journeys may have written before this one).
  await expect(mentor.page.locator('.history')).toContainText(`Week ${week}`);
  await expect(mentor.page.locator('.history')).toContainText(`${mentor.name}, ${student.name}`);
  await mentor.page.getByLabel('Search notes and transcripts').fill('accessib');
  await mentor.page.getByRole('button', { name: 'Search' }).click();
  await expect(mentor.page.locator('.snippet mark').first()).toHaveText(/accessibility/i);
  await mentor.page.screenshot({ path: testInfo.outputPath('history-mentor.png'), fullPage: true });
});
