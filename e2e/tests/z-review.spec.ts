import { RoomServiceClient } from 'livekit-server-sdk';
import { expect, test } from '../fixtures/actors.js';
import { expectFocusOn } from '../fixtures/keyboard.js';
import { expectSaved, noteEditor, openSessionCall, sectionBody } from '../fixtures/notes.js';
import { expectAccessible, expectFitsWidth, expectOnScreen, screens, setUp, tourShot } from '../fixtures/people.js';

// Runs last (file order): it ends the demo session, and the next week's session takes its place.
// The whole weekly cycle in French, both people on a phone; the record and history then on a desktop.
test('en français, sur téléphone : the weekly cycle from joining to the record, then next week and the history', async ({
  mentor,
  student,
  outsider,
}, testInfo) => {
  test.setTimeout(180_000);
  await setUp(mentor.page, 'phone', 'fr');
  await setUp(student.page, 'phone');
  await mentor.signInWithApi();

  // The student picks French on the sign-in page, like a person would.
  await student.page.goto('/');
  await student.page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
  await expect(student.page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
  await expect(student.page.locator('html')).toHaveAttribute('lang', 'fr');
  await expectAccessible(student.page, 'sign-in (fr, phone)');
  await tourShot(student.page, 'sign-in-phone-fr');
  await student.page.getByLabel('E-mail').fill('student@tandem.test');
  await student.page.getByLabel('Mot de passe').fill('student-demo-1');
  await student.page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(student.page.getByRole('heading', { name: 'Bonjour, Sam' })).toBeVisible();
  await expectFitsWidth(student.page, 'dashboard (fr, phone)');
  await expectAccessible(student.page, 'dashboard (fr, phone)');
  await tourShot(student.page, 'dashboard-phone-fr');

  const dashboard = await (await mentor.context.request.get('/api/dashboard')).json();
  const sessionId: string = dashboard.mentorships[0].nextSession.id;
  const week: number = dashboard.mentorships[0].nextSession.week;
  const mentorshipId: string = dashboard.mentorships[0].mentorship.id;
  const path = `/sessions/${sessionId}`;

  await mentor.page.goto(path);
  await expect(mentor.page.getByLabel('Aperçu de votre caméra')).toBeVisible();
  await expectFitsWidth(mentor.page, 'pre-join (fr, phone)');
  await expectAccessible(mentor.page, 'pre-join (fr, phone)');
  await tourShot(mentor.page, 'prejoin-phone-fr');
  await mentor.page.getByRole('button', { name: 'Rejoindre la séance' }).click();
  await openSessionCall(student.page, path, 'phone');
  const roomName: string = (await (await mentor.post(`/api/sessions/${sessionId}/token`)).json()).roomName;
  for (const [who, page] of [
    ['mentor', mentor.page],
    ['student', student.page],
  ] as const) {
    await expectFitsWidth(page, `the call (${who}, fr, phone)`);
    for (const control of ['Notes', 'Objectifs', /^Discussion/, 'Quitter']) await expectOnScreen(page, control);
  }
  await expectOnScreen(mentor.page, 'Terminer la séance');
  await expectAccessible(mentor.page, 'the call (fr, phone)');
  await tourShot(mentor.page, 'call-phone-fr');

  // Notes: the sheet opens from the bottom bar; the editor takes typing on a phone.
  await mentor.page.getByRole('button', { name: 'Notes', exact: true }).click();
  const noteText = `Reviewed the accessibility audit ${Date.now() % 10000}`;
  await sectionBody(mentor.page, 'Project progress').click();
  await mentor.page.keyboard.type(noteText);
  await mentor.page.keyboard.press('Enter');
  await mentor.page.getByRole('button', { name: 'Liste de tâches' }).click();
  await mentor.page.keyboard.type('Envoyer le lien du brief');
  await expectSaved(mentor.page);
  await expect(mentor.page.getByRole('checkbox', { name: 'Tâche : Envoyer le lien du brief' })).toBeVisible();
  await expectAccessible(mentor.page, 'the note sheet (fr, phone)');
  await tourShot(mentor.page, 'call-notes-phone-fr');
  await student.page.getByRole('button', { name: 'Notes', exact: true }).click();
  await expect(noteEditor(student.page)).toContainText(noteText);

  // Goals.
  await student.page.getByRole('button', { name: 'Objectifs', exact: true }).click();
  const goal = `Fix the colour contrast ${Date.now() % 10000}`;
  await student.page.getByLabel('Nouvel objectif').fill(goal);
  await student.page.getByLabel('Nouvel objectif').press('Enter');
  await expect(student.page.getByRole('listitem', { name: `Objectif : ${goal}` })).toBeVisible();
  // Its due date is picked in French (the date field speaks the page's language).
  await student.page.getByRole('button', { name: `Autres actions pour ${goal}` }).click();
  await expect(student.page.getByLabel('Échéance')).toHaveAttribute('lang', 'fr');
  await expectAccessible(student.page, 'the goals sheet (fr, phone)');
  await tourShot(student.page, 'call-goals-phone-fr');

  // Consent: the mentor asks; the student sees it over the goals, and opens the chat from the banner.
  await mentor.page.getByRole('button', { name: /^Discussion/ }).click();
  // The box follows the server's answer, so a click, then the state.
  await mentor.page.getByLabel('J’accepte la transcription de cette séance').click();
  await expect(mentor.page.getByLabel('J’accepte la transcription de cette séance')).toBeChecked();
  const ask = student.page.getByRole('status').filter({ hasText: 'Maya Mentor demande à transcrire cette séance.' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Voir' }).click();
  await expect(student.page.getByTestId('consent-state')).toContainText('Maya Mentor a accepté');

  // Chat: a message with a link, counted on the chat button while the student looks at the goals.
  await student.page.getByRole('button', { name: 'Objectifs', exact: true }).click();
  await mentor.page.getByLabel('Message', { exact: true }).fill('Le brief est ici : https://example.org/brief');
  await mentor.page.getByLabel('Message', { exact: true }).press('Enter');
  const chatButton = student.page.getByRole('button', { name: /^Discussion/ });
  await expect(chatButton).toContainText('1');
  await expect(chatButton).toHaveAccessibleName(/1 nouveau message/);
  await chatButton.click();
  await expect(student.page.getByRole('link', { name: 'https://example.org/brief' })).toHaveAttribute('href', 'https://example.org/brief');
  await expect(chatButton).not.toContainText('1');
  await expectAccessible(student.page, 'the chat sheet (fr, phone)');
  // Q quotes the latest line into the note (from anywhere but a text field).
  await mentor.page.locator('main h1').focus();
  await mentor.page.keyboard.press('q');
  await expect(mentor.page.locator('.note-editor blockquote').last()).toContainText('Maya Mentor');
  await expect(mentor.page.locator('.note-editor blockquote').last()).toContainText('Le brief est ici');
  await expectSaved(mentor.page);
  await tourShot(student.page, 'call-chat-phone-fr');

  // End: only the mentor can, from the bar; both land on the record.
  await expect(student.page.getByRole('button', { name: 'Terminer la séance' })).toHaveCount(0);
  await mentor.page.getByRole('button', { name: 'Terminer la séance' }).click();
  const dialog = mentor.page.getByRole('dialog', { name: 'Terminer cette séance ?' });
  await expect(dialog).toContainText('la note, telle qu’elle est maintenant, puis en lecture seule');
  await expectAccessible(mentor.page, 'the end dialog (fr, phone)');
  await tourShot(mentor.page, 'end-dialog-phone-fr');
  await dialog.getByRole('button', { name: 'Terminer et enregistrer' }).click();

  for (const page of [mentor.page, student.page]) {
    await expect(page.getByRole('heading', { name: 'Notes', exact: true, level: 2 })).toBeVisible();
    await expect(page.locator('.record-note')).toContainText(noteText);
    await expect(page.locator('.record-goals')).toContainText(goal);
    await expect(page.getByText(`${student.name} a ajouté « ${goal} »`)).toBeVisible();
    await expectFitsWidth(page, 'the record (fr, phone)');
  }
  await expectAccessible(student.page, 'the record (fr, phone)');
  await tourShot(student.page, 'record-phone-fr');

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
  // (joining it now used to use it up): its page says when it opens, with no camera and no Join,
  // and its note is open to prepare it together.
  await student.page.goto('/');
  await expect(student.page.getByText(`Semaine ${week + 1}`)).toBeVisible();
  await expect(student.page.getByRole('list', { name: 'Objectifs en cours' })).toContainText(goal);
  await student.page.getByRole('link', { name: 'Préparer la séance' }).click();
  await expect(student.page.getByRole('heading', { name: 'Pas encore ouverte' })).toBeVisible();
  await expect(student.page.getByRole('status').filter({ hasText: 's’ouvre le' })).toBeVisible();
  await expect(student.page.getByRole('heading', { name: 'Préparer ensemble' })).toBeVisible();
  await expect(student.page.getByRole('heading', { name: 'Depuis la semaine dernière' })).toBeVisible();
  await expect(student.page.getByRole('button', { name: 'Rejoindre la séance' })).toHaveCount(0);
  await expect(student.page.getByLabel('Aperçu de votre caméra')).toHaveCount(0);
  await expectAccessible(student.page, 'not open yet (fr, phone)');
  await tourShot(student.page, 'not-open-yet-phone-fr');
  const nextId = decodeURIComponent(new URL(student.page.url()).pathname.split('/').pop() ?? '');
  const early = await student.post(`/api/sessions/${nextId}/token`);
  expect(early.status()).toBe(409);
  expect((await early.json()).error.code).toBe('NOT_YET_OPEN');

  // On a desktop, in French: the dashboard, then the history by its link (the focus lands on its heading).
  await mentor.page.setViewportSize(screens.desktop);
  await mentor.page.goto('/');
  await expect(mentor.page.getByRole('heading', { name: 'Bonjour, Maya' })).toBeVisible();
  await expectAccessible(mentor.page, 'dashboard (fr, desktop)');
  await tourShot(mentor.page, 'dashboard-desktop-fr');
  await mentor.page.getByRole('link', { name: /Toutes les séances, recherche et export/ }).click();
  await expect(mentor.page.getByRole('heading', { name: 'Séances passées' })).toBeVisible();
  await expectFocusOn(mentor.page, 'Frontend engineering path');
  // Its summary is the first line written (other journeys may have written before this one).
  await expect(mentor.page.locator('.history')).toContainText(`Semaine ${week}`);
  // Both were there, in the order they joined: LiveKit stamps joins to the second, so two people
  // joining within one second may come either way round.
  await expect(mentor.page.locator('.history')).toContainText(
    new RegExp(`${mentor.name}, ${student.name}|${student.name}, ${mentor.name}`),
  );
  await mentor.page.getByLabel('Rechercher dans les notes et les transcriptions').fill('accessib');
  await mentor.page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(mentor.page.locator('.snippet mark').first()).toHaveText(/accessibility/i);
  await expectAccessible(mentor.page, 'history and search (fr, desktop)');
  await tourShot(mentor.page, 'history-desktop-fr');
  await mentor.page.locator('.history a').first().click();
  await expect(mentor.page.locator('.record-note')).toContainText(noteText);
  await expectAccessible(mentor.page, 'the record (fr, desktop)');
  await tourShot(mentor.page, 'record-desktop-fr');
  await mentor.page.screenshot({ path: testInfo.outputPath('record-mentor.png'), fullPage: true });
  const recordPath = new URL(mentor.page.url()).pathname;

  // Every page outside the call, on both screens and in both languages: axe, and no sideways scrolling.
  for (const screen of ['desktop', 'phone'] as const)
    for (const language of ['en', 'fr'] as const) {
      const page = student.page;
      await page.setViewportSize(screens[screen]);
      await page.evaluate((lng) => window.localStorage.setItem('tandem.language', lng), language);
      // Signed out: the sign-in page, in a browser of its own.
      const visitor = await page.context().browser()?.newContext({ baseURL: testInfo.project.use.baseURL, viewport: screens[screen] });
      if (visitor) {
        await visitor.addInitScript((lng) => window.localStorage.setItem('tandem.language', lng), language);
        const signIn = await visitor.newPage();
        await signIn.goto('/sign-in');
        await expect(signIn.locator('html')).toHaveAttribute('lang', language);
        await expectFitsWidth(signIn, `sign-in (${language}, ${screen})`);
        await expectAccessible(signIn, `sign-in (${language}, ${screen})`);
        await tourShot(signIn, `sign-in-${screen}-${language}`);
        await visitor.close();
      }
      for (const [name, url] of [
        ['dashboard', '/'],
        ['history', `/mentorships/${mentorshipId}`],
        ['record', recordPath],
      ] as const) {
        await page.goto(url);
        await expect(page.locator('main h1')).toBeVisible();
        await expect(page.locator('html')).toHaveAttribute('lang', language);
        await expectFitsWidth(page, `${name} (${language}, ${screen})`);
        await expectAccessible(page, `${name} (${language}, ${screen})`);
        await tourShot(page, `${name}-${screen}-${language}`);
      }
    }
});
