import { useTranslation } from 'react-i18next';
import { type Language, languages } from '../i18n';
import { setLanguage } from '../i18n/browser';
import { useAppStore } from '../store';
import { linkTo, pagePath } from './router';

/** The languages Tandem speaks as a select's options, each named in itself. */
export function LanguageOptions() {
  const { t } = useTranslation();
  return languages.map((l) => (
    <option key={l} value={l} lang={l}>
      {t(`languages.${l}`)}
    </option>
  ));
}

/** The language switcher: one select, each language named in itself. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang-switch">
      <span className="sr-only">{t('header.language')}</span>
      <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
        <LanguageOptions />
      </select>
    </label>
  );
}

export function Header() {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const signOut = useAppStore((s) => s.signOut);
  return (
    <header className="app-header">
      <nav className="header-nav" aria-label={t('header.nav')}>
        <a className="brand" href={pagePath.dashboard} onClick={linkTo(pagePath.dashboard)}>
          {t('app.name')}
        </a>
        {user?.role === 'admin' && (
          <a href={pagePath.programme()} onClick={linkTo(pagePath.programme())}>
            {t('header.programme')}
          </a>
        )}
      </nav>
      <div className="header-user">
        {user && (
          <a className="header-name" href={pagePath.profile} onClick={linkTo(pagePath.profile)} title={t('header.profile')}>
            {user.displayName} <span className="role-badge">{t(`header.role.${user.role}`)}</span>
          </a>
        )}
        <LanguageSwitcher />
        {user && (
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()}>
            {t('header.signOut')}
          </button>
        )}
      </div>
    </header>
  );
}
