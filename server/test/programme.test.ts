import { apiPath, ProgrammeRoute } from '@tandem/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createSetupLink } from '../src/programme/invitations.js';
import { buildTestApp, call, closeTestApps, createMentorship, createUser, envOf, signIn } from './helpers.js';
import { TEST_ORIGIN } from './origin.js';
import { linkIn, startSmtp } from './smtp.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await closeTestApps();
});

type Method = 'GET' | 'POST' | 'PATCH';
const cookieFrom = (headers: Record<string, unknown>) => {
  const raw = headers['set-cookie'];
  return String(Array.isArray(raw) ? raw[0] : raw).split(';')[0] ?? '';
};
const tokenOf = (link: string) => link.split('/').at(-1) ?? '';
const accept = { displayName: 'Ines Invitee', password: 'a long enough password', timeZone: 'Europe/Paris', locale: 'fr' } as const;

async function appWithAdmin(env: Record<string, string> = {}) {
  const app = await buildTestApp(env, { mailPollMs: 50 });
  await app.ready();
  const admin = await createUser(app, 'admin');
  return { app, admin, cookie: await signIn(app, admin) };
}

describe('the first administrator', () => {
  it('a set-up link makes one admin, once; a forged, reused or expired link changes nothing', async () => {
    const app = await buildTestApp();
    const { url } = await createSetupLink(app.db, TEST_ORIGIN);
    const token = tokenOf(url);
    expect(token).toMatch(/^[\w-]{43}$/);
    // Only the hash is stored.
    const stored = await app.db.selectFrom('invitations').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const info = await call(app, 'GET', apiPath(ProgrammeRoute.invitation, { token }));
    expect(info.json()).toMatchObject({ kind: 'setup', role: 'admin', email: null });

    const forged = await call(
      app,
      'POST',
      apiPath(ProgrammeRoute.acceptInvitation, { token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }),
      undefined,
      {
        ...accept,
        email: 'first@example.test',
      },
    );
    expect(forged.statusCode).toBe(410);
    expect(forged.json().error.code).toBe('LINK_INVALID');

    const noEmail = await call(app, 'POST', apiPath(ProgrammeRoute.acceptInvitation, { token }), undefined, accept);
    expect(noEmail.statusCode).toBe(400);

    const ok = await call(app, 'POST', apiPath(ProgrammeRoute.acceptInvitation, { token }), undefined, {
      ...accept,
      email: 'First@Example.test',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user).toMatchObject({ role: 'admin', email: 'first@example.test', timeZone: 'Europe/Paris', locale: 'fr' });
    const cookie = cookieFrom(ok.headers);
    expect((await call(app, 'GET', ProgrammeRoute.people, cookie)).statusCode).toBe(200);

    const again = await call(app, 'POST', apiPath(ProgrammeRoute.acceptInvitation, { token }), undefined, {
      ...accept,
      email: 'second@example.test',
    });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('LINK_USED');
    expect(await app.db.selectFrom('users').select('email').execute()).toHaveLength(1);

    const old = await createSetupLink(app.db, TEST_ORIGIN);
    await app.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('kind', '=', 'setup')
      .where('accepted_at', 'is', null)
      .execute();
    const expired = await call(app, 'GET', apiPath(ProgrammeRoute.invitation, { token: tokenOf(old.url) }));
    expect(expired.json().error.code).toBe('LINK_EXPIRED');
  });

  it('an invitee cannot choose a role: the body may not carry one', async () => {
    const { app, cookie } = await appWithAdmin();
    await call(app, 'POST', ProgrammeRoute.invitations, cookie, { email: 'stu@example.test', displayName: 'Stu', role: 'student' });
    await app.mail.idle();
    const mail = await app.db.selectFrom('mail_outbox').select('text_body').executeTakeFirstOrThrow();
    const token = tokenOf(mail.text_body.match(/\/invite\/[\w-]{43}/)?.[0] ?? '');
    const res = await call(app, 'POST', apiPath(ProgrammeRoute.acceptInvitation, { token }), undefined, { ...accept, role: 'admin' });
    expect(res.statusCode).toBe(400);
    const ok = await call(app, 'POST', apiPath(ProgrammeRoute.acceptInvitation, { token }), undefined, accept);
    expect(ok.json().user.role).toBe('student');
  });
});

describe('invitations and password resets by email (a real SMTP server)', () => {
  it('invites, follows the mailed link, accepts, and is signed in on the dashboard; resend and revoke retire old links', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    const { app, cookie, admin } = await appWithAdmin({ SMTP_URL: smtp.url, MAIL_FROM: 'Tandem <programme@example.test>' });
    const sent = await call(app, 'POST', ProgrammeRoute.invitations, cookie, {
      email: 'mia@example.test',
      displayName: 'Mia Mentor',
      role: 'mentor',
    });
    expect(sent.statusCode).toBe(201);
    await expect.poll(() => smtp.to('mia@example.test').length).toBe(1);
    const mail = smtp.to('mia@example.test')[0];
    if (!mail) throw new Error('no mail');
    expect(mail.subject).toBe('You are invited to Tandem');
    expect(mail.from?.text).toContain('programme@example.test');
    expect(mail.html).toContain('Accept the invitation');
    expect(mail.text).toContain(admin.displayName);
    const first = linkIn(mail, '/invite/');
    expect(first.startsWith(`${TEST_ORIGIN}/invite/`)).toBe(true);

    // Re-sent: a new link; the first stops working.
    const list = await call(app, 'GET', ProgrammeRoute.invitations, cookie);
    const id = list.json().invitations[0].id as string;
    expect(list.json().invitations[0]).toMatchObject({ state: 'pending', email: 'mia@example.test', role: 'mentor' });
    expect((await call(app, 'POST', apiPath(ProgrammeRoute.resendInvitation, { id }), cookie)).statusCode).toBe(204);
    await expect.poll(() => smtp.to('mia@example.test').length).toBe(2);
    const second = linkIn(smtp.to('mia@example.test')[1] as (typeof smtp.received)[number], '/invite/');
    expect(second).not.toBe(first);
    expect((await call(app, 'GET', apiPath(ProgrammeRoute.invitation, { token: tokenOf(first) }))).json().error.code).toBe('LINK_INVALID');

    const info = await call(app, 'GET', apiPath(ProgrammeRoute.invitation, { token: tokenOf(second) }));
    expect(info.json()).toMatchObject({ kind: 'invite', role: 'mentor', email: 'mia@example.test', displayName: 'Mia Mentor' });
    const accepted = await call(app, 'POST', apiPath(ProgrammeRoute.acceptInvitation, { token: tokenOf(second) }), undefined, accept);
    expect(accepted.statusCode).toBe(200);
    const dashboard = await call(app, 'GET', '/api/dashboard', cookieFrom(accepted.headers));
    expect(dashboard.statusCode).toBe(200);
    expect((await call(app, 'GET', ProgrammeRoute.invitations, cookie)).json().invitations[0].state).toBe('accepted');

    // Revoked: the link says so; and an email with an account cannot be invited again.
    await call(app, 'POST', ProgrammeRoute.invitations, cookie, { email: 'sol@example.test', displayName: 'Sol', role: 'student' });
    await expect.poll(() => smtp.to('sol@example.test').length).toBe(1);
    const solLink = linkIn(smtp.to('sol@example.test')[0] as (typeof smtp.received)[number], '/invite/');
    const solId = (await call(app, 'GET', ProgrammeRoute.invitations, cookie)).json().invitations[0].id as string;
    expect((await call(app, 'POST', apiPath(ProgrammeRoute.revokeInvitation, { id: solId }), cookie)).statusCode).toBe(204);
    expect((await call(app, 'GET', apiPath(ProgrammeRoute.invitation, { token: tokenOf(solLink) }))).json().error.code).toBe(
      'LINK_INVALID',
    );
    const dup = await call(app, 'POST', ProgrammeRoute.invitations, cookie, {
      email: 'mia@example.test',
      displayName: 'Mia',
      role: 'mentor',
    });
    expect(dup.statusCode).toBe(409);

    const audit = (await call(app, 'GET', ProgrammeRoute.audit, cookie)).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['invitation.sent', 'invitation.resent', 'invitation.accepted', 'invitation.revoked']));
  });

  it('"forgot password" answers the same for everyone, mails a single-use link, and the reset signs out every device', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    const app = await buildTestApp({ SMTP_URL: smtp.url }, { mailPollMs: 50, forgotMax: 3 });
    await app.ready();
    const user = await createUser(app, 'student');
    const oldCookie = await signIn(app, user);
    const known = await call(app, 'POST', ProgrammeRoute.forgotPassword, undefined, { email: user.email });
    const unknown = await call(app, 'POST', ProgrammeRoute.forgotPassword, undefined, { email: 'nobody@example.test' });
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(known.body).toBe(unknown.body);
    await expect.poll(() => smtp.to(user.email).length).toBe(1);
    await app.mail.idle();
    expect(smtp.received).toHaveLength(1);
    const link = linkIn(smtp.to(user.email)[0] as (typeof smtp.received)[number], '/reset/');
    const token = tokenOf(link);

    const weak = await call(app, 'POST', ProgrammeRoute.resetPassword, undefined, { token, password: 'short' });
    expect(weak.statusCode).toBe(400);
    const reset = await call(app, 'POST', ProgrammeRoute.resetPassword, undefined, { token, password: 'a brand new password' });
    expect(reset.statusCode).toBe(204);
    expect((await call(app, 'GET', '/api/auth/me', oldCookie)).statusCode).toBe(401);
    expect((await call(app, 'GET', '/api/auth/me', cookieFrom(reset.headers))).statusCode).toBe(200);
    const reused = await call(app, 'POST', ProgrammeRoute.resetPassword, undefined, { token, password: 'yet another password' });
    expect(reused.json().error.code).toBe('LINK_USED');
    await signIn(app, { email: user.email, password: 'a brand new password' });

    // Rate-limited per address and email: the fourth request in 15 minutes is refused.
    await call(app, 'POST', ProgrammeRoute.forgotPassword, undefined, { email: user.email });
    await call(app, 'POST', ProgrammeRoute.forgotPassword, undefined, { email: user.email });
    const limited = await call(app, 'POST', ProgrammeRoute.forgotPassword, undefined, { email: user.email });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });

  it('keeps mail queued while SMTP refuses it and sends it exactly once when it accepts; a restart loses nothing', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    smtp.refuseAll(true);
    const { app, cookie } = await appWithAdmin({ SMTP_URL: smtp.url });
    await call(app, 'POST', ProgrammeRoute.invitations, cookie, { email: 'retry@example.test', displayName: 'Retry', role: 'student' });
    await expect.poll(async () => (await app.db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow()).last_error).toBeTruthy();
    const row = await app.db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/mailbox unavailable/);
    expect(row.next_attempt_at > new Date().toISOString()).toBe(true);
    smtp.refuseAll(false);
    // The retry comes after its backoff; bring it forward rather than wait.
    await app.db.updateTable('mail_outbox').set({ next_attempt_at: new Date().toISOString() }).execute();
    app.mail.kick();
    await expect.poll(() => smtp.to('retry@example.test').length).toBe(1);
    await expect.poll(async () => (await app.db.selectFrom('mail_outbox').select('status').executeTakeFirstOrThrow()).status).toBe('sent');
    app.mail.kick();
    await app.mail.idle();
    expect(smtp.to('retry@example.test')).toHaveLength(1);
  });

  it('mail queued before a restart is sent by the next process; one claimed by a process that died is taken over', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    // A first process queues two invitations and stops before its worker runs again.
    const first = await buildTestApp({ SMTP_URL: smtp.url }, { mailPollMs: 60_000 });
    await first.ready();
    const admin = await createUser(first, 'admin');
    const cookie = await signIn(first, admin);
    smtp.refuseAll(true);
    await call(first, 'POST', ProgrammeRoute.invitations, cookie, { email: 'a@example.test', displayName: 'A', role: 'student' });
    await call(first, 'POST', ProgrammeRoute.invitations, cookie, { email: 'b@example.test', displayName: 'B', role: 'student' });
    await first.mail.idle();
    await first.close();
    // As if the first process died while sending one of them: claimed, never marked.
    const second = await buildTestApp(envOf(first), { mailPollMs: 50 });
    await second.db.updateTable('mail_outbox').set({ next_attempt_at: new Date().toISOString() }).execute();
    await second.db
      .updateTable('mail_outbox')
      .set({ status: 'sending', claimed_until: new Date(Date.now() - 1000).toISOString() })
      .where('to_address', '=', 'b@example.test')
      .execute();
    smtp.refuseAll(false);
    await second.ready();
    await expect.poll(() => smtp.received.length).toBe(2);
    await expect
      .poll(async () => (await second.db.selectFrom('mail_outbox').select('status').execute()).map((r) => r.status))
      .toEqual(['sent', 'sent']);
    second.mail.kick();
    await second.mail.idle();
    expect(smtp.to('a@example.test')).toHaveLength(1);
    expect(smtp.to('b@example.test')).toHaveLength(1);
  });
});

