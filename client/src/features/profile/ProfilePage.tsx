import { ChangePasswordBodySchema, isLocale, ProfileBodySchema } from '@tandem/shared';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError, fieldText, LanguageField, NewPasswordField, SubmitButton, TimeZoneField } from '../../app/fields';
import { PageHeading } from '../../app/PageHeading';
import { errorText } from '../../i18n';
import { setLanguage } from '../../i18n/browser';
import { api } from '../../lib/api';
import { useAppStore } from '../../store';

type Outcome = { ok: true; message: string } | { ok: false; message: string } | null;

function Outcome({ id, outcome }: { id: string; outcome: Outcome }) {
  if (!outcome) return null;
  return outcome.ok ? (
    <p id={id} className="success" role="status">
      {outcome.message}
    </p>
  ) : (
    <FormError id={id} message={outcome.message} />
  );
}

/** Everyone's profile: display name, time zone, language, and a password change that signs out the other devices. */
export function ProfilePage() {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const setUser = useAppStore((s) => s.setUser);
  const [saved, setSaved] = useState<Outcome>(null);
  const [changed, setChanged] = useState<Outcome>(null);
  const [busy, setBusy] = useState<'profile' | 'password' | null>(null);
  if (!user) return null;

  async function onProfile(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = ProfileBodySchema.safeParse({
      displayName: fieldText(form, 'displayName'),
      timeZone: fieldText(form, 'timeZone'),
      locale: fieldText(form, 'locale'),
      reminders: { dayBefore: form.get('remindDay') === 'on', hourBefore: form.get('remindHour') === 'on' },
    });
    if (!parsed.success) {
      setSaved({ ok: false, message: t('profile.check') });
      return;
    }
    setBusy('profile');
    const res = await api.updateProfile(parsed.data);
    setBusy(null);
    if (!res.ok) return setSaved({ ok: false, message: errorText(res.error) });
    setUser(res.data.user);
    if (isLocale(res.data.user.locale)) setLanguage(res.data.user.locale);
    setSaved({ ok: true, message: t('profile.saved') });
  }

  async function onPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const parsed = ChangePasswordBodySchema.safeParse({
      currentPassword: fieldText(form, 'currentPassword'),
      newPassword: fieldText(form, 'newPassword'),
    });
    if (!parsed.success) {
      setChanged({ ok: false, message: t('fields.passwordRule') });
      return;
    }
    setBusy('password');
    const res = await api.changePassword(parsed.data);
    setBusy(null);
    if (!res.ok) return setChanged({ ok: false, message: errorText(res.error) });
    formEl.reset();
    setChanged({ ok: true, message: t('profile.passwordChanged') });
  }

  return (
    <main className="page page-narrow">
      <PageHeading>{t('profile.title')}</PageHeading>
      <p className="muted">
        {user.email} · {t(`header.role.${user.role}`)}
      </p>
      <section className="card" aria-labelledby="profile-details">
        <h2 id="profile-details">{t('profile.details')}</h2>
        <form className="form" onSubmit={onProfile} noValidate aria-describedby={saved ? 'profile-outcome' : undefined}>
          <label>
            {t('fields.name')}
            <input name="displayName" autoComplete="name" required maxLength={80} defaultValue={user.displayName} />
          </label>
          <TimeZoneField name="timeZone" defaultValue={user.timeZone} label={t('fields.timeZone')} />
          <LanguageField name="locale" defaultValue={isLocale(user.locale) ? user.locale : 'en'} />
          <fieldset className="checks">
            <legend>{t('profile.reminders')}</legend>
            <label className="checkbox">
              <input type="checkbox" name="remindDay" defaultChecked={user.reminders.dayBefore} />
              {t('profile.remindDay')}
            </label>
            <label className="checkbox">
              <input type="checkbox" name="remindHour" defaultChecked={user.reminders.hourBefore} />
              {t('profile.remindHour')}
            </label>
          </fieldset>
          <Outcome id="profile-outcome" outcome={saved} />
          <SubmitButton busy={busy === 'profile'} className="btn btn-primary">
            {busy === 'profile' ? t('profile.saving') : t('profile.save')}
          </SubmitButton>
        </form>
      </section>
      <section className="card" aria-labelledby="profile-password">
        <h2 id="profile-password">{t('profile.password')}</h2>
        <p className="muted">{t('profile.passwordLead')}</p>
        <form className="form" onSubmit={onPassword} noValidate aria-describedby={changed ? 'password-outcome' : undefined}>
          <label>
            {t('profile.currentPassword')}
            <input name="currentPassword" type="password" autoComplete="current-password" required />
          </label>
          <NewPasswordField name="newPassword" label={t('fields.newPassword')} />
          <Outcome id="password-outcome" outcome={changed} />
          <SubmitButton busy={busy === 'password'} className="btn btn-primary">
            {busy === 'password' ? t('profile.saving') : t('profile.changePassword')}
          </SubmitButton>
        </form>
      </section>
    </main>
  );
}
