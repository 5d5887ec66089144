import { ProgrammeRoute, SignInBodySchema, type SignInOptions } from '@tandem/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SubmitButton } from '../../app/fields';
import { LanguageSwitcher } from '../../app/Header';
import { linkTo, navigate, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { useAppStore } from '../../store';

/** Only same-app paths are followed after sign-in (no open redirect). */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') && next !== pagePath.signIn ? next : pagePath.dashboard;
}

export function SignInPage() {
  const { t } = useTranslation();
  const setUser = useAppStore((s) => s.setUser);
  // The organisation's sign-in comes back here with a code when it refused someone.
  const [error, setError] = useState<string | null>(() => {
    const code = new URLSearchParams(window.location.search).get('error');
    return code ? errorText({ code: code as never, message: t('signIn.oidcFailed') }) : null;
  });
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState<SignInOptions>({ password: true, oidc: null });
  useEffect(() => {
    void api.signInOptions().then((res) => res.ok && setOptions(res.data));
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = SignInBodySchema.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      setError(t('signIn.check'));
      return;
    }
    setBusy(true);
    setError(null);
    const res = await api.signIn(parsed.data);
    setBusy(false);
    if (!res.ok) {
      setError(errorText(res.error));
      return;
    }
    setUser(res.data.user);
    navigate(nextPath(), { replace: true });
  }

  return (
    <main className="center-page">
      <div className="sign-in-lang">
        <LanguageSwitcher />
      </div>
      <form className="card sign-in" onSubmit={onSubmit} noValidate aria-describedby={error ? 'sign-in-error' : undefined}>
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('signIn.tagline')}</p>
        {options.oidc && (
          <a className="btn btn-primary" href={ProgrammeRoute.oidcStart}>
            {t('signIn.withOrganisation', { name: options.oidc.name })}
          </a>
        )}
        {options.oidc && options.password && <p className="or-line">{t('signIn.or')}</p>}
        {options.password && (
          <>
            <label>
              {t('signIn.email')}
              <input name="email" type="email" autoComplete="username" required />
            </label>
            <label>
              {t('signIn.password')}
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
          </>
        )}
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        {options.password && (
          <>
            <SubmitButton busy={busy} className="btn btn-primary">
              {busy ? t('signIn.busy') : t('signIn.submit')}
            </SubmitButton>
            <a href={pagePath.forgot} onClick={linkTo(pagePath.forgot)}>
              {t('signIn.forgot')}
            </a>
          </>
        )}
      </form>
    </main>
  );
}