describe('limits on the link pages', () => {
  it('rate-limits a flood of link lookups from one address (30 a minute)', async () => {
    const app = await buildTestApp();
    const url = apiPath(ProgrammeRoute.invitation, { token: 'A'.repeat(43) });
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) codes.push((await call(app, 'GET', url)).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 410)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });
});

describe('who reaches the programme pages', () => {
  it('401 signed out, 403 for mentors and students (of this pair or another), 200 for admins', async () => {
    const { app, cookie: adminCookie } = await appWithAdmin();
    const pair = await createMentorship(app);
    const other = await createMentorship(app);
    const routes: [Method, string, unknown?][] = [
      ['GET', ProgrammeRoute.people],
      ['GET', ProgrammeRoute.invitations],
      ['POST', ProgrammeRoute.invitations, { email: 'x@example.test', displayName: 'X', role: 'admin' }],
      ['POST', apiPath(ProgrammeRoute.deactivate, { id: pair.student.id })],
      ['POST', apiPath(ProgrammeRoute.reactivate, { id: pair.student.id })],
      ['GET', ProgrammeRoute.pairs],
      [
        'POST',
        ProgrammeRoute.pairs,
        {
          mentorId: pair.mentor.id,
          studentId: other.student.id,
          title: 'T',
          slot: { weekday: 1, time: '10:00', timeZone: 'UTC', durationMinutes: 60 },
        },
      ],
      [
        'PATCH',
        apiPath(ProgrammeRoute.pairSlot, { id: pair.mentorshipId }),
        { slot: { weekday: 1, time: '10:00', timeZone: 'UTC', durationMinutes: 60 } },
      ],
      ['POST', apiPath(ProgrammeRoute.reassign, { id: other.mentorshipId }), { mentorId: pair.mentor.id }],
      ['POST', apiPath(ProgrammeRoute.pairStatus, { id: pair.mentorshipId }), { action: 'end' }],
      ['GET', ProgrammeRoute.week],
      ['GET', ProgrammeRoute.outbox],
      ['GET', ProgrammeRoute.audit],
    ];
    const mentorCookie = await signIn(app, pair.mentor);
    const studentCookie = await signIn(app, pair.student);
    const otherStudentCookie = await signIn(app, other.student);
    for (const [method, url, body] of routes) {
      expect((await call(app, method, url, undefined, body)).statusCode, `${method} ${url} signed out`).toBe(401);
      for (const c of [mentorCookie, studentCookie, otherStudentCookie]) {
        const res = await call(app, method, url, c, body);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
      }
    }
    // Nothing changed for them; the same calls work for an admin.
    expect(await app.db.selectFrom('invitations').select('id').execute()).toHaveLength(0);
    expect(
      (await app.db.selectFrom('mentorships').select('status').where('id', '=', pair.mentorshipId).executeTakeFirstOrThrow()).status,
    ).toBe('active');
    for (const [method, url, body] of routes) {
      const res = await call(app, method, url, adminCookie, body);
      expect(res.statusCode, `${method} ${url} as admin: ${res.body}`).toBeLessThan(300);
    }
    // Every admin action is in the audit log, with who did it.
    const audit = (await call(app, 'GET', ProgrammeRoute.audit, adminCookie)).json().entries as {
      action: string;
      actor: string;
      target: string;
    }[];
    // Targets by name: the person deactivated, the pair ended.
    expect(audit.find((e) => e.action === 'person.deactivated')?.target).toBe(pair.student.displayName);
    expect(audit.find((e) => e.action === 'pair.ended')?.target).toBe(
      (await app.db.selectFrom('mentorships').select('title').where('id', '=', pair.mentorshipId).executeTakeFirstOrThrow()).title,
    );
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'invitation.sent',
        'person.deactivated',
        'person.reactivated',
        'pair.created',
        'pair.slot-changed',
        'pair.ended',
        'pair.reassigned',
      ]),
    );
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const { app, cookie } = await appWithAdmin();
    const bad = [
      await call(app, 'POST', ProgrammeRoute.invitations, cookie, { email: 'nope', displayName: 'X', role: 'mentor' }),
      await call(app, 'POST', ProgrammeRoute.invitations, cookie, { email: 'a@example.test', displayName: 'X'.repeat(81), role: 'mentor' }),
      await call(app, 'POST', ProgrammeRoute.invitations, cookie, { email: 'a@example.test', displayName: 'X', role: 'boss' }),
      await call(app, 'POST', ProgrammeRoute.pairs, cookie, {
        mentorId: 'x',
        studentId: 'y',
        title: 'T',
        slot: { weekday: 9, time: '25:00', timeZone: 'Mars/Base', durationMinutes: 5 },
      }),
      await call(app, 'GET', `${ProgrammeRoute.people}?role=boss`, cookie),
    ];
    for (const res of bad) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const huge = await call(app, 'POST', ProgrammeRoute.invitations, cookie, {
      email: 'a@example.test',
      displayName: 'x'.repeat(70_000),
      role: 'mentor',
    });
    expect(huge.statusCode).toBe(413);
    expect(await app.db.selectFrom('invitations').select('id').execute()).toHaveLength(0);
  });
});

