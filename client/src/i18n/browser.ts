import { i18n, type Language, pickLanguage } from './index.js';

// The page's language: the person's choice in this browser, else the browser's own.
const STORAGE_KEY = 'tandem.language';

function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Picks the page's language before the first render and keeps <html lang> in step with it. */
export function startLanguage(): void {
  const setDocumentLanguage = (lng: string) => {
    document.documentElement.lang = lng;
  };
  i18n.on('languageChanged', setDocumentLanguage);
  void i18n.changeLanguage(pickLanguage(storedLanguage(), navigator.languages));
  setDocumentLanguage(i18n.language);
}

/** Switches the language and remembers it in this browser. */
export function setLanguage(lng: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Private mode: the choice lasts this page only.
  }
  void i18n.changeLanguage(lng);
}
