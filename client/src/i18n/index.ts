import type { ApiError } from '@tandem/shared';
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en, type Messages } from './en.js';
import { fr } from './fr.js';

/** The languages Tandem speaks, first the fallback. */
export const languages = ['en', 'fr'] as const;
export type Language = (typeof languages)[number];
export const catalogues: Record<Language, Messages> = { en, fr };

export const isLanguage = (v: string | null | undefined): v is Language => languages.includes(v as Language);

/** The person's choice in this browser, else the browser's first language we speak, else English. */
export function pickLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/**
 * i18next's "many" form (French for a million and more) falls back to "other" when a
 * catalogue writes only "one" and "other", as ours do.
 */
function withManyForms<T extends object>(tree: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree)) {
    out[k] = typeof v === 'object' && v !== null ? withManyForms(v) : v;
    if (k.endsWith('_other')) {
      const many = `${k.slice(0, -'_other'.length)}_many`;
      if (!(many in tree)) out[many] = v;
    }
  }
  return out as T;
}

export const i18n: I18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(languages.map((l) => [l, { translation: withManyForms(catalogues[l]) }])),
  // The page's language is picked by ./browser.ts at start; tests and other hosts speak English.
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...languages],
  // React escapes what it renders; <Trans> handles the few strings with markup.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export const currentLanguage = (): Language => (isLanguage(i18n.language) ? i18n.language : 'en');

/** A server error in the person's language, from its code (the server's English text is for logs and tools). */
export function errorText(error: ApiError): string {
  if (error.code === 'VALIDATION_FAILED') return i18n.t('errors.VALIDATION_FAILED', { detail: error.message });
  const key = `errors.${error.code}`;
  return i18n.exists(key) ? i18n.t(key as 'errors.INTERNAL') : error.message;
}
