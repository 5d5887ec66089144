import { type Browser, type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { joinFromPreJoin, remoteTile, waitForRemoteVideo } from '../fixtures/call.js';
import { expectAccessible, expectFitsWidth, expectFocusKept, setUp, tourShot } from '../fixtures/people.js';

// From an empty database (a server of its own, started by `npm test` without demo data): the first
// admin sets up, invites a mentor and a student, both accept from the mail outbox's links, the admin
// pairs them, both see the booked session and meet on video; then the student is deactivated and
// their open note connection closes.
const emptyUrl = process.env.E2E_EMPTY_URL ?? '';
const setupLink = process.env.E2E_SETUP_LINK ?? '';

async function newPerson(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: emptyUrl, permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  return { context, page };
}

/** Accepts an invitation or set-up link like the invitee would: name, password, zone and language confirmed. */
async function acceptLink(page: Page, link: string, who: { name: string; email?: string; password: string }) {
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  if (who.email) await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Choose a password').fill(who.password);
  // The zone is prefilled from the browser.
  await expect(page.getByRole('combobox', { name: 'Time zone', exact: true })).not.toHaveValue('');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByRole('heading', { name: `Hello, ${who.name.split(' ')[0]}` })).toBeVisible();
}

/** The link inside the outbox's mail to `email`. */
async function linkInOutbox(admin: Page, email: string): Promise<string> {
  const mail = admin
    .locator('.row-card.mail')
    .filter({ hasText: `to ${email}` })
    .first();
  await expect(mail).toBeVisible();
  const href = await mail.locator('a[href*="/invite/"]').first().getAttribute('href');
  if (!href) throw new Error(`no link in the mail to ${email}`);
  return href;
}

