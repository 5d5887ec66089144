import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { demoAccount } from '@tandem/shared';
import { appOrigin, expect, test } from '../fixtures/actors.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../fixtures/browser.js';
import { openSessionCall } from '../fixtures/notes.js';

/** The student's microphone plays this recording (made with espeak-ng), over and over. */
function recording(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-voice-'));
  const wav = path.join(dir, 'student.wav');
  execFileSync('espeak-ng', [
    '-v',
    'en-us',
    '-s',
    '130',
    '-g',
    '12',
    '-w',
    wav,
    'Today I want to learn testing. My goal is to finish the project.',
  ]);
  return wav;
}

const openTranscript = async (page: Page) => {
  await page.getByRole('tab', { name: 'Transcript' }).click();
  await expect(page.getByRole('list', { name: 'Transcript' })).toBeVisible();
};
const speechLines = (page: Page) => page.locator('.seg-speech');

// The second demo pair (Olli and Riley): this journey ends its session, and the first pair's
// session stays open for the journeys after it (the next week's session does not open early).
test('captions need both consents; chat and transcript survive a reload and land on the record', async ({ outsider: mentor }, testInfo) => {
  test.setTimeout(180_000);
  // The student in a browser of their own, whose fake microphone speaks the recording.
  const studentBrowser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${recording()}`],
  });
  const studentContext = await studentBrowser.newContext({ baseURL: testInfo.project.use.baseURL, permissions: ['camera', 'microphone'] });
  const student = await studentContext.newPage();
  try {
    const account = demoAccount('otherStudent');
    expect(
      (
        await studentContext.request.post('/api/auth/sign-in', {
          headers: { origin: appOrigin() },
          data: { email: account.email, password: account.password },
        })
      ).status(),
    ).toBe(200);
    await mentor.signInWithApi();
    const dashboard = await (await mentor.context.request.get('/api/dashboard')).json();
    const sessionId: string = dashboard.mentorships[0].nextSession.id;
    const path = `/sessions/${sessionId}`;

    // The mentor joins with the microphone off: only the student speaks.
    await mentor.page.goto(path);
    await mentor.page.getByRole('button', { name: 'Microphone on' }).click();
    await mentor.page.getByRole('button', { name: 'Join session' }).click();
    await openSessionCall(student, path);
    await openTranscript(mentor.page);
    await openTranscript(student);

    // Without consent nothing is transcribed, though the student is talking.
    // The mentor agrees for all of the pair's sessions at once: it counts for this one too.
    await mentor.page.getByLabel(/and of all our next sessions/).click();
    await expect(mentor.page.getByLabel(/and of all our next sessions/)).toBeChecked();
    await expect(mentor.page.getByLabel('I agree to transcription of this session')).toBeChecked();
    await expect(mentor.page.getByTestId('consent-state')).toContainText(`Waiting for ${account.displayName} to agree`);
    await mentor.page.waitForTimeout(6000); // the recording plays through at least once
    await expect(speechLines(mentor.page)).toHaveCount(0);

    await student.getByLabel('I agree to transcription of this session').click();
    await expect(student.getByLabel('I agree to transcription of this session')).toBeChecked();
    for (const page of [mentor.page, student]) await expect(page.getByRole('status').filter({ hasText: 'Transcribing' })).toBeVisible();
    await expect(speechLines(mentor.page).first()).toContainText(account.displayName, { timeout: 45_000 });
    await expect(mentor.page.getByRole('region', { name: 'Captions' })).toContainText(`${account.displayName}:`);
    await mentor.page.screenshot({ path: testInfo.outputPath('captions-mentor.png') });

    // A segment clicked in the transcript is quoted into the note, with its speaker and time.
    await speechLines(mentor.page)
      .first()
      .getByRole('button', { name: /into the note/ })
      .click();
    await expect(mentor.page.getByRole('status').filter({ hasText: 'Quoted into the note.' })).toBeVisible();
    await mentor.page.getByRole('tab', { name: 'Notes' }).click();
    await expect(mentor.page.locator('.note-editor blockquote').last()).toContainText(
      new RegExp(`${account.displayName} \\(\\d+:\\d{2}\\): \\S`),
    );
    await openTranscript(mentor.page);

    // Chat joins the timeline and survives a reload.
    await student.getByLabel('Chat message').fill('Here is my portfolio link');
    await student.getByLabel('Chat message').press('Enter');
    await expect(mentor.page.locator('.seg-chat')).toContainText('Here is my portfolio link');
    await mentor.page.reload();
    await openSessionCall(mentor.page, path);
    await openTranscript(mentor.page);
    await expect(mentor.page.locator('.seg-chat')).toContainText('Here is my portfolio link');

    // Either can stop it; then the mentor ends the session and the transcript is on the record.
    await student.getByLabel('I agree to transcription of this session').click();
    await expect(student.getByLabel('I agree to transcription of this session')).not.toBeChecked();
    await expect(student.getByTestId('consent-state')).toContainText('Nothing is transcribed until you do too');
    await mentor.page.getByRole('button', { name: 'End session' }).click();
    await mentor.page.getByRole('dialog').getByRole('button', { name: 'End and save' }).click();
    const transcript = mentor.page.getByRole('region', { name: 'Transcript' });
    await expect(transcript).toContainText(`${account.displayName}`);
    await expect(transcript).toContainText('Here is my portfolio link');
    await expect(student.getByRole('region', { name: 'Transcript' })).toContainText('(chat)');
  } finally {
    await studentContext.close();
    await studentBrowser.close();
  }
});
