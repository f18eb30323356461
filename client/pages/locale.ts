/** Language of the sign-in and admin pages: `?lang=` first, then the browser's preferred languages, English otherwise. */
import { isLocale, type Locale } from '../../shared/domain';

export function pageLocale(search: string, languages: readonly string[]): Locale {
  const lang = new URLSearchParams(search).get('lang');
  if (isLocale(lang)) return lang;
  for (const l of languages) {
    const lower = l.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The page's locale in the browser. */
export function browserLocale(): Locale {
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language ?? ''];
  return pageLocale(location.search, langs);
}