test('from an empty database: set up, invite, accept, pair, meet on video, deactivate', async ({ browser }, testInfo) => {
  test.skip(!emptyUrl || !setupLink, 'run through `npm test`, which starts the empty-programme server');
  test.setTimeout(180_000);
  let clicks = 0;
  const click = async (locator: Locator) => {
    clicks += 1;
    await locator.click();
  };

  // 1. The first admin opens the printed set-up link.
  const admin = await newPerson(browser);
  await admin.page.goto(setupLink);
  await expect(admin.page.getByRole('heading', { name: 'Set up Tandem' })).toBeVisible();
  await expectAccessible(admin.page, 'set-up link');
  await admin.page.getByLabel('Email', { exact: true }).fill('ada@programme.test');
  await admin.page.getByLabel('Your name').fill('Ada Admin');
  await admin.page.getByLabel('Choose a password').fill('ada-admin-password');
  await click(admin.page.getByRole('button', { name: 'Create my account' }));
  await expect(admin.page.getByRole('heading', { name: 'Hello, Ada' })).toBeVisible();
  // The link works once.
  const again = await newPerson(browser);
  await again.page.goto(setupLink);
  await expect(again.page.getByRole('alert')).toContainText('used already');
  await again.context.close();

  // 2. Invites a mentor and a student.
  await click(admin.page.getByRole('link', { name: 'Programme' }));
  await expect(admin.page.getByRole('heading', { name: 'Programme' })).toBeFocused();
  await click(admin.page.getByRole('link', { name: 'People' }));
  for (const [name, email, role] of [
    ['Mona Mentor', 'mona@programme.test', 'mentor'],
    ['Stan Student', 'stan@programme.test', 'student'],
  ] as const) {
    await admin.page.getByLabel('Name', { exact: true }).fill(name);
    await admin.page.getByLabel('Email', { exact: true }).fill(email);
    await admin.page.getByRole('combobox', { name: 'Role', exact: true }).first().selectOption(role);
    await click(admin.page.getByRole('button', { name: 'Send the invitation' }));
    await expect(admin.page.getByRole('status').filter({ hasText: `Invitation sent to ${email}` })).toBeVisible();
  }
  await expectAccessible(admin.page, 'programme: people');
  await tourShot(admin.page, 'programme-people-desktop-en');

  // 3. Both accept from the links in the mail outbox (no SMTP here: the outbox keeps the mail).
  await click(admin.page.getByRole('link', { name: 'Mail outbox' }));
  const mentorLink = await linkInOutbox(admin.page, 'mona@programme.test');
  const studentLink = await linkInOutbox(admin.page, 'stan@programme.test');
  await expectAccessible(admin.page, 'programme: mail outbox');
  await tourShot(admin.page, 'programme-outbox-desktop-en');
  const mentor = await newPerson(browser);
  const student = await newPerson(browser);
  await acceptLink(mentor.page, mentorLink, { name: 'Mona Mentor', password: 'mona-password-1' });
  await acceptLink(student.page, studentLink, { name: 'Stan Student', password: 'stan-password-1' });
  await expect(student.page.getByText('You are not part of a mentorship yet.')).toBeVisible();

  // 4. The admin pairs them, at a weekly slot a few minutes from now (so the first session opens to join).
  await click(admin.page.getByRole('link', { name: 'Pairs' }));
  const at = new Date(Date.now() + 5 * 60_000);
  const weekday = ((at.getUTCDay() + 6) % 7) + 1;
  const time = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
  await admin.page.getByRole('combobox', { name: 'Mentor', exact: true }).selectOption({ label: 'Mona Mentor (0 active pairs)' });
  await admin.page.getByRole('combobox', { name: 'Student', exact: true }).selectOption({ label: 'Stan Student' });
  await admin.page.getByLabel('Learning path').fill('Web developer path');
  await admin.page.getByRole('combobox', { name: 'Day', exact: true }).selectOption(String(weekday));
  await admin.page.getByLabel('Time', { exact: true }).fill(time);
  await admin.page.getByRole('combobox', { name: 'Time zone', exact: true }).selectOption('UTC');
  await click(admin.page.getByRole('button', { name: 'Create the pair' }));
  await expect(admin.page.getByRole('status').filter({ hasText: 'Mona Mentor and Stan Student are paired' })).toBeVisible();
  await expect(admin.page.getByRole('heading', { name: 'Web developer path' })).toBeVisible();
  await expectAccessible(admin.page, 'programme: pairs');
  await tourShot(admin.page, 'programme-pairs-desktop-en');
  await admin.page.getByRole('link', { name: 'This week' }).click();
  await expect(admin.page.getByRole('heading', { name: /^Today: / })).toBeVisible();
  await expectAccessible(admin.page, 'programme: this week');
  await tourShot(admin.page, 'programme-week-desktop-en');
  const adminClicks = clicks;

  // Both were told by email (kept in the outbox).
  await admin.page.getByRole('link', { name: 'Mail outbox' }).click();
  await expect(admin.page.locator('.row-card.mail').filter({ hasText: 'Your mentorship "Web developer path" is starting' })).toHaveCount(2);

  // 5. Both see the booked session on their dashboards and meet on video.
  for (const p of [mentor.page, student.page]) {
    await p.reload();
    await expect(p.getByRole('heading', { name: 'Web developer path' })).toBeVisible();
    await expect(p.getByText(/Week 1/)).toBeVisible();
    await p.getByRole('link', { name: 'Join' }).first().click();
    await joinFromPreJoin(p);
  }
  await waitForRemoteVideo(mentor.page);
  await waitForRemoteVideo(student.page);
  await expect(remoteTile(mentor.page).locator('.lk-participant-name')).toHaveText('Stan Student');

  // 6. The admin deactivates the student: their note connection closes and they leave the call.
  await admin.page.getByRole('link', { name: 'People' }).click();
  admin.page.once('dialog', (d) => void d.accept());
  await admin.page.getByRole('button', { name: 'Deactivate Stan Student' }).click();
  await expect(admin.page.getByRole('status').filter({ hasText: 'Stan Student is deactivated' })).toBeVisible();
  await expect(student.page.getByText('Your sign-in has expired')).toBeVisible({ timeout: 5_000 });
  await expect(remoteTile(mentor.page)).toHaveCount(0, { timeout: 15_000 });
  // And cannot sign in again, with a clear message.
  await student.page.goto('/sign-in');
  await student.page.getByLabel('Email', { exact: true }).fill('stan@programme.test');
  await student.page.getByLabel('Password').fill('stan-password-1');
  await student.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(student.page.getByRole('alert')).toContainText('deactivated');

  // By keyboard: invite someone, then revoke the invitation; the focus never falls to the page body.
  await admin.page.getByRole('link', { name: 'People' }).click();
  await admin.page.getByLabel('Name', { exact: true }).focus();
  await admin.page.keyboard.type('Rita Reader');
  await admin.page.keyboard.press('Tab');
  await admin.page.keyboard.type('rita@programme.test');
  await admin.page.keyboard.press('Tab');
  await admin.page.keyboard.press('Tab');
  await expect(admin.page.getByRole('button', { name: 'Send the invitation' })).toBeFocused();
  await admin.page.keyboard.press('Enter');
  await expect(admin.page.getByRole('status').filter({ hasText: 'Invitation sent to rita@programme.test' })).toBeVisible();
  await expectFocusKept(admin.page, 'inviting by keyboard');
  await admin.page.getByRole('link', { name: 'Invitations' }).click();
  await admin.page.getByRole('button', { name: 'Revoke rita@programme.test' }).focus();
  await admin.page.keyboard.press('Enter');
  await expect(admin.page.getByRole('status').filter({ hasText: 'The invitation to rita@programme.test is revoked.' })).toBeFocused();
  await expectAccessible(admin.page, 'programme: invitations');

  // The programme pages on a phone.
  await setUp(admin.page, 'phone');
  for (const tab of ['This week', 'People', 'Pairs', 'Invitations', 'Mail outbox', 'Audit log']) {
    await admin.page.getByRole('link', { name: tab, exact: true }).click();
    await expect(admin.page.getByRole('link', { name: tab, exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(admin.page.getByRole('status').filter({ hasText: 'Loading' })).toHaveCount(0);
    await expectFitsWidth(admin.page, `programme: ${tab} on a phone`);
    if (tab === 'People' || tab === 'Pairs') await tourShot(admin.page, `programme-${tab.toLowerCase()}-phone-en`);
  }
  await expectAccessible(admin.page, 'programme: audit log (phone)');
  await expect(admin.page.getByText('person.deactivated')).toBeVisible();
  await admin.page.getByRole('link', { name: 'This week', exact: true }).click();
  await tourShot(admin.page, 'programme-week-phone-en');

  const line = `admin journey: ${adminClicks} clicks from the set-up link to a booked pair (set up 1, invite 2, accept 0, pair 1, navigation ${adminClicks - 4})`;
  console.log(line);
  testInfo.annotations.push({ type: 'metric', description: line });
  for (const p of [admin, mentor, student]) await p.context.close();
});
