import { expect, test } from '../fixtures/actors.js';
import {
  expectSaved,
  expectSection,
  noteEditor,
  openSessionCall,
  saveState,
  sectionBody,
  storedUpdateCount,
  textWithoutCarets,
} from '../fixtures/notes.js';

async function sessionPathOf(request: import('@playwright/test').APIRequestContext): Promise<string> {
  const dashboard = await (await request.get('/api/dashboard')).json();
  return `/sessions/${dashboard.mentorships[0].nextSession.id}`;
}

test('mentor and student write the note together, see each other, and it survives a reload', async ({ mentor, student }, testInfo) => {
  await mentor.signInWithApi();
  await student.signInWithApi();
  const path = await sessionPathOf(mentor.context.request);
  await openSessionCall(mentor.page, path);
  await openSessionCall(student.page, path);
  await expect(mentor.page.getByLabel('Who is here')).toContainText(student.name);

  const mentorText = `Mentor check-in ${testInfo.repeatEachIndex}-${Date.now() % 10000}`;
  const studentText = `Student finished the portfolio page`;
  await sectionBody(mentor.page, 'Check-in').click();
  await sectionBody(student.page, 'Project progress').click();
  // At the same time, keystroke by keystroke.
  await Promise.all([mentor.page.keyboard.type(mentorText, { delay: 25 }), student.page.keyboard.type(studentText, { delay: 25 })]);

  for (const page of [mentor.page, student.page]) {
    await expectSection(page, 'Check-in', mentorText);
    await expectSection(page, 'Project progress', studentText);
  }
  await expect(mentor.page.locator('.collaboration-carets__label', { hasText: student.name })).toBeVisible();
  await expect(student.page.locator('.collaboration-carets__label', { hasText: mentor.name })).toBeVisible();
  await expectSaved(mentor.page);
  await expectSaved(student.page);
  expect(await textWithoutCarets(noteEditor(mentor.page))).toBe(await textWithoutCarets(noteEditor(student.page)));
  await mentor.page.screenshot({ path: testInfo.outputPath('notes-mentor.png') });

  // Formatting through the toolbar reaches the other side too.
  await sectionBody(mentor.page, 'New goals').click();
  await mentor.page.getByRole('button', { name: 'Task list' }).click();
  await mentor.page.keyboard.type('Write tests for the form');
  await expect(student.page.locator('.note-editor ul[data-type="taskList"]')).toContainText('Write tests for the form');

  // Undo takes back one's own edits only, never the other person's.
  await sectionBody(mentor.page, 'Notes').click();
  await mentor.page.keyboard.type('mentor draft');
  await sectionBody(student.page, 'Notes').click();
  await student.page.keyboard.press('End');
  await student.page.keyboard.type(' student line');
  await expectSection(mentor.page, 'Notes', 'mentor draft student line');
  await mentor.page.getByRole('button', { name: 'Undo my last edit' }).click();
  await expectSection(mentor.page, 'Notes', ' student line');
  await expectSection(student.page, 'Notes', ' student line');

  await mentor.page.reload();
  await openSessionCall(mentor.page, path);
  await expectSection(mentor.page, 'Check-in', mentorText);
  await expectSection(mentor.page, 'Project progress', studentText);
  await expectSaved(mentor.page);
});

test('edits made while the server is unreachable survive a reload and sync when it returns', async ({ mentor, student }) => {
  await mentor.signInWithApi();
  await student.signInWithApi();
  const path = await sessionPathOf(mentor.context.request);
  await openSessionCall(student.page, path);

  await openSessionCall(mentor.page, path);
  await expectSaved(mentor.page);

  // Now the mentor's realtime connection goes nowhere (HTTP still works, so the page can reload).
  let blocked = true;
  await mentor.page.routeWebSocket(/socket\.io/, (ws) => {
    if (!blocked) ws.connectToServer();
  });
  await mentor.page.reload();
  await openSessionCall(mentor.page, path);
  await expect(saveState(mentor.page)).toHaveText(/Connecting|Offline/);
  const offlineText = `Typed while offline ${Date.now() % 10000}`;
  await sectionBody(mentor.page, 'Notes').click();
  await mentor.page.keyboard.press('End');
  const sessionId = path.split('/').pop() ?? '';
  const storedBefore = await storedUpdateCount(mentor.page, sessionId);
  await mentor.page.keyboard.type(offlineText, { delay: 20 });
  // Reload once this browser has stored every keystroke (one update each).
  await expect.poll(() => storedUpdateCount(mentor.page, sessionId)).toBeGreaterThanOrEqual(storedBefore + offlineText.length);
  await mentor.page.reload();
  await openSessionCall(mentor.page, path);
  await expect.poll(() => textWithoutCarets(sectionBody(mentor.page, 'Notes'))).toContain(offlineText);
  expect(await textWithoutCarets(sectionBody(student.page, 'Notes'))).not.toContain(offlineText);

  // The connection returns: the kept edits reach the server and the student.
  blocked = false;
  await mentor.page.reload();
  await openSessionCall(mentor.page, path);
  await expectSaved(mentor.page);
  await expect.poll(() => textWithoutCarets(sectionBody(student.page, 'Notes'))).toContain(offlineText);
});
