import { ForgotPasswordBodySchema, NewPasswordSchema } from '@tandem/shared';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError, fieldText, NewPasswordField, SubmitButton } from '../../app/fields';
import { LanguageSwitcher } from '../../app/Header';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, navigate, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { useAppStore } from '../../store';

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="center-page">
      <div className="sign-in-lang">
        <LanguageSwitcher />
      </div>
      <div className="card sign-in">{children}</div>
    </main>
  );
}

/** "Forgot password": the same answer whether or not the email has an account. */
export function ForgotPage() {
  const { t } = useTranslation();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = ForgotPasswordBodySchema.safeParse({ email: fieldText(new FormData(event.currentTarget), 'email') });
    if (!parsed.success) {
      setError(t('signIn.check'));
      return;
    }
    setBusy(true);
    setError(null);
    const res = await api.forgotPassword(parsed.data.email);
    setBusy(false);
    if (!res.ok) setError(errorText(res.error));
    else setSent(true);
  }

  return (
    <Shell>
      <PageHeading>{t('forgot.title')}</PageHeading>
      {sent ? (
        <p role="status">{t('forgot.sent')}</p>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate aria-describedby={error ? 'forgot-error' : undefined}>
          <p className="muted">{t('forgot.lead')}</p>
          <label>
            {t('signIn.email')}
            <input name="email" type="email" autoComplete="username" required />
          </label>
          <FormError id="forgot-error" message={error} />
          <SubmitButton busy={busy} className="btn btn-primary">
            {busy ? t('forgot.busy') : t('forgot.submit')}
          </SubmitButton>
        </form>
      )}
      <a href={pagePath.signIn} onClick={linkTo(pagePath.signIn)}>
        {t('invite.toSignIn')}
      </a>
    </Shell>
  );
}

/** A reset link: a new password, then signed in (every other device signed out). */
export function ResetPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const loadMe = useAppStore((s) => s.loadMe);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = NewPasswordSchema.safeParse(fieldText(new FormData(event.currentTarget), 'password'));
    if (!parsed.success) {
      setError(t('fields.passwordRule'));
      return;
    }
    setBusy(true);
    setError(null);
    const res = await api.resetPassword(token, parsed.data);
    setBusy(false);
    if (!res.ok) {
      setError(errorText(res.error));
      return;
    }
    await loadMe();
    navigate(pagePath.dashboard, { replace: true });
  }

  return (
    <Shell>
      <PageHeading>{t('reset.title')}</PageHeading>
      <form className="form" onSubmit={onSubmit} noValidate aria-describedby={error ? 'reset-error' : undefined}>
        <NewPasswordField name="password" label={t('fields.newPassword')} />
        <FormError id="reset-error" message={error} />
        <SubmitButton busy={busy} className="btn btn-primary">
          {busy ? t('reset.busy') : t('reset.submit')}
        </SubmitButton>
      </form>
      <a href={pagePath.forgot} onClick={linkTo(pagePath.forgot)}>
        {t('reset.again')}
      </a>
    </Shell>
  );
}
