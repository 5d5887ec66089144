import { AcceptInvitationBodySchema, type InvitationInfo, isLocale } from '@tandem/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { browserTimeZone, FormError, fieldText, LanguageField, NewPasswordField, SubmitButton, TimeZoneField } from '../../app/fields';
import { LanguageSwitcher } from '../../app/Header';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, navigate, pagePath } from '../../app/router';
import { currentLanguage, errorText } from '../../i18n';
import { setLanguage } from '../../i18n/browser';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/time';
import { useAppStore } from '../../store';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; info: InvitationInfo };

/** An invitation or set-up link: choose a password, confirm name, zone and language, and land signed in. */
export function InvitePage({ token }: { token: string }) {
  const { t } = useTranslation();
  const setUser = useAppStore((s) => s.setUser);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api
      .invitation(token)
      .then((res) => setLoad(res.ok ? { state: 'ready', info: res.data } : { state: 'error', message: errorText(res.error) }));
  }, [token]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (load.state !== 'ready') return;
    const form = new FormData(event.currentTarget);
    const parsed = AcceptInvitationBodySchema.safeParse({
      displayName: fieldText(form, 'displayName'),
      password: fieldText(form, 'password'),
      timeZone: fieldText(form, 'timeZone'),
      locale: fieldText(form, 'locale'),
      ...(load.info.email ? {} : { email: fieldText(form, 'email') }),
    });
    if (!parsed.success) {
      setError(t('invite.check', { detail: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ') }));
      return;
    }
    setBusy(true);
    setError(null);
    const res = await api.acceptInvitation(token, parsed.data);
    setBusy(false);
    if (!res.ok) {
      setError(errorText(res.error));
      return;
    }
    if (isLocale(res.data.user.locale)) setLanguage(res.data.user.locale);
    setUser(res.data.user);
    navigate(pagePath.dashboard, { replace: true });
  }

  return (
    <main className="center-page">
      <div className="sign-in-lang">
        <LanguageSwitcher />
      </div>
      <div className="card sign-in">
        {load.state === 'loading' && (
          <p className="muted" role="status" aria-busy="true">
            {t('invite.loading')}
          </p>
        )}
        {load.state === 'error' && (
          <>
            <PageHeading>{t('invite.unusable')}</PageHeading>
            <p className="error" role="alert">
              {load.message}
            </p>
            <a href={pagePath.signIn} onClick={linkTo(pagePath.signIn)}>
              {t('invite.toSignIn')}
            </a>
          </>
        )}
        {load.state === 'ready' && (
          <form className="form" onSubmit={onSubmit} noValidate aria-describedby={error ? 'invite-error' : undefined}>
            <PageHeading>{load.info.kind === 'setup' ? t('invite.setupTitle') : t('invite.title')}</PageHeading>
            <p className="muted">
              {load.info.kind === 'setup' ? t('invite.setupLead') : t('invite.lead', { role: t(`header.role.${load.info.role}`) })}{' '}
              {t('invite.until', { when: formatWhen(load.info.expiresAt) })}
            </p>
            {load.info.email ? (
              <p>
                {t('invite.email')} <strong>{load.info.email}</strong>
              </p>
            ) : (
              <label>
                {t('invite.email')}
                <input name="email" type="email" autoComplete="username" required />
              </label>
            )}
            <label>
              {t('fields.name')}
              <input name="displayName" autoComplete="name" required maxLength={80} defaultValue={load.info.displayName ?? ''} />
            </label>
            <NewPasswordField name="password" label={t('fields.choosePassword')} />
            <TimeZoneField name="timeZone" defaultValue={browserTimeZone()} label={t('fields.timeZone')} />
            <LanguageField name="locale" defaultValue={currentLanguage()} />
            <FormError id="invite-error" message={error} />
            <SubmitButton busy={busy} className="btn btn-primary">
              {busy ? t('invite.busy') : t('invite.submit')}
            </SubmitButton>
          </form>
        )}
      </div>
    </main>
  );
}