describe('people', () => {
  it('searches by name or email and filters by role and status', async () => {
    const { app, cookie } = await appWithAdmin();
    const pair = await createMentorship(app);
    const people = async (q: string) => (await call(app, 'GET', `${ProgrammeRoute.people}?${q}`, cookie)).json().people as { id: string }[];
    expect((await people(`q=${encodeURIComponent(pair.student.displayName.toUpperCase())}`)).map((p) => p.id)).toEqual([pair.student.id]);
    expect((await people(`q=${encodeURIComponent(pair.mentor.email.slice(0, 12))}`)).map((p) => p.id)).toContain(pair.mentor.id);
    expect((await people('q=%25')).length).toBe(0);
    expect((await people('role=student')).map((p) => p.id)).toEqual([pair.student.id]);
    await call(app, 'POST', apiPath(ProgrammeRoute.deactivate, { id: pair.student.id }), cookie);
    expect((await people('status=deactivated')).map((p) => p.id)).toEqual([pair.student.id]);
  });

  it('a profile: name, zone and language change; a password change signs out the other devices only', async () => {
    const app = await buildTestApp();
    const user = await createUser(app, 'mentor');
    const here = await signIn(app, user);
    const there = await signIn(app, user);
    const patched = await call(app, 'PATCH', ProgrammeRoute.profile, here, {
      displayName: 'New Name',
      timeZone: 'America/Montreal',
      locale: 'fr',
    });
    expect(patched.json().user).toMatchObject({ displayName: 'New Name', timeZone: 'America/Montreal', locale: 'fr' });
    expect((await call(app, 'PATCH', ProgrammeRoute.profile, here, { timeZone: 'Nowhere/Else' })).statusCode).toBe(400);
    expect((await call(app, 'PATCH', ProgrammeRoute.profile, here, { role: 'admin' })).statusCode).toBe(400);
    const wrong = await call(app, 'POST', ProgrammeRoute.password, here, {
      currentPassword: 'not it',
      newPassword: 'another long password',
    });
    expect(wrong.statusCode).toBe(403);
    const changed = await call(app, 'POST', ProgrammeRoute.password, here, {
      currentPassword: user.password,
      newPassword: 'another long password',
    });
    expect(changed.statusCode).toBe(204);
    expect((await call(app, 'GET', '/api/auth/me', here)).statusCode).toBe(200);
    expect((await call(app, 'GET', '/api/auth/me', there)).statusCode).toBe(401);
    expect((await call(app, 'PATCH', ProgrammeRoute.profile, undefined, { displayName: 'x' })).statusCode).toBe(401);
  });
});
